"""Importing clients and people from CSV: every row checked, errors by line, all or nothing.

`run_import` applies each row in a savepoint and collects the errors with their line and
column; the caller commits only when the list is empty and it is not a dry run, so a file
with one bad line imports nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.clients import edits
from desk.clients.lifecycle import NewClient, client_by_key, create_client

Row = dict[str, str]


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[tuple[int, DomainError]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv(data: bytes, required: tuple[str, ...]) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("csv_unreadable", field="file") from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in required if c not in columns]
    if missing:
        raise DomainError("csv_columns", field="file", columns=", ".join(missing))
    rows = [
        {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()} for raw in reader
    ]
    if not rows:
        raise DomainError("csv_empty", field="file")
    return rows


def run_import(
    session: Session, rows: list[Row], apply: Callable[[Session, Row], object]
) -> ImportResult:
    """Apply each row (line numbers count the header as line 1)."""
    result = ImportResult()
    for number, row in enumerate(rows, start=2):
        try:
            with session.begin_nested():
                apply(session, row)
        except DomainError as exc:
            result.errors.append((number, exc))
        else:
            result.rows += 1
    return result


CLIENT_COLUMNS = ("name",)


def import_client_row(session: Session, row: Row, start_reason: str | None = None) -> object:
    """name, [slug], [timezone], [holiday_policy], [copy_from], [desk_number], [contact_name],
    [contact_email], [contact_phone]. Coverage not started unless `start_reason` is given
    (start without a quote, that reason kept)."""
    source = row.get("copy_from") or ""
    client = create_client(
        session,
        NewClient(
            name=row.get("name", ""),
            slug=row.get("slug", ""),
            timezone=row.get("timezone") or "Europe/Paris",
            holiday_policy=row.get("holiday_policy") or "closed",
            copy_from=client_by_key(session, source).id if source else None,
            start_without_quote=start_reason is not None,
            start_reason=start_reason or "",
        ),
    )
    if row.get("desk_number"):
        edits.add_desk_number(session, client, row["desk_number"])
    if row.get("contact_name") or row.get("contact_email") or row.get("contact_phone"):
        contact = edits.ContactInput(
            name=row.get("contact_name") or client.name,
            phone=row.get("contact_phone") or None,
            email=row.get("contact_email") or None,
        )
        try:
            edits.add_contact(session, client, contact)
        except DomainError as exc:
            exc.field = f"contact_{exc.field}" if exc.field else exc.field
            raise
    return client
