"""Helpers every rule shares: property access, rule declaration, IAM documents, ARNs, the stack graph."""
