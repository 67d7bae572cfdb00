"""Forms of the Book page: choosing a week's slots (GET) and booking one (POST)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SearchField, TelField
from wtforms.validators import DataRequired, Length, Optional


class SlotQueryForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only shows slots

    client_id = SelectField(_l("Client"), validators=[Optional()])
    practitioner_id = SelectField(_l("Practitioner"), validators=[Optional()])
    type_id = SelectField(_l("Appointment type"), validators=[Optional()])
    week = DateField(_l("Week of"), validators=[Optional()])


class SlotField(RadioField):
    """The chosen slot (an ISO instant); the domain, not the choice list, says if it is free."""

    def pre_validate(self, form: object) -> None:
        pass


class BookForm(FlaskForm):
    client_id = HiddenField()
    practitioner_id = HiddenField()
    type_id = HiddenField()
    week = HiddenField()
    call_id = HiddenField()
    starts_at = SlotField(
        _l("Slot"), validators=[DataRequired(message=_l("Choose a slot."))], choices=[]
    )
    patient_name = StringField(_l("Patient's name"), validators=[DataRequired(), Length(max=200)])
    patient_phone = TelField(_l("Patient's phone"), validators=[Length(max=32)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class RescheduleForm(FlaskForm):
    starts_at = SlotField(
        _l("New slot"), validators=[DataRequired(message=_l("Choose a slot."))], choices=[]
    )


class FindForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = SearchField(_l("Patient's name or phone"), validators=[DataRequired(), Length(max=100)])


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Why is it cancelled?"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=200)],
    )
