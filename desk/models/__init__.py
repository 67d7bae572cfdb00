"""All models, importable from one place: `from desk.models import Client, Call`."""

# Registers the listeners that keep clients.feed_version honest, and the audit trail.
from desk.models import audit_trail, feed_version  # noqa: F401
from desk.models.appointments import ApiKey, Appointment, BusyBlock, CalendarSource, FeedToken
from desk.models.base import Base, UTCDateTime
from desk.models.billing import (
    BillingTemplate,
    BuyerIdentity,
    Contract,
    CoverageDecision,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceTracking,
    Mission,
    PartnerAgreement,
    Payment,
    PricePlan,
    Quote,
    SellerIdentity,
)
from desk.models.calls import Call, CallAttempt, WebhookReceipt
from desk.models.clients import (
    AppointmentType,
    AppointmentTypePractitioner,
    Client,
    Closure,
    Contact,
    CoverageWindow,
    DeskNumber,
    OpeningHours,
    Practitioner,
)
from desk.models.desk_identity import DeskIdentity, VatStatus
from desk.models.invitations import Invitation, InvitationPurpose
from desk.models.messages import InboundSms, Message, OptOut, Outbox, OutboxAttachment
from desk.models.people import ROLES, Secretary, Training, User
from desk.models.reports import (
    AnsweredHour,
    CallHour,
    MonthlyReport,
    OutcomeHour,
    RollupMark,
)
from desk.models.rota import Absence, DutyNotice, Override, Shift
from desk.models.system import AuditEvent, SchedulerHeartbeat

__all__ = [
    "ROLES",
    "Absence",
    "AnsweredHour",
    "ApiKey",
    "Appointment",
    "AppointmentType",
    "AppointmentTypePractitioner",
    "AuditEvent",
    "Base",
    "BillingTemplate",
    "BusyBlock",
    "BuyerIdentity",
    "CalendarSource",
    "Call",
    "CallAttempt",
    "CallHour",
    "Client",
    "Closure",
    "Contact",
    "Contract",
    "CoverageDecision",
    "CoverageWindow",
    "DeskIdentity",
    "DeskNumber",
    "DutyNotice",
    "FeedToken",
    "InboundSms",
    "Invitation",
    "InvitationPurpose",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "InvoiceTracking",
    "Message",
    "Mission",
    "MonthlyReport",
    "OpeningHours",
    "OptOut",
    "Outbox",
    "OutboxAttachment",
    "OutcomeHour",
    "Override",
    "PartnerAgreement",
    "Payment",
    "Practitioner",
    "PricePlan",
    "Quote",
    "RollupMark",
    "SchedulerHeartbeat",
    "Secretary",
    "SellerIdentity",
    "Shift",
    "Training",
    "UTCDateTime",
    "User",
    "VatStatus",
    "WebhookReceipt",
]
