"""Which language a page speaks: the user's setting, else the browser's, else French."""

from __future__ import annotations

from flask import request, session
from flask_login import current_user

from desk.base.words import SUPPORTED_LOCALES

__all__ = ["SUPPORTED_LOCALES", "select_locale"]


def select_locale() -> str:
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return str(current_user.locale)
    return request.accept_languages.best_match(SUPPORTED_LOCALES, default="fr") or "fr"
