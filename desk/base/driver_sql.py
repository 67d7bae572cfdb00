"""Hot statements run straight on the DBAPI cursor, compiled once per dialect.

Every remaining statement of a call's first webhook cost ~0.25 ms of SQLAlchemy's own
execution machinery (execution context, result metadata, row objects), far more than
SQLite spends answering it. The statements are still *built* with SQLAlchemy Core (so
they stay portable and typed); each is compiled once per dialect on first use, with
bound parameters, and run on the connection's DBAPI cursor, in the caller's transaction.
The compiled bind processors and the selected columns' result processors are applied
by hand, so values go in and come out as through SQLAlchemy (UTC datetimes naive on
SQLite, see `desk.models.base.UTCDateTime`; dates and times as text on SQLite).

Driver errors are re-raised as SQLAlchemy's (`IntegrityError` for a unique key), so
callers catch the same exceptions as before.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any]


class _Compiled:
    __slots__ = ("binds", "make", "names", "positional", "results", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled: Any = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        self.positional: bool = bool(compiled.positional)
        # Positional styles repeat a name each time its parameter is rendered.
        self.names: tuple[str, ...] = tuple(
            compiled.positiontup if self.positional else compiled.binds
        )
        self.binds: dict[str, Processor] = {
            name: proc for name, proc in compiled._bind_processors.items() if proc is not None
        }
        columns: Any = getattr(statement, "selected_columns", None)
        if columns is None:  # INSERT … RETURNING
            columns = getattr(statement, "_returning", ())
        self.results: list[tuple[int, Processor]] = [
            (i, proc)
            for i, column in enumerate(columns)
            if (proc := column.type._cached_result_processor(dialect, None)) is not None
        ]
        # Rows read by name (`row.secretary_id`) as well as by position, like a Row.
        fields = [str(column.key) for column in columns]
        self.make: Callable[[Iterable[Any]], Any] = tuple
        if fields:
            row_type: Any = namedtuple("Row", fields, rename=True)  # type: ignore[misc]
            self.make = row_type._make

    def parameters(self, given: Mapping[str, Any]) -> Any:
        values = dict(given)
        for name, process in self.binds.items():
            if name in values:
                values[name] = process(values[name])
        if self.positional:
            return tuple(values[name] for name in self.names)
        return values

    def row(self, raw: Any) -> Any:
        if not self.results:
            return self.make(raw)
        row = list(raw)
        for i, proc in self.results:
            row[i] = proc(row[i])
        return self.make(row)


class DriverStatement:
    """A Core statement run on the DBAPI cursor; SQL compiled once per dialect."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return compiled

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every row, as named tuples in the statement's column order."""
        compiled = self._for(conn)
        cursor = self._run(conn, compiled, compiled.parameters(params))
        try:
            return [compiled.row(raw) for raw in cursor.fetchall()]
        finally:
            cursor.close()

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        rows = self.all(conn, params)
        return rows[0] if rows else None

    def run(self, conn: Connection, params: Mapping[str, Any]) -> None:
        """Run once, reading nothing back (an INSERT)."""
        compiled = self._for(conn)
        self._run(conn, compiled, compiled.parameters(params)).close()

    def many(self, conn: Connection, params: Iterable[Mapping[str, Any]]) -> None:
        """Run once per parameter set (an INSERT of several rows)."""
        compiled = self._for(conn)
        batch = [compiled.parameters(p) for p in params]
        cursor = self._run(conn, compiled, batch, many=True)
        cursor.close()

    def _run(self, conn: Connection, compiled: _Compiled, params: Any, many: bool = False) -> Any:
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None
        cursor = dbapi_connection.cursor()
        try:
            if many:
                cursor.executemany(compiled.sql, params)
            else:
                cursor.execute(compiled.sql, params)
        except conn.dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise DBAPIError.instance(
                compiled.sql, params, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
            ) from error
        return cursor
