"""people.csv: name, phone, [email], [partner], [clients] (slugs, |-separated), [overflow_rank]."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.clients.imports import Row
from desk.clients.lifecycle import client_by_key
from desk.people.secretaries import SecretaryInput, add_secretary, set_trainings

PEOPLE_COLUMNS = ("name", "phone")
YES = frozenset({"1", "yes", "oui", "true", "y", "o", "x"})
NO = frozenset({"", "0", "no", "non", "false", "n"})


def _flag(raw: str, field: str) -> bool:
    value = raw.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise DomainError("boolean_invalid", field=field, value=raw)


def import_person_row(session: Session, row: Row) -> object:
    secretary = add_secretary(
        session,
        SecretaryInput(
            name=row.get("name", ""),
            phone=row.get("phone", ""),
            email=row.get("email", ""),
            is_partner=_flag(row.get("partner", ""), "partner"),
        ),
    )
    rank_text = row.get("overflow_rank", "")
    rank = None
    if rank_text:
        if not rank_text.isdigit():
            raise DomainError("rank_invalid", field="overflow_rank")
        rank = int(rank_text)
    slugs = [s for s in row.get("clients", "").split("|") if s.strip()]
    ranks = {}
    for slug in slugs:
        try:
            ranks[client_by_key(session, slug).id] = rank
        except DomainError as exc:
            exc.field = "clients"
            raise
    if ranks:
        try:
            set_trainings(session, secretary, ranks)
        except DomainError as exc:
            exc.field = "overflow_rank" if exc.code == "rank_invalid" else "clients"
            raise
    return secretary
