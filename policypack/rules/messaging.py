"""Rules for this service (being written)."""

POLICIES: list = []
