"""All models, importable from one place: `from desk.models import Client, Call`."""

# Registers the listeners that keep clients.feed_version honest.
from desk.models import feed_version  # noqa: F401
from desk.models.appointments import ApiKey, Appointment, BusyBlock, CalendarSource, FeedToken
from desk.models.base import Base, UTCDateTime
from desk.models.calls import Call, CallAttempt, WebhookReceipt
from desk.models.clients import (
    AppointmentType,
    Client,
    Closure,
    Contact,
    Contract,
    CoverageWindow,
    DeskNumber,
    OpeningHours,
    Practitioner,
)
from desk.models.messages import InboundSms, Message, OptOut, Outbox
from desk.models.people import ROLES, Secretary, Training, User
from desk.models.rota import Absence, Override, Shift
from desk.models.system import AuditEvent, SchedulerHeartbeat

__all__ = [
    "ROLES",
    "Absence",
    "ApiKey",
    "Appointment",
    "AppointmentType",
    "AuditEvent",
    "Base",
    "BusyBlock",
    "CalendarSource",
    "Call",
    "CallAttempt",
    "Client",
    "Closure",
    "Contact",
    "Contract",
    "CoverageWindow",
    "DeskNumber",
    "FeedToken",
    "InboundSms",
    "Message",
    "OpeningHours",
    "OptOut",
    "Outbox",
    "Override",
    "Practitioner",
    "SchedulerHeartbeat",
    "Secretary",
    "Shift",
    "Training",
    "UTCDateTime",
    "User",
    "WebhookReceipt",
]
