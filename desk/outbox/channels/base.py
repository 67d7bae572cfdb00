"""What every channel shares: the error that says whether trying again can help."""

from __future__ import annotations


class ChannelError(Exception):
    """Sending failed. `permanent=True`: retrying cannot help (invalid number, opted out).

    Transient errors (a timeout, a 500, a full mailbox server) are retried with backoff.
    """

    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code
