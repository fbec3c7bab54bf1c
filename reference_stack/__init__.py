"""The reference stack: a Pulumi program (run it with `pulumi`, not by importing it).

This file only makes `reference_stack.components.packaging` importable for the tests.
"""
