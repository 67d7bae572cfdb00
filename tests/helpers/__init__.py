"""Helpers shared by the test modules (and their conftests): import from here, never from
another test module."""
