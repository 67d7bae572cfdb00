"""Forms of the money set-up: price plans, contracts, partner agreements, a client's quote.

Amounts and percentages are text fields: `desk.billing.amounts` reads "89,00", "1 234,50"
and "89.00" alike and puts its words next to the field it refuses.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class PlanForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    monthly_fee = StringField(_l("Monthly fee (€, excl. VAT)"), validators=[Length(max=30)])
    included_calls = StringField(_l("Calls included in the fee"), validators=[Length(max=12)])
    per_call = StringField(_l("Per call beyond them (€)"), validators=[Length(max=30)])
    per_minute = StringField(_l("Per started minute (€, optional)"), validators=[Length(max=30)])
    out_of_hours_percent = StringField(
        _l("Out-of-hours surcharge (%, optional)"), validators=[Length(max=10)]
    )
    vat_rate = StringField(_l("VAT rate (%)"), default="20", validators=[Length(max=10)])


class ContractForm(FlaskForm):
    client = SelectField(_l("Client"), validators=[Optional()])
    plan = SelectField(_l("Price plan"), validators=[Optional()])
    valid_from = StringField(_l("From (YYYY-MM-DD)"), validators=[Length(max=10)])


class AgreementForm(FlaskForm):
    secretary = SelectField(_l("Partner"), validators=[Optional()])
    percent = StringField(
        _l("Her share of what the client pays, in percent"), validators=[Length(max=10)]
    )
    per_mission = StringField(_l("Or a fixed amount per mission (€)"), validators=[Length(max=30)])
    client = SelectField(_l("For"), validators=[Optional()])
    valid_from = StringField(_l("From (YYYY-MM-DD)"), validators=[Length(max=10)])


class QuoteForm(FlaskForm):
    plan = SelectField(_l("Price plan"), validators=[Optional()])
    email = StringField(_l("Send to (e-mail)"), validators=[Length(max=254)])
    calls_per_week = StringField(_l("Calls expected per week"), validators=[Length(max=12)])
    windows = TextAreaField(_l("Coverage asked for (one per line)"), validators=[Length(max=2000)])
    options = TextAreaField(_l("Options (one per line)"), validators=[Length(max=2000)])
