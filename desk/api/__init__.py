"""The JSON API under /api/v1/ (API keys per client)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Modules register their routes on `bp` when imported.
from desk.api import appointments, openapi, problems, reports  # noqa: E402,F401
