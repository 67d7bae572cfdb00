"""The practices' own calendars: push what is pending, pull busy times every
`calendars.pull_minutes` (see `scheduling/calendars/`)."""

from __future__ import annotations

from desk.jobs import JobContext
from scheduling.calendars.pull import pull as pull_calendars
from scheduling.calendars.push import Pusher


def push(context: JobContext) -> dict[str, int]:
    result = Pusher(context.db, context.settings, node=context.node, clock=context.clock).run()
    return {
        "pushed": result.pushed,
        "deleted": result.deleted,
        "retried": result.retried,
        "conflicts": result.conflicts,
        "failed": result.failed,
    }


def pull(context: JobContext) -> dict[str, int]:
    result = pull_calendars(context.db, context.settings, context.clock())
    return {"pulled": result.pulled, "failed": result.failed, "busy": result.busy}
