"""Attacks on one-time links (issue 26): an invitation posted by twenty sessions at once,
a reset link surviving a deactivation, an older link surviving a newer one."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.clock import system_now
from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.quotes import Needs, create_quote
from desk.models import Client, Invitation, InvitationPurpose, Quote
from desk.people import accounts, secretaries
from desk.people.accounts import create_user, invite
from tests.conftest import AuthActions, pin_clock
from tests.helpers.attacks import race
from tests.helpers.web import csrf_token

BASE = "https://desk.example.test"
QUOTED = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invited(db: Database, purpose: InvitationPurpose = InvitationPurpose.INVITE) -> str:
    """A new login's one-time link, as a path."""
    with db.session() as session:
        user = create_user(session, email="lea@example.fr", name="Léa", role="secretary")
        link = invite(session, user, base_url=BASE, now=system_now(), purpose=purpose)
    return link.removeprefix(BASE)


def _can_log_in(app: Flask, password: str) -> bool:
    response = AuthActions(app.test_client()).login("lea@example.fr", password)
    return int(response.status_code) == 302


def test_an_invitation_posted_by_twenty_sessions_at_once_sets_one_password(
    db: Database, app: Flask
) -> None:
    path = _invited(db)
    sessions: list[tuple[FlaskClient, str]] = []
    for _ in range(20):
        browser = app.test_client()
        assert browser.get(path).status_code == 200
        sessions.append((browser, csrf_token(browser)))

    def post(index: int) -> tuple[int, int]:
        browser, token = sessions[index]
        secret = f"lea-secret-{index:02d}"
        answer = browser.post(
            path, data={"password": secret, "confirm": secret, "csrf_token": token}
        )
        desk = browser.get("/desk/")  # logged in: the desk; else the login page
        return index if answer.status_code == 302 else -1, int(desk.status_code)

    answers, errors = race(20, post)
    assert errors == []
    winners = [index for index, _status in answers if index >= 0]
    assert len(winners) == 1
    assert sorted(status for _index, status in answers) == [200] + [302] * 19
    assert _can_log_in(app, f"lea-secret-{winners[0]:02d}")
    others = [i for i in range(20) if i != winners[0]]
    assert not any(_can_log_in(app, f"lea-secret-{i:02d}") for i in others[:3])
    assert app.test_client().get(path).status_code == 404


def test_a_reset_link_sent_before_a_deactivation_does_not_work_after_reactivation(
    db: Database, app: Flask, demo: str
) -> None:
    with db.session() as session:
        claire = secretaries.secretary_by(session, "claire@permanence.test")
        login = secretaries.login_of(session, claire)
        assert login is not None
        link = invite(
            session, login, base_url=BASE, now=system_now(), purpose=InvitationPurpose.RESET
        ).removeprefix(BASE)
    browser = app.test_client()
    assert browser.get(link).status_code == 200
    with db.session() as session:
        claire = secretaries.secretary_by(session, "claire@permanence.test")
        secretaries.set_secretary_active(session, claire, False, system_now())
    with db.session() as session:
        claire = secretaries.secretary_by(session, "claire@permanence.test")
        secretaries.set_secretary_active(session, claire, True, system_now())
    assert browser.get(link).status_code == 404
    token = csrf_token(browser)
    answer = browser.post(
        link, data={"password": "new-secret-42", "confirm": "new-secret-42", "csrf_token": token}
    )
    assert answer.status_code == 404
    response = AuthActions(app.test_client()).login("claire@permanence.test", "new-secret-42")
    assert response.status_code != 302


def test_an_older_link_never_works_once_a_newer_one_exists(db: Database, app: Flask) -> None:
    path = _invited(db)
    with db.session() as session:
        # Two links left live by two invitations racing: only the newer one counts.
        user = accounts.user_by_email(session, "lea@example.fr")
        assert user is not None
        session.add(
            Invitation(
                user_id=user.id, token_hash="0" * 64, expires_at=system_now() + timedelta(days=1)
            )
        )
    assert app.test_client().get(path).status_code == 404
    with db.session() as session, pytest.raises(DomainError) as refused:
        accounts.redeem(session, path.rsplit("/", 1)[1], "x" * 12, "x" * 12, system_now())
    assert refused.value.code == "invitation_invalid"
    with db.session() as session:
        user = accounts.user_by_email(session, "lea@example.fr")
        assert user is not None and user.password_hash == accounts.NO_PASSWORD


def _quote(db: Database) -> str:
    with db.session() as session:
        _, token = create_quote(
            session,
            prospect_name="Kiné Lumière",
            prospect_email="contact@kine-lumiere.test",
            plan_name="Permanence essentielle",
            needs=Needs(["lun-ven 12:00-14:00"], 40, []),
            now=QUOTED,
            base_url=BASE,
        )
    return token


def _accept(app: Flask, db: Database, token: str) -> int:
    with db.session() as session:
        sha = session.scalar(select(Quote.pdf_sha256).where(Quote.token_hash == _sha(token)))
    answer = app.test_client().post(
        f"/quote/{token}",
        data={"name": "Anne Lumière", "consent": "bon pour accord", "sha256": sha or ""},
    )
    return int(answer.status_code)


def test_a_quote_link_dies_when_a_newer_quote_goes_to_the_same_prospect(
    db: Database, app: Flask, demo: str
) -> None:
    pin_clock(app, QUOTED)
    old, new = _quote(db), _quote(db)
    assert app.test_client().get(f"/quote/{old}").status_code == 404
    assert _accept(app, db, old) == 404
    assert _accept(app, db, new) == 200
    with db.session() as session:
        states = {
            number: state for number, state in session.execute(select(Quote.number, Quote.state))
        }
        assert states == {"D2026-0001": "sent", "D2026-0002": "accepted"}


def test_a_quote_accepted_by_twenty_sessions_at_once_makes_one_client(
    db: Database, app: Flask, demo: str
) -> None:
    pin_clock(app, QUOTED)
    token = _quote(db)
    codes, errors = race(20, lambda _i: _accept(app, db, token))
    # The losers read "link already used": 404 when they came after, 422 when they lost
    # the compare-and-set itself. Never a 503 (SQLite's snapshot) nor a second client.
    assert errors == [] and codes.count(200) == 1 and set(codes) <= {200, 404, 422}
    with db.session() as session:
        assert session.scalar(select(func.count()).where(Client.slug == "kine-lumiere")) == 1
