"""Outbound channels (SMS, e-mail) behind one small interface each.

`sms_sender(settings)` and `email_sender(settings)` pick the implementation named by the
settings; the dispatcher is the only caller, so nothing in a request ever sends.
"""

from __future__ import annotations

from desk.outbox.channels.base import ChannelError
from desk.outbox.channels.email import (
    Attachment,
    ConsoleEmail,
    EmailSender,
    SmtpEmail,
    email_sender,
)
from desk.outbox.channels.sms import ConsoleSms, SmsSender, TwilioSms, sms_sender

__all__ = [
    "Attachment",
    "ChannelError",
    "ConsoleEmail",
    "ConsoleSms",
    "EmailSender",
    "SmsSender",
    "SmtpEmail",
    "TwilioSms",
    "email_sender",
    "sms_sender",
]
