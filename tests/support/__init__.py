"""Helpers the tests share: plain functions and values, never fixtures and never tests.

Test modules and conftest files import from here (or from an area's own `support.py`), not from
each other, so moving or deleting a test never breaks another.
"""
