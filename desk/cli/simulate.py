"""`desk simulate call`: walk a running server through a call with correctly signed requests.

It plays Twilio: posts the webhooks Twilio would post, signed with the configured auth
token against `server.public_base_url`, follows the TwiML it gets back (screening legs,
dial results, the recording) and prints each step, so routing can be watched without a
Twilio account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.dom import minidom
from zoneinfo import ZoneInfo

import click
import requests

from desk.base.errors import DomainError
from desk.calls.simulation import ANSWERS, SimulationError, Simulator, Step, Transport, run_call
from desk.cli.base import domain_failure, main, settings_from


def _http(target: str) -> Transport:
    """Post over HTTP to the desk listening at `target`."""
    http = requests.Session()

    def send(path: str, data: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = http.post(target.rstrip("/") + path, data=data, headers=headers, timeout=30)
        return response.status_code, response.text

    return send


def _echo(step: Step) -> None:
    if step.kind == "post":
        click.secho(f"→ POST {step.path}", bold=True)
        click.echo(_pretty(step.twiml))
    elif step.number:
        click.secho(f"  ☎ ringing {step.number}: {step.answer}", fg="cyan")
    else:
        click.secho(f"  ● {step.note}", fg="cyan")


def _pretty(xml: str) -> str:
    text = minidom.parseString(xml).toprettyxml(indent="  ")
    return "\n".join(line for line in text.splitlines()[1:] if line.strip())


def parse_at(text: str | None) -> datetime | None:
    """`--at`: an ISO time; without an offset, Paris wall time (the desk's default zone)."""
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"not an ISO time: {text!r}", param_hint="--at") from None
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
    sim = Simulator(public, token, _http(url or public), parse_at(at), on_step=_echo)
    try:
        outcome = run_call(sim, to, caller, answer)
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach the desk: {exc}") from None
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    except DomainError as exc:  # a number that is not one
        raise domain_failure(ctx, exc) from None
    click.secho(f"call ended: {outcome}", bold=True)
