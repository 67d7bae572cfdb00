"""Domain errors: raised by domain functions, turned into pages, JSON or TwiML by handlers.

An error carries a `code` (a key of `desk.base.words.WORDS`), the `params` its words
need, and the `field` at fault when one is. Domain code never writes user-facing
sentences: the web desk, the API, the CLI and TwiML translate the code through Babel
(`desk.base.words.say`), so each user reads it in her own language.
"""

from __future__ import annotations

from desk.base.words import say


class DomainError(Exception):
    """Something the user can act on."""

    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    @property
    def message(self) -> str:
        """The words in English (logs); users get `desk.base.words.say(error, gettext)`."""
        return say(self, lambda msgid: msgid)

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it (both look the same)."""


class Conflict(DomainError):
    """The request is valid but clashes with the current state (a slot just taken)."""
