"""Aujourd'hui: what a secretary's working day looks like from her home page."""
