"""The Simulator page's forms, and its TwiML read aloud as steps a person follows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from desk.base.phone import display
from desk.calls.simulation import Step
from desk.models import Client, DeskNumber, Secretary

ANSWER_CHOICES = [
    SelectChoice("accept", _l("Accepts (presses 1)")),
    SelectChoice("decline", _l("Declines")),
    SelectChoice("no-answer", _l("Does not answer")),
]


class SimulatorForm(FlaskForm):
    number = SelectField(_l("Desk number called"), validators=[DataRequired()])
    caller = TelField(_l("Caller's number"), default="+33612345678", validators=[DataRequired()])
    at = DateTimeLocalField(
        _l("Time of the call (Paris)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    step1 = SelectField(_l("First to ring"), choices=ANSWER_CHOICES, default="accept")
    step2 = SelectField(_l("Next ones"), choices=ANSWER_CHOICES, default="accept")
    step3 = SelectField(_l("Then"), choices=ANSWER_CHOICES, default="no-answer")

    def answers(self) -> list[str]:
        return [self.step1.data, self.step2.data, self.step3.data]


class HangUpForm(FlaskForm):
    call_sid = HiddenField(validators=[DataRequired()])
    to = HiddenField(validators=[DataRequired()])
    caller = HiddenField(validators=[DataRequired()])


class TrainingForm(FlaskForm):
    """An admin's switch: secretaries may use the Simulator while it is on."""

    on = BooleanField(_l("Training mode: secretaries may use the Simulator"))


def number_client(session: Session, number: str) -> int | None:
    """The client a desk number belongs to."""
    return session.scalar(select(DeskNumber.client_id).where(DeskNumber.number == number))


def client_of_slug(session: Session, slug: str) -> int | None:
    """The client of a short name (the rush form's menu keeps it)."""
    return session.scalar(select(Client.id).where(Client.slug == slug))


def desk_numbers(session: Session, clients: list[Client]) -> list[SelectChoice]:
    names = {c.id: c.name for c in clients}
    rows = session.scalars(
        select(DeskNumber).where(DeskNumber.client_id.in_(names)).order_by(DeskNumber.number)
    )
    return [SelectChoice(n.number, f"{names[n.client_id]} · {display(n.number)}") for n in rows]


@dataclass(frozen=True)
class Line:
    kind: str  # say, ring, answer, voicemail, hangup, post
    text: str


def readable_steps(session: Session, steps: list[Step]) -> list[Line]:
    """Each webhook and what its TwiML makes Twilio do, in words."""
    names = {
        phone: name for phone, name in session.execute(select(Secretary.phone, Secretary.name))
    }
    lines: list[Line] = []
    for step in steps:
        if step.kind == "note":
            who = names.get(step.number, display(step.number)) if step.number else ""
            text = {
                "accept": _("%(who)s accepts the call.", who=who),
                "decline": _("%(who)s declines.", who=who),
                "no-answer": _("%(who)s does not answer.", who=who),
            }.get(step.answer, _("The caller leaves a message."))
            lines.append(Line("answer", text))
            continue
        lines.append(Line("post", step.path.split("?")[0]))
        lines.extend(_twiml_lines(step.twiml, names))
    return lines


def _twiml_lines(twiml: str, names: dict[str, str]) -> list[Line]:
    found: list[Line] = []
    for verb in ET.fromstring(twiml).iter():
        if verb.tag == "Say" and verb.text:
            found.append(Line("say", _("Says: “%(text)s”", text=verb.text.strip())))
        elif verb.tag == "Dial":
            who = [names.get(n.text or "", display(n.text or "")) for n in verb.findall("Number")]
            if who:
                found.append(Line("ring", _("Rings: %(who)s", who=", ".join(who))))
        elif verb.tag == "Gather":
            found.append(Line("say", _("Waits for a key (1 to accept).")))
        elif verb.tag == "Record":
            found.append(Line("voicemail", _("Voicemail: records the caller.")))
        elif verb.tag == "Hangup":
            found.append(Line("hangup", _("Hangs up.")))
    return found


class RushForm(FlaskForm):
    """The lunch-rush rehearsal (`desk simulate rush`), from the Simulator page."""

    client = SelectField(_l("Client"), validators=[DataRequired()])
    calls = IntegerField(_l("Calls"), default=30, validators=[InputRequired()])
    minutes = IntegerField(_l("Over (minutes)"), default=60, validators=[InputRequired()])
    talk = IntegerField(_l("Mean talk (seconds)"), validators=[Optional()])
    patience = IntegerField(
        _l("Callers' mean patience (seconds)"), default=120, validators=[Optional()]
    )
    secretaries = StringField(_l("Secretaries (e-mails or names, comma-separated)"))
    at = DateTimeLocalField(_l("Start (Paris)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    queue = BooleanField(_l("With the queue"), default=True)

    def names(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in (self.secretaries.data or "").split(",") if n.strip())
