"""Public pages of scheduling: calendar feeds and the patients' cancel page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scheduling", __name__)
