"""Stack rules (being written)."""

POLICIES: list = []
