"""Forms of the first run and of the password link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from desk.models import VatStatus


class SetupForm(FlaskForm):
    desk_name = StringField(_l("Name of the desk"), validators=[DataRequired(), Length(max=200)])
    legal_name = StringField(
        _l("Legal name (company or sole trader)"), validators=[DataRequired(), Length(max=200)]
    )
    siret = StringField(_l("SIRET (14 digits)"), validators=[DataRequired(), Length(max=20)])
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])
    vat_status = SelectField(
        _l("VAT"),
        choices=[
            SelectChoice(VatStatus.FRANCHISE, _l("Not charged (franchise en base, art. 293 B)")),
            SelectChoice(VatStatus.SUBJECT, _l("Charged")),
        ],
    )
    vat_number = StringField(_l("VAT number (when charged)"), validators=[Length(max=20)])
    timezone = StringField(_l("Time zone"), default="Europe/Paris", validators=[DataRequired()])
    legal_form = StringField(_l("Legal form (SAS, SARL, EI…)"), validators=[Length(max=60)])
    rcs_city = StringField(_l("RCS: registry city"), validators=[Length(max=100)])
    rcs_number = StringField(_l("RCS: number (the SIREN)"), validators=[Length(max=20)])
    share_capital = StringField(_l("Share capital (€)"), validators=[Length(max=30)])
    iban = StringField(_l("IBAN (printed on invoices)"), validators=[Length(max=50)])
    bic = StringField(_l("BIC"), validators=[Length(max=20)])
    payment_days = StringField(_l("Payment terms (days)"), default="30", validators=[Length(max=5)])
    admin_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    admin_email = EmailField(_l("Your e-mail (your login)"), validators=[DataRequired()])
    password = PasswordField(_l("Password (10 characters or more)"), validators=[DataRequired()])
    confirm = PasswordField(_l("Password again"), validators=[DataRequired()])


class IdentityForm(FlaskForm):
    """The desk's identity after the set-up (admin): the same fields, no account."""

    desk_name = SetupForm.desk_name
    legal_name = SetupForm.legal_name
    siret = SetupForm.siret
    address = SetupForm.address
    vat_status = SetupForm.vat_status
    vat_number = SetupForm.vat_number
    timezone = SetupForm.timezone
    legal_form = SetupForm.legal_form
    rcs_city = SetupForm.rcs_city
    rcs_number = SetupForm.rcs_number
    share_capital = SetupForm.share_capital
    iban = SetupForm.iban
    bic = SetupForm.bic
    payment_days = SetupForm.payment_days


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password (10 characters or more)"), validators=[DataRequired()]
    )
    confirm = PasswordField(_l("Password again"), validators=[DataRequired()])
