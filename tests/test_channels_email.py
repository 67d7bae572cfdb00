"""The SMTP channel against a real aiosmtpd server."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.base.db import Database
from desk.outbox.channels import ChannelError, SmtpEmail
from tests.helpers.local_servers import SmtpServer, smtp_overrides
from tests.helpers.messages import make_settings


def test_an_email_has_a_plain_and_an_html_part(db: Database, tmp_path: Path) -> None:
    with SmtpServer() as smtp:
        sender = SmtpEmail(make_settings(db, tmp_path, smtp_overrides(smtp)))
        message_id = sender.send("a@parc.test", "Sujet é", "texte", "<p>texte</p>")
        [(envelope, email)] = smtp.received
    assert envelope.rcpt_tos == ["a@parc.test"]
    assert email["Message-ID"] == message_id and email["Subject"] == "Sujet é"
    assert email.get_content_type() == "multipart/alternative"


def test_an_unreachable_smtp_server_is_a_transient_error(db: Database, tmp_path: Path) -> None:
    with SmtpServer() as smtp:
        overrides = smtp_overrides(smtp)
    sender = SmtpEmail(make_settings(db, tmp_path, overrides))  # the server is gone
    with pytest.raises(ChannelError) as caught:
        sender.send("a@parc.test", "s", "t")
    assert caught.value.permanent is False
