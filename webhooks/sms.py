"""SMS webhooks: delivery status of what we sent, and SMS received on desk numbers.

Odd forms (a NUL byte, a sid or a number longer than any Twilio sends) get a 400, never
a 500; a database that is down gets a 503 with Retry-After (`desk.app`), so Twilio
and the operator see a temporary failure.
"""

from __future__ import annotations

from flask import Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from desk.base.parse import int_in_range
from desk.messages.inbound_sms import handle_inbound
from desk.outbox.queue import record_status
from desk.request_context import db_session, now
from webhooks import bp
from webhooks.signature import twilio_signed

# Longest value each field may carry (Twilio's sids are 34 characters; the columns'
# widths are 64 and 32).
_LIMITS = {
    "MessageSid": 64,
    "SmsSid": 64,
    "From": 32,
    "To": 32,
    "MessageStatus": 32,
    "SmsStatus": 32,
    "ErrorCode": 16,
}


def _check_form() -> None:
    for name, value in request.form.items(multi=True):
        if "\x00" in value or len(value) > _LIMITS.get(name, 4000):
            abort(400)


@bp.post("/sms/status")
@twilio_signed
def sms_status() -> Response:
    _check_form()
    session = db_session()
    record_status(
        session,
        provider_id=request.form.get("MessageSid", ""),
        status=request.form.get("MessageStatus") or request.form.get("SmsStatus", ""),
        error_code=request.form.get("ErrorCode"),
        outbox_id=int_in_range(request.args.get("outbox", "")),
        now=now(),
    )
    session.commit()
    return Response(status=204)


@bp.post("/sms/incoming")
@twilio_signed
def sms_incoming() -> Response:
    _check_form()
    session = db_session()
    reply = handle_inbound(
        session,
        message_sid=request.form.get("MessageSid") or request.form.get("SmsSid", ""),
        from_number=request.form.get("From", ""),
        to_number=request.form.get("To", ""),
        body=request.form.get("Body", ""),
        now=now(),
    )
    session.commit()
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return Response(str(twiml), mimetype="text/xml")
