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


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password (10 characters or more)"), validators=[DataRequired()]
    )
    confirm = PasswordField(_l("Password again"), validators=[DataRequired()])
