"""Forms of the money pages (each carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class IssueForm(FlaskForm):
    month = HiddenField(validators=[DataRequired()])


class SendForm(FlaskForm):
    pass


class PaymentForm(FlaskForm):
    # Text: desk.billing.amounts reads "178,80", "1 234,50" and "119.09" alike.
    amount = StringField(_l("Amount (€)"), validators=[DataRequired(), Length(max=30)])
    received_on = DateField(_l("Received on"), validators=[Optional()])
    reference = StringField(_l("Reference"), validators=[Optional()])


class CoverageForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional()])
    confirm = BooleanField(_l("I confirm: callers get the after-hours message meanwhile"))
