"""The reference stack's components, one module per concern (see reference_stack/README.md)."""
