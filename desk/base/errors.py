"""Domain errors: raised by domain functions, turned into pages, JSON or TwiML by handlers."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user can act on. `field` names the input at fault, when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it (both look the same)."""


class Conflict(DomainError):
    """The request is valid but clashes with the current state (a slot just taken)."""
