"""`/healthz` (the process answers) and `/readyz` (the database answers, migrations at head)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select, text

from desk.migrations import current_revision, head_revision
from desk.models import SchedulerHeartbeat
from desk.request_context import database_of, now

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    db = database_of(current_app)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(db.engine)
        with db.session() as session:
            beat = session.execute(
                select(SchedulerHeartbeat.ran_at).order_by(SchedulerHeartbeat.ran_at.desc())
            ).scalar()
    except Exception as exc:  # any failure to reach the database means not ready
        current_app.logger.warning("readyz: database unreachable: %s", exc)
        return jsonify(status="unavailable", database="unreachable", error=str(exc)), 503
    head = head_revision()
    body = {
        "database": "ok",
        "migration": current,
        "head": head,
        "scheduler_heartbeat": beat.isoformat() if beat else None,
        "scheduler_stale": beat is None or now() - beat > timedelta(minutes=5),
    }
    if current != head:
        return jsonify(status="unavailable", **body), 503
    return jsonify(status="ok", **body)
