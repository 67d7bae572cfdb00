"""All models, importable from one place: `from desk.models import Client, Call`."""

# Registers the listeners that keep clients.feed_version honest, the audit trail, and
# control characters out of text columns.
from desk.models import audit_trail, feed_version, plain_text_guard  # noqa: F401
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
from desk.models.calendars import CalendarBusy, CalendarConnection, CalendarEvent
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
from desk.models.invitations import Invitation, InvitationPurpose, LoginFailure
from desk.models.messages import InboundSms, Message, OptOut, Outbox, OutboxAttachment
from desk.models.offers import (
    ClientOfferSetting,
    Offer,
    OfferAnswer,
    OfferPolicy,
    OfferRecipient,
    OfferState,
)
from desk.models.people import ROLES, Secretary, Training, User
from desk.models.presence import Callback, Presence, WaitingCall
from desk.models.reports import (
    AnsweredHour,
    CallHour,
    MonthlyReport,
    OfferedHalfHour,
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
    "CalendarBusy",
    "CalendarConnection",
    "CalendarEvent",
    "CalendarSource",
    "Call",
    "CallAttempt",
    "CallHour",
    "Callback",
    "Client",
    "ClientOfferSetting",
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
    "LoginFailure",
    "Message",
    "Mission",
    "MonthlyReport",
    "Offer",
    "OfferAnswer",
    "OfferPolicy",
    "OfferRecipient",
    "OfferState",
    "OfferedHalfHour",
    "OpeningHours",
    "OptOut",
    "Outbox",
    "OutboxAttachment",
    "OutcomeHour",
    "Override",
    "PartnerAgreement",
    "Payment",
    "Practitioner",
    "Presence",
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
    "WaitingCall",
    "WebhookReceipt",
]
