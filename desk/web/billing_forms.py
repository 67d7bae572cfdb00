"""Forms of the money pages (each carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional


class IssueForm(FlaskForm):
    month = HiddenField(validators=[DataRequired()])


class SendForm(FlaskForm):
    pass


class PaymentForm(FlaskForm):
    amount = DecimalField(_l("Amount (€)"), places=2, validators=[DataRequired(), NumberRange(0)])
    received_on = DateField(_l("Received on"), validators=[Optional()])
    reference = StringField(_l("Reference"), validators=[Optional()])


class CoverageForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional()])
    confirm = BooleanField(_l("I confirm: callers get the after-hours message meanwhile"))
