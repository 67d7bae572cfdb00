"""E-mail senders: SMTP (plain text and HTML parts) or the console."""

from __future__ import annotations

import logging
import smtplib
import ssl
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import ClassVar

from desk.base.config import Settings
from desk.outbox.channels.base import ChannelError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


class EmailSender(ABC):
    @abstractmethod
    def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> str:
        """Send one e-mail; return its Message-ID, or raise ChannelError."""


def build_message(
    from_address: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        if item.content_type.startswith("text/calendar"):
            # iTIP by e-mail (RFC 6047): the invitation is an alternative body part,
            # `text/calendar; method=…`, which Gmail and Outlook read as an invitation.
            params = dict(
                part.strip().split("=", 1)
                for part in item.content_type.split(";")[1:]
                if "=" in part
            )
            message.add_alternative(item.data.decode(), subtype="calendar", params=params)
            continue
        maintype, _, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.data, maintype=maintype, subtype=subtype or "octet-stream", filename=item.filename
        )
    return message


class ConsoleEmail(EmailSender):
    """Development: logs the e-mail and keeps the last ones in memory."""

    sent: ClassVar[deque[EmailMessage]] = deque(maxlen=100)

    def __init__(self, from_address: str = "permanence@localhost") -> None:
        self.from_address = from_address

    def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> str:
        message = build_message(self.from_address, to, subject, text, html, attachments)
        self.sent.append(message)
        log.info("E-mail (console) to %s: %s", to, subject)
        return str(message["Message-ID"])


class SmtpEmail(EmailSender):
    def __init__(self, settings: Settings, timeout: float = 20.0) -> None:
        email = settings.section("email")
        self.host: str = email["host"]
        self.port: int = email["port"]
        self.username: str = email["username"]
        self.password: str = email["password"]
        self.use_tls: bool = email["use_tls"]
        self.from_address: str = email["from_address"]
        self.timeout = timeout

    def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> str:
        message = build_message(self.from_address, to, subject, text, html, attachments)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            # 5xx: the address does not exist or is refused for good; 4xx: try later.
            permanent = all(c >= 500 for c in codes)
            raise ChannelError(f"SMTP refused {to}: {codes}", permanent=permanent) from exc
        except smtplib.SMTPResponseException as exc:
            raise ChannelError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP error: {exc}") from exc
        return str(message["Message-ID"])


def email_sender(settings: Settings) -> EmailSender:
    if settings["email.backend"] == "smtp":
        return SmtpEmail(settings)
    return ConsoleEmail(settings["email.from_address"])
