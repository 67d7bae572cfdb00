"""The practice's portal: its own messages, calls, appointments and calendar links (with QR
codes), never the secretaries' script nor another practice (its ids answer 404)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Call, FeedToken, Message, Practitioner
from tests.conftest import AuthActions, pin_clock
from tests.helpers import html
from tests.helpers.routing import paris
from tests.helpers.web import LOGINS, other_tenant, post


def _seed(db: Database, own: int, other: int) -> dict[str, int]:
    ids = {}
    with db.session() as s:
        for name, client_id in (("own", own), ("other", other)):
            call = Call(
                call_sid=f"CA-portal-{name}",
                client_id=client_id,
                to_number="+33199001234",
                caller="+33612345678" if name == "own" else "+33698765432",
                started_at=paris(2027, 3, 29, 12, 30),
            )
            s.add(call)
            s.flush()
            message = Message(
                client_id=client_id, call_id=call.id, caller_name=f"Patient {name}", body="Rappeler"
            )
            s.add(message)
            s.flush()
            ids[f"{name}_message"] = message.id
    return ids


def test_the_portal_shows_its_own_data_and_never_the_script(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    pin_clock(app, paris(2027, 3, 30, 9, 0))
    other = other_tenant(db)
    ids = _seed(db, own, other)
    auth.login(LOGINS["client"])
    assert client.get("/desk/").headers["Location"].endswith("/desk/portal/")
    page = client.get("/desk/portal/").get_data(as_text=True)
    assert "Patient own" in page and "Patient other" not in page
    assert "06 98 76 54 32" not in page
    with db.session() as s:
        from desk.models import Client

        fiche = s.get(Client, own)
        assert fiche is not None and fiche.fiche
        script = fiche.fiche.splitlines()[0]
    assert script not in page
    assert client.get(f"/desk/clients/{own}/fiche").status_code == 404
    assert post(client, f"/desk/portal/messages/{ids['own_message']}/read").status_code == 302
    with db.session() as s:
        read = s.get(Message, ids["own_message"])
        assert read is not None and read.acknowledged_at is not None


def test_calendar_links_for_the_practice_and_each_practitioner_with_qr_codes(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    other = other_tenant(db)
    auth.login(LOGINS["client"])
    client.get("/desk/portal/")
    assert post(client, "/desk/portal/feeds").status_code == 302
    with db.session() as s:
        practitioners = s.scalars(
            select(Practitioner.id).where(Practitioner.client_id == own, Practitioner.active)
        ).all()
        feeds = s.scalars(
            select(FeedToken).where(FeedToken.client_id == own, FeedToken.revoked_at.is_(None))
        ).all()
        assert {f.practitioner_id for f in feeds} >= {None, *practitioners}
        mine = feeds[0].id
        theirs = FeedToken(client_id=other, token="t" * 43, created_at=feeds[0].created_at)
        s.add(theirs)
        s.flush()
        theirs_id = theirs.id
    page = client.get("/desk/portal/").get_data(as_text=True)
    assert page.count("data:image/svg+xml") >= len(practitioners) + 1
    assert "Google" in page and "Outlook" in page and "Apple" in page
    assert "t" * 43 not in page
    assert client.get(f"/desk/portal/feeds/{mine}").status_code == 200
    assert client.get(f"/desk/portal/feeds/{theirs_id}").status_code == 404
    # Twice: no second link for the same calendar.
    post(client, "/desk/portal/feeds")
    with db.session() as s:
        again = s.scalars(
            select(FeedToken).where(FeedToken.client_id == own, FeedToken.revoked_at.is_(None))
        ).all()
    assert len(again) == len(feeds)


def test_the_portal_speaks_french_and_hides_the_secretaries_mobiles(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    pin_clock(app, paris(2027, 3, 30, 9, 0))
    with db.session() as s:
        s.add(
            Call(
                call_sid="CA-portal-answered",
                client_id=own,
                to_number="+33199001234",
                caller="+33612345678",
                started_at=paris(2027, 3, 29, 12, 30),
                outcome="answered",
            )
        )
        # Claire replied by SMS to a summary: the reply is in the practice's log.
        s.add(
            Message(
                client_id=own,
                source="sms",
                caller_number="+33612000001",
                reason="Réponse SMS",
                body="Je le rappelle à 14h",
                created_at=paris(2027, 3, 29, 13, 0),
            )
        )
    auth.login(LOGINS["client"])
    page = html.page(client.get("/desk/portal/"))
    assert html.texts(page, '//section[@id="calls"]//tbody/tr/td[3]') == ["Décroché"]
    callers = html.texts(page, '//section[@id="messages"]//tbody/tr/td[2]')
    assert callers == ["Claire · la permanence"]
    assert "06 12 00 00 01" not in page.text_content()


def test_a_voicemail_without_a_name_shows_its_number_alone(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    with db.session() as s:
        s.add(Message(client_id=own, source="voicemail", caller_number="+33612345678", body=""))
    auth.login(LOGINS["client"])
    page = html.page(client.get("/desk/portal/"))
    assert html.texts(page, '//section[@id="messages"]//tbody/tr/td[2]') == ["06 12 34 56 78"]
