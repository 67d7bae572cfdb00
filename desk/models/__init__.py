"""All models, importable from one place: `from desk.models import Client, Call`."""

# Registers the listeners that keep clients.feed_version honest, and the audit trail.
from desk.models import audit_trail, feed_version  # noqa: F401
from desk.models.appointments import ApiKey, Appointment, BusyBlock, CalendarSource, FeedToken
from desk.models.base import Base, UTCDateTime
from desk.models.calls import Call, CallAttempt, WebhookReceipt
from desk.models.clients import (
    AppointmentType,
    AppointmentTypePractitioner,
    Client,
    Closure,
    Contact,
    Contract,
    CoverageWindow,
    DeskNumber,
    OpeningHours,
    Practitioner,
)
from desk.models.desk_identity import DeskIdentity, VatStatus
from desk.models.invitations import Invitation, InvitationPurpose
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
    "AppointmentTypePractitioner",
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
    "DeskIdentity",
    "DeskNumber",
    "FeedToken",
    "InboundSms",
    "Invitation",
    "InvitationPurpose",
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
    "VatStatus",
    "WebhookReceipt",
]
