"""Forms of the clients' pages (admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

WEEKDAY_NAMES = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


def weekday_choices() -> list[SelectChoice]:
    return [SelectChoice(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FicheForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    greeting = TextAreaField(_l("Greeting said to callers"), validators=[Length(max=2000)])
    fiche = TextAreaField(_l("Script for the secretaries"), validators=[Length(max=10000)])
    after_hours_mode = SelectField(
        _l("After hours"),
        choices=[
            SelectChoice("voicemail", _l("Voicemail")),
            SelectChoice("message", _l("A message, then voicemail")),
        ],
    )
    after_hours_message = TextAreaField(_l("After-hours message"), validators=[Length(max=2000)])
    emergency_number = StringField(_l("Emergency number"), validators=[Length(max=32)])
    message_delivery = SelectField(
        _l("Message delivery"),
        choices=[
            SelectChoice("immediate", _l("At once")),
            SelectChoice("digest", _l("A summary at the end of coverage")),
        ],
    )
    holiday_policy = SelectField(
        _l("Public holidays"),
        choices=[
            SelectChoice("closed", _l("Closed: after-hours behaviour all day")),
            SelectChoice("covered", _l("Covered all day")),
        ],
    )
    ring_pair_together = BooleanField(_l("Ring the pair together"))
    queue_max_wait_seconds = IntegerField(
        _l("Longest wait in the queue, then voicemail (seconds; 0 = no queue)"),
        validators=[NumberRange(min=0, max=3600)],
    )
    privacy_mode = BooleanField(_l("Keep patients' surnames out of the calendar feed"))
    min_notice_minutes = IntegerField(
        _l("Minimum booking notice (minutes)"), validators=[NumberRange(min=0, max=100000)]
    )
    cancel_cutoff_minutes = IntegerField(
        _l("Online cancelling cut-off (minutes)"), validators=[NumberRange(min=0, max=100000)]
    )


class DeskNumberForm(FlaskForm):
    number = StringField(_l("Desk number"), validators=[DataRequired(), Length(max=32)])
    label = StringField(_l("Label"), validators=[Length(max=100)])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Mobile"), validators=[Length(max=32)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    receives_sms = BooleanField(_l("Receives SMS"), default=True)
    receives_email = BooleanField(_l("Receives e-mail"), default=True)
    urgent_only = BooleanField(_l("Urgent messages only"))


class CoverageForm(FlaskForm):
    weekdays = MultiCheckboxField(_l("Days"), choices=weekday_choices)
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("To"), validators=[DataRequired()])
    overnight = BooleanField(_l("Overnight (ends the next morning)"))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])


class RemoveForm(FlaskForm):
    """A delete button: only the CSRF token."""


class NewClientForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name (in URLs; from the name when empty)"), validators=[Length(max=64)]
    )
    timezone = StringField(_l("Time zone"), default="Europe/Paris", validators=[DataRequired()])
    holiday_policy = SelectField(
        _l("Public holidays"),
        choices=[
            SelectChoice("closed", _l("Closed: after-hours behaviour all day")),
            SelectChoice("covered", _l("Covered all day")),
        ],
    )
    copy_from = SelectField(_l("Copy the settings of"), validators=[Optional()])
    start_without_quote = BooleanField(_l("Start coverage now without a quote"))
    start_reason = StringField(_l("Written reason"), validators=[Length(max=500)])


class PractitionerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    specialty = StringField(_l("Specialty"), validators=[Length(max=200)])


class HoursForm(FlaskForm):
    practitioner = SelectField(_l("Practitioner"))
    weekdays = MultiCheckboxField(_l("Days"), choices=weekday_choices)
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("To"), validators=[DataRequired()])


class AppointmentTypeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[DataRequired()])
    buffer_minutes = IntegerField(_l("Buffer after (minutes)"), default=0, validators=[Optional()])
    practitioners = MultiCheckboxField(_l("Offered by (none ticked: everyone)"))


class ClosureForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Length(max=200)])
    practitioner = SelectField(_l("Who"), validators=[Optional()])


class ClientUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
