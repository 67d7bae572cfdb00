"""Every desk route for every role: who gets the page, who is refused, who is sent to log in.

Another tenant's object is 404 (not 403): its existence is not revealed.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from desk.base.db import Database
from desk.models import Call, Message
from tests.conftest import AuthActions
from tests.helpers.web import LOGINS, demo_id, other_tenant, post

ROLES = ("admin", "secretary", "client", "anonymous")

# (method, path template, expected status for admin, secretary, client user, anonymous).
# {own} is the demo client (everyone's), {other} a client only the admin may see;
# {own_call}, {own_message}, {other_call}, {other_message} are theirs.
ROUTES: list[tuple[str, str, tuple[int, int, int, int]]] = [
    ("GET", "/desk/", (200, 200, 302, 302)),
    ("GET", "/desk/portal/", (403, 403, 200, 302)),
    ("POST", "/desk/portal/feeds", (403, 403, 302, 302)),
    ("GET", "/desk/portal/feeds/999999", (403, 403, 404, 302)),
    ("POST", "/desk/portal/messages/999999/read", (403, 403, 404, 302)),
    ("POST", "/desk/portal/messages/{other_message}/read", (403, 403, 404, 302)),
    ("POST", "/desk/portal/messages/{own_message}/read", (403, 403, 302, 302)),
    ("GET", "/desk/people/", (200, 403, 403, 302)),
    ("GET", "/desk/people/999999", (404, 403, 403, 302)),
    ("POST", "/desk/people/999999/deactivate", (404, 403, 403, 302)),
    ("GET", "/desk/privacy/", (200, 403, 403, 302)),
    ("GET", "/desk/privacy/export?q=0612345678", (200, 403, 403, 302)),
    ("POST", "/desk/privacy/erase", (400, 403, 403, 302)),
    ("GET", "/desk/privacy/audit", (200, 403, 403, 302)),
    ("GET", "/desk/clients/", (200, 403, 403, 302)),
    # The practice's own users have their portal: never the secretaries' script.
    ("GET", "/desk/clients/{own}", (200, 200, 404, 302)),
    ("GET", "/desk/clients/{other}", (200, 404, 404, 302)),
    ("GET", "/desk/clients/{own}/fiche", (200, 200, 404, 302)),
    ("GET", "/desk/clients/{other}/fiche", (200, 404, 404, 302)),
    ("POST", "/desk/clients/{own}", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/numbers", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/contacts", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/coverage", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/number/999999/delete", (404, 403, 403, 302)),
    ("GET", "/desk/clients/new", (200, 403, 403, 302)),
    ("POST", "/desk/clients/new", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/practitioners", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/hours", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/types", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/closures", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/users", (400, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/hours/999999/delete", (404, 403, 403, 302)),
    ("GET", "/desk/calls/", (200, 200, 200, 302)),
    ("GET", "/desk/rota/", (200, 200, 403, 302)),
    ("GET", "/desk/rota/?client={own}", (200, 200, 403, 302)),
    ("GET", "/desk/rota/?client={other}", (200, 404, 403, 302)),
    ("POST", "/desk/rota/{own}/shifts", (400, 403, 403, 302)),
    ("POST", "/desk/rota/{own}/overrides", (400, 403, 403, 302)),
    ("POST", "/desk/rota/{own}/absences", (400, 403, 403, 302)),
    ("POST", "/desk/rota/{own}/shift/999999/delete", (404, 403, 403, 302)),
    ("GET", "/desk/now", (200, 200, 403, 302)),
    ("GET", "/desk/book", (200, 200, 403, 302)),
    ("GET", "/desk/book?client_id={own}", (200, 200, 403, 302)),
    ("GET", "/desk/book?client_id={other}", (200, 404, 403, 302)),
    ("POST", "/desk/book", (400, 400, 403, 302)),
    ("GET", "/desk/book/find?q=Jeanne", (200, 200, 403, 302)),
    ("GET", "/desk/book/999999", (404, 404, 403, 302)),
    ("POST", "/desk/book/999999/reschedule", (404, 404, 403, 302)),
    ("POST", "/desk/book/999999/cancel", (404, 404, 403, 302)),
    ("GET", "/desk/calendar", (200, 200, 200, 302)),
    ("GET", "/desk/calendar?client_id={own}", (200, 200, 200, 302)),
    ("GET", "/desk/calendar?client_id={other}", (200, 404, 404, 302)),
    ("POST", "/desk/clients/{own}/feeds", (302, 403, 403, 302)),
    ("POST", "/desk/clients/{other}/feeds", (302, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/feeds/999999/rotate", (404, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/feeds/999999/revoke", (404, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/apikeys", (200, 403, 403, 302)),
    ("POST", "/desk/clients/{own}/apikeys/999999/revoke", (404, 403, 403, 302)),
    ("GET", "/desk/messages/", (200, 200, 200, 302)),
    ("GET", "/desk/messages/?client={own}", (200, 200, 200, 302)),
    ("GET", "/desk/messages/new", (200, 200, 403, 302)),
    ("GET", "/desk/messages/new?client_id={own}", (200, 200, 403, 302)),
    ("GET", "/desk/messages/new?client_id={other}", (200, 404, 403, 302)),
    ("GET", "/desk/messages/new?call={other_call}", (200, 404, 403, 302)),
    ("POST", "/desk/messages/new", (400, 400, 403, 302)),
    ("POST", "/desk/messages/{own_message}/acknowledge", (302, 302, 302, 302)),
    ("POST", "/desk/messages/{other_message}/acknowledge", (302, 404, 404, 302)),
    ("POST", "/desk/messages/999999/acknowledge", (404, 404, 404, 302)),
    ("GET", "/desk/outbox/", (200, 200, 403, 302)),
    ("GET", "/desk/outbox/?client={other}", (200, 200, 403, 302)),
    ("GET", "/desk/simulator", (200, 200, 403, 302)),
    ("POST", "/desk/simulator", (400, 400, 403, 302)),
    ("POST", "/desk/simulator/hang-up", (400, 400, 403, 302)),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_on_every_desk_route(
    role: str, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    other = other_tenant(db)
    with db.session() as s:
        own = demo_id(s)
        ids = {"own": own, "other": other}
        for name, client_id in (("own", own), ("other", other)):
            call = Call(call_sid=f"CA-{name}", client_id=client_id, to_number="+1", caller="+2")
            s.add(call)
            s.flush()
            message = Message(client_id=client_id, call_id=call.id, body="Rappeler")
            s.add(message)
            s.flush()
            ids |= {f"{name}_call": call.id, f"{name}_message": message.id}
    if role != "anonymous":
        assert auth.login(LOGINS[role]).status_code == 302
    column = ROLES.index(role)
    wrong = []
    for method, template, expected in ROUTES:
        path = template.format(**ids)
        response = client.get(path) if method == "GET" else post(client, path)
        if response.status_code != expected[column]:
            wrong.append(f"{method} {path}: {response.status_code}, expected {expected[column]}")
        if response.status_code == 302 and role == "anonymous":
            assert response.headers["Location"].startswith("/desk/login")
    assert not wrong, "\n".join(wrong)


def test_an_admin_form_posted_without_a_csrf_token_is_refused(
    client: FlaskClient, auth: AuthActions, own: int
) -> None:
    auth.login(LOGINS["admin"])
    response = client.post(f"/desk/clients/{own}/numbers", data={"number-number": "0199001111"})
    assert response.status_code == 400
    assert "0199001111" not in client.get(f"/desk/clients/{own}").get_data(as_text=True)
