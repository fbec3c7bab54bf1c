"""Reference data the rules read (kept as Python modules so the pack needs no file lookups)."""
