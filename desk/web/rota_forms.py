"""Forms of the rota page (admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from desk.web.client_forms import MultiCheckboxField, weekday_choices


class ShiftForm(FlaskForm):
    secretary = SelectField(_l("Secretary"), coerce=int)
    weekdays = MultiCheckboxField(_l("Days"), choices=weekday_choices)
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("To"), validators=[DataRequired()])
    rank = IntegerField(
        _l("Rank (1 = primary, 2 = backup)"), default=1, validators=[NumberRange(min=1, max=9)]
    )
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])


class TakeShiftForm(FlaskForm):
    shift = SelectField(_l("Shift"), coerce=int)
    replacement = SelectField(_l("Taken by"), coerce=int)
    day = DateField(_l("Day"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=500)])


class AbsenceForm(FlaskForm):
    secretary = SelectField(_l("Secretary"), coerce=int)
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("leave", _l("Leave")),
            SelectChoice("sick", _l("Sickness")),
            SelectChoice("other", _l("Other")),
        ],
    )
    note = StringField(_l("Note"), validators=[Length(max=500)])


ABSENCE_KIND_CHOICES = [
    SelectChoice("leave", _l("Leave")),
    SelectChoice("sick", _l("Sickness")),
    SelectChoice("other", _l("Other")),
]


class EditOverrideForm(FlaskForm):
    replacement = SelectField(_l("Taken by"), coerce=int)
    starts_at = DateTimeLocalField(_l("From"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("To"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=500)])


class EditAbsenceForm(FlaskForm):
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=ABSENCE_KIND_CHOICES)
    note = StringField(_l("Note"), validators=[Length(max=500)])
