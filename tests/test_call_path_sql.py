"""The statements every new call runs stay cheap to send: each compiles once to one SQL
text (no expanding IN, which SQLAlchemy renders again at every execution) short enough
for psycopg's cache of converted queries (at most 4,096 characters; a longer one is
converted again at every call). docs/decisions.md, "The call path's statements stay
under 4,096 characters"."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine

from desk.calls import new_call, presence, queue, steps
from desk.rota import load

PSYCOPG_CACHED_LENGTH = 4096  # psycopg._queries.MAX_CACHED_STATEMENT_LENGTH


def _statements(dialect: str) -> dict[str, Any]:
    return {
        "client on number": new_call._LOOKUP,
        "rota": load.ROTA,
        "rota and who is free": load.ROTA_NOW,
        "call": new_call._CALL,
        "who is free": presence._STATES[dialect],
        "claim": presence._CLAIM[dialect],
        "hold": queue._HOLD[dialect],
        "attempts": steps._ATTEMPTS,
    }


@pytest.mark.parametrize("url", ["postgresql+psycopg://", "sqlite://"])
def test_each_statement_of_a_new_call_is_one_sql_text_short_enough_to_be_cached(
    url: str,
) -> None:
    engine = create_engine(url)
    for name, statement in _statements(engine.dialect.name).items():
        sql = str(statement.compile(dialect=engine.dialect))
        assert "POSTCOMPILE" not in sql, f"{name}: an expanding IN, rendered at every call"
        assert len(sql) <= PSYCOPG_CACHED_LENGTH, f"{name}: {len(sql)} characters"
