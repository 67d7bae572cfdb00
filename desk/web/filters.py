"""Template filters: local times and phone numbers as people read them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from desk.base.phone import display


def localtime(value: datetime | None, tz: str = "Europe/Paris", fmt: str = "%d/%m %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime(fmt)


def init_filters(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["phone"] = lambda v: display(v) if v else ""
