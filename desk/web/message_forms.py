"""Forms of the Messages page: take a message, filter the list, acknowledge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional

from desk.models.states import Urgency

URGENCY_LABELS = {Urgency.NORMAL: _l("Normal"), Urgency.URGENT: _l("Urgent")}


class MessageForm(FlaskForm):
    # Limits and checks live in desk.messages.intake.take_message: its errors come back per field.
    client = SelectField(_l("Client"), coerce=int)
    caller_name = StringField(_l("Caller's name"))
    caller_number = TelField(_l("Caller's number"))
    reason = StringField(_l("Reason"))
    urgency = SelectField(
        _l("Urgency"), choices=[SelectChoice(k, v) for k, v in URGENCY_LABELS.items()]
    )
    body = TextAreaField(_l("Message"), render_kw={"rows": 5})
    call = HiddenField()


class MessageFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = SearchField(_l("Search"), validators=[Optional()])
    client = SelectField(_l("Client"), validators=[Optional()])
    urgency = SelectField(_l("Urgency"), validators=[Optional()])
    seen = SelectField(
        _l("Acknowledged"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("no", _l("Not yet")),
            SelectChoice("yes", _l("Acknowledged")),
        ],
        validators=[Optional()],
    )
    day = DateField(_l("Day"), validators=[Optional()])


class AcknowledgeForm(FlaskForm):
    pass
