"""`desk simulate call`: walk a running server through a call with correctly signed requests.

It plays Twilio: posts the webhooks Twilio would post, signed with the configured auth
token against `server.public_base_url`, follows the TwiML it gets back (screening legs,
dial results, the recording) and prints each step, so routing can be watched without a
Twilio account.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from xml.dom import minidom
from zoneinfo import ZoneInfo

import click
import requests
from twilio.request_validator import RequestValidator

from desk.cli.base import main, settings_from

ANSWERS = ("accept", "decline", "no-answer")
MAX_TURNS = 25


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


class Simulator:
    """Posts signed webhooks to `target` as Twilio would to `public` (the signed URL)."""

    def __init__(self, public: str, target: str, token: str, at: datetime | None) -> None:
        self.public = public.rstrip("/")
        self.target = target.rstrip("/")
        self.validator = RequestValidator(token)
        self.at = at
        self.http = requests.Session()

    def post(self, url: str, params: dict[str, str]) -> ET.Element:
        """POST to an absolute public URL (as found in TwiML) or a path; print both sides."""
        if url.startswith("/"):
            url = self.public + url
        if not url.startswith(self.public):
            raise click.ClickException(f"TwiML points outside this desk: {url}")
        if self.at is not None:
            params = {**params, "DeskSimulatedTime": self.at.isoformat()}
        signature = self.validator.compute_signature(url, params)
        path = url[len(self.public) :]
        response = self.http.post(
            self.target + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=30
        )
        click.secho(f"→ POST {path}", bold=True)
        if response.status_code != 200:
            raise click.ClickException(f"{path}: HTTP {response.status_code}")
        click.echo(_pretty(response.text))
        return ET.fromstring(response.text)


def _pretty(xml: str) -> str:
    text = minidom.parseString(xml).toprettyxml(indent="  ")
    return "\n".join(line for line in text.splitlines()[1:] if line.strip())


def run_call(sim: Simulator, to: str, caller: str, answer: str) -> str:
    """Play one call to the end; return how it ended."""
    call_sid = _sid("CA")
    base = {"AccountSid": "AC" + "0" * 32, "CallSid": call_sid, "To": to, "Called": to}
    base |= {"From": caller, "Caller": caller, "Direction": "inbound", "ApiVersion": "2010-04-01"}
    root = sim.post("/webhooks/voice/incoming", {**base, "CallStatus": "ringing"})
    outcome = "hung up"
    for _ in range(MAX_TURNS):
        dial, record = root.find("Dial"), root.find("Record")
        if dial is not None:
            root, outcome = _ring(sim, base, dial, to, answer)
            if outcome == "answered":
                break
            continue
        if record is not None:
            _leave_voicemail(sim, base, record)
            outcome = "voicemail"
        break
    sim.post("/webhooks/voice/status", {**base, "CallStatus": "completed", "CallDuration": "75"})
    return outcome


def _ring(
    sim: Simulator, base: dict[str, str], dial: ET.Element, desk_number: str, answer: str
) -> tuple[ET.Element, str]:
    accepted_leg = ""
    last_leg = _sid("CA")
    for number in dial.findall("Number"):
        phone = number.text or ""
        click.secho(f"  ☎ ringing {phone}: {answer}", fg="cyan")
        if answer == "no-answer" or accepted_leg:
            continue
        leg = last_leg = _sid("CA")
        leg_params = {
            "AccountSid": base["AccountSid"],
            "CallSid": leg,
            "ParentCallSid": base["CallSid"],
            "From": desk_number,
            "To": phone,
            "Direction": "outbound-dial",
            "CallStatus": "in-progress",
        }
        screen = sim.post(number.get("url", "/webhooks/voice/screen"), leg_params)
        gather = screen.find("Gather")
        if gather is None:
            continue
        digits = "1" if answer == "accept" else "9"
        result = sim.post(gather.get("action", ""), {**leg_params, "Digits": digits})
        if answer == "accept" and result.find("Hangup") is None:
            accepted_leg = leg
    params = {
        **base,
        "CallStatus": "in-progress",
        "DialCallSid": accepted_leg or last_leg,
        "DialCallStatus": "no-answer" if answer == "no-answer" else "completed",
        "DialBridged": "true" if accepted_leg else "false",
        "DialCallDuration": "60" if accepted_leg else "0",
    }
    root = sim.post(dial.get("action", ""), params)
    return root, ("answered" if accepted_leg else "no-answer")


def _leave_voicemail(sim: Simulator, base: dict[str, str], record: ET.Element) -> None:
    recording_sid = _sid("RE")
    recording = {
        "RecordingSid": recording_sid,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{base['AccountSid']}"
        f"/Recordings/{recording_sid}",
        "RecordingDuration": "12",
    }
    click.secho("  ● the caller leaves a 12-second message", fg="cyan")
    sim.post(record.get("action", ""), {**base, **recording, "Digits": "hangup"})
    callback = record.get("recordingStatusCallback")
    if callback:
        sim.post(callback, {**base, **recording, "RecordingStatus": "completed"})


def _parse_at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"not an ISO time: {text!r}", param_hint="--at") from None
    # A time without offset is Paris wall time, the desk's default zone.
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo("Europe/Paris"))


@main.group("simulate")
def simulate() -> None:
    """Play Twilio against a running desk (no Twilio account needed)."""


@simulate.command("call")
@click.option("--to", "to", required=True, help="the desk number called (E.164)")
@click.option("--from", "caller", required=True, help="the caller's number")
@click.option("--at", "at", default=None, help="ISO time of the call (naive = Paris time)")
@click.option("--answer", type=click.Choice(ANSWERS), default="accept", show_default=True)
@click.option("--url", default=None, help="where the desk listens (default: public_base_url)")
@click.pass_context
def call(
    ctx: click.Context, to: str, caller: str, at: str | None, answer: str, url: str | None
) -> None:
    """Call a desk number and follow the TwiML: each secretary rung answers as --answer says."""
    settings = settings_from(ctx)
    token = settings["twilio.auth_token"]
    if not token:
        raise click.ClickException("twilio.auth_token is empty: the desk would refuse every call")
    public: Any = settings["server.public_base_url"]
    sim = Simulator(public, url or public, token, _parse_at(at))
    try:
        outcome = run_call(sim, to, caller, answer)
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach the desk: {exc}") from None
    click.secho(f"call ended: {outcome}", bold=True)
