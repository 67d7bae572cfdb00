from datetime import UTC, datetime

from flask.testing import FlaskClient

from desk.base.db import Database
from desk.models import Call, CallAttempt
from tests.conftest import AuthActions
from tests.helpers.web import LOGINS, demo_id, other_tenant, secretary_id


def _calls(db: Database) -> None:
    other = other_tenant(db)
    with db.session() as s:
        own = demo_id(s)
        claire = secretary_id(s, "Claire")
        answered = Call(
            call_sid="CA-answered",
            client_id=own,
            to_number="+33199001234",
            caller="+33612345678",
            started_at=datetime(2026, 3, 2, 11, 5, tzinfo=UTC),
            outcome="answered",
            duration_seconds=95,
            handled_by_id=claire,
        )
        s.add(answered)
        s.flush()
        s.add(
            CallAttempt(
                call_id=answered.id,
                position=0,
                secretary_id=claire,
                number="+33612000001",
                outcome="completed",
            )
        )
        s.add(
            Call(
                call_sid="CA-voicemail",
                client_id=own,
                to_number="+33199001234",
                caller="+33611111111",
                started_at=datetime(2026, 3, 3, 17, 30, tzinfo=UTC),
                outcome="voicemail",
                recording_url="https://api.twilio.com/rec/RE1",
            )
        )
        s.add(
            Call(
                call_sid="CA-other",
                client_id=other,
                to_number="+33199009999",
                caller="+33622222222",
                started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                outcome="missed",
            )
        )


def test_a_secretary_sees_the_calls_of_her_clients_only(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["secretary"])
    page = client.get("/desk/calls/").get_data(as_text=True)
    assert 'data-call="CA-answered"' in page
    assert 'data-call="CA-voicemail"' in page
    assert 'data-call="CA-other"' not in page
    assert "1:35" in page  # duration
    # Played through the desk: Twilio's URL (which asks for the account's secret) stays out.
    assert 'src="/desk/recordings/call/' in page and "api.twilio.com" not in page


def test_the_admin_sees_every_call_and_filters_by_outcome_and_date(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["admin"])
    assert 'data-call="CA-other"' in client.get("/desk/calls/").get_data(as_text=True)
    voicemails = client.get("/desk/calls/?outcome=voicemail").get_data(as_text=True)
    assert 'data-call="CA-voicemail"' in voicemails
    assert 'data-call="CA-answered"' not in voicemails
    monday = client.get("/desk/calls/?day_from=2026-03-02&day_to=2026-03-02").get_data(as_text=True)
    assert 'data-call="CA-answered"' in monday and 'data-call="CA-other"' in monday
    assert 'data-call="CA-voicemail"' not in monday


def test_calls_filter_by_the_secretary_who_answered(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    _calls(db)
    with db.session() as s:
        claire = secretary_id(s, "Claire")
    auth.login(LOGINS["admin"])
    page = client.get(f"/desk/calls/?secretary={claire}").get_data(as_text=True)
    assert 'data-call="CA-answered"' in page
    assert 'data-call="CA-voicemail"' not in page


def test_a_client_user_sees_its_own_calls(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["client"])
    page = client.get("/desk/calls/").get_data(as_text=True)
    assert 'data-call="CA-answered"' in page
    assert 'data-call="CA-other"' not in page
