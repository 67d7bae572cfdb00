"""Forms of the People pages (admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Length


class SecretaryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Mobile (rung for calls)"), validators=[DataRequired(), Length(max=32)])
    email = EmailField(_l("E-mail (her login)"), validators=[Length(max=254)])
    is_partner = BooleanField(_l("Partner (an independent of the network, paid per mission)"))
    invite = BooleanField(_l("Send her an invitation by e-mail now"), default=True)


class SecretaryEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Mobile (rung for calls)"), validators=[DataRequired(), Length(max=32)])
    email = EmailField(_l("E-mail (her login)"), validators=[Length(max=254)])
    is_partner = BooleanField(_l("Partner (an independent of the network, paid per mission)"))


class ActionForm(FlaskForm):
    """A button (invite, reset, deactivate): only the CSRF token."""
