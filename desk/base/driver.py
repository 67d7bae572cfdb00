"""A Core statement compiled once and run on the driver's own cursor: the one hot write.

SQLAlchemy's execution of a statement (compiled-cache lookup, the execution context,
bind processing, the result object) costs several times what SQLite itself does for a
small INSERT. A new call's two inserts run inside SQLite's write lock, which the other
workers wait for (docs/speed.md): there they run through `Prepared`, in the unit of
work the view opened (`desk.base.db.short_write`, which commits or rolls it back).

SQLAlchemy's public API only, no copy of what it does: the statement compiled for the
engine's dialect (`SQLCompiler.string`, `.positiontup`, `.binds`), its values completed
and checked by `Compiled.construct_params`, each converted by the processor its type
gives that dialect (`TypeEngine.dialect_impl(dialect).bind_processor(dialect)`: what
SQLAlchemy's own execution applies; `tests/test_driver.py` compares the two), run on
`Connection.connection.driver_connection`. A driver error is raised as SQLAlchemy
raises it (`DBAPIError.instance`), so callers catch one kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement


class Prepared:
    """`statement` compiled for `dialect` (positional or named paramstyle)."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self._compiled = compiled
        self.sql = compiled.string
        # SQLite's qmark: values in this order; psycopg's pyformat: by name.
        self._order = None if compiled.positiontup is None else list(compiled.positiontup)
        self._processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._processors[name] = processor

    def parameters(self, values: Mapping[str, Any]) -> list[Any] | MutableMapping[str, Any]:
        """The driver's parameters for `values` (a missing one raises, as in execute)."""
        given = self._compiled.construct_params(dict(values))
        assert given is not None
        for name, processor in self._processors.items():
            if name in given:
                given[name] = processor(given[name])
        return given if self._order is None else [given[name] for name in self._order]

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        """Run once on `conn`'s driver connection; the driver's cursor."""
        parameters = self.parameters(values)
        return _on_driver(conn, self.sql, parameters, lambda d: d.execute(self.sql, parameters))

    def executemany(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        parameters = [self.parameters(values) for values in rows]
        _on_driver(
            conn, self.sql, parameters, lambda d: d.cursor().executemany(self.sql, parameters)
        )


@lru_cache(maxsize=16)
def prepared(statement: ClauseElement, dialect: Dialect) -> Prepared:
    """`Prepared` once per statement and engine dialect."""
    return Prepared(statement, dialect)


def _on_driver(conn: Connection, sql: str, parameters: Any, run: Callable[[Any], Any]) -> Any:
    driver: Any = conn.connection.driver_connection
    try:
        return run(driver)
    except conn.dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy would: a lost connection is dropped (`Connection.invalidate`) and
        # the error says so (`connection_invalidated`), so callers can take it again.
        lost = bool(conn.dialect.is_disconnect(error, driver, None))
        if lost:
            conn.invalidate(error)
        raise DBAPIError.instance(
            sql,
            parameters,
            error,
            conn.dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=conn.dialect,
        ) from error
