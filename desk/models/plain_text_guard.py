"""Control characters never reach the database in text columns, whichever way in (a form,
the API, a CSV import, the CLI, a webhook): `String` columns are made one line, `Text`
columns keep their line breaks and tabs only (desk.base.plain_text).

Checked in `before_insert` / `before_update`, so a row written before (with a CR/LF in a
name) is cleaned too the next time it is saved. Core statements bypass this: the few
that write typed text clean it themselves; the call path's inserts hold only what a
signed webhook sent (NUL removed) and values the desk makes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import String, Text, event
from sqlalchemy.orm import Mapper

from desk.base.plain_text import free_text, has_controls, one_line
from desk.models.base import Base


@cache
def _text_columns(mapper: Mapper[Any]) -> tuple[tuple[str, bool], ...]:
    """(attribute, multi-line) for each text column of the mapped class."""
    found = []
    for attr in mapper.column_attrs:
        for column in attr.columns:
            if isinstance(column.type, String):
                found.append((attr.key, isinstance(column.type, Text)))
                break
    return tuple(found)


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _clean(mapper: Mapper[Any], _connection: object, target: Any) -> None:
    values = target.__dict__
    for key, multi_line in _text_columns(mapper):
        value = values.get(key)
        if isinstance(value, str) and has_controls(value):
            setattr(target, key, free_text(value) if multi_line else one_line(value))
