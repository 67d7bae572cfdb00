"""SMS webhooks: delivery status of what we sent, and SMS received on desk numbers."""

from __future__ import annotations

from flask import Response, request
from twilio.twiml.messaging_response import MessagingResponse

from desk.messages.inbound_sms import handle_inbound
from desk.outbox.queue import record_status
from desk.request_context import db_session, now
from webhooks import bp
from webhooks.signature import twilio_signed


@bp.post("/sms/status")
@twilio_signed
def sms_status() -> Response:
    outbox = request.args.get("outbox", "")
    session = db_session()
    record_status(
        session,
        provider_id=request.form.get("MessageSid", ""),
        status=request.form.get("MessageStatus") or request.form.get("SmsStatus", ""),
        error_code=request.form.get("ErrorCode"),
        outbox_id=int(outbox) if outbox.isdigit() else None,
        now=now(),
    )
    session.commit()
    return Response(status=204)


@bp.post("/sms/incoming")
@twilio_signed
def sms_incoming() -> Response:
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
