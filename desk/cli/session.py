"""A committed session for the commands of the real desk, its changes audited as "cli"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.cli.base import database_from
from desk.models.audit_trail import set_actor


def error_words(error: DomainError) -> str:
    """The error in the operator's language (French, the desk's default), field named."""
    words = say(error, gettext_for("fr"))
    return f"{error.field}: {words}" if error.field else words


@contextmanager
def cli_session(ctx: click.Context, actor: str = "cli") -> Iterator[Session]:
    """Commits when the block ends; a DomainError rolls back and becomes the command's error."""
    db = database_from(ctx)
    try:
        with db.session() as session:
            set_actor(session, actor)
            yield session
    except DomainError as exc:
        raise click.ClickException(error_words(exc)) from None
    finally:
        db.dispose()
