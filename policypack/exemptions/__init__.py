"""Per-resource exemptions that expire and are never silent (see `model` for their shape)."""

from .apply import Exemptions
from .model import OPTIONS, TAG_PREFIX, Exemption

__all__ = ["Exemptions", "Exemption", "OPTIONS", "TAG_PREFIX"]
