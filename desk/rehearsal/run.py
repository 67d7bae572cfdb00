"""A whole rehearsal: the scratch desk, the callers, virtual time, the jobs, the tally.

The live database is only read (the client, its talk time, and the copy); everything the
rehearsal writes goes to the scratch file, thrown away at the end. The scratch app is the
real one (`create_app`), built by the edge (`StageOpener`, `desk.app.scratch_stage`) on
settings of its own: the Twilio provider aimed at `desk.rehearsal.rest`, a fresh auth
token, the outbox never dispatched (no SMS, no e-mail), its events muted.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import select

from desk.base import events
from desk.base.clock import Clock
from desk.base.config import Settings
from desk.base.db import Database
from desk.base.errors import DomainError
from desk.calls.simulation import Simulator, Transport
from desk.jobs import JobContext
from desk.jobs.presence import sweep
from desk.jobs.queue import dispatch
from desk.migrations import upgrade
from desk.models import DeskNumber
from desk.rehearsal.callers import MAX_CALLS, MAX_MINUTES, Load, callers
from desk.rehearsal.clock import EventLoop
from desk.rehearsal.player import Player
from desk.rehearsal.rest import ACCOUNT, Request, RestServer
from desk.rehearsal.scratch import (
    Team,
    copy_desk,
    find_client,
    next_lunch,
    observed_talk,
    on_duty,
    per_hour,
    stand_in,
    unsynced,
    without_queue,
)
from desk.rehearsal.tally import RushReport, Tally, forecast

# The scratch desk's own address: nothing outside the process is ever asked for it.
PUBLIC = "https://rehearsal.invalid"
DEFAULT_PATIENCE = 120.0
MAX_SECONDS = 3600.0  # talk or patience


@dataclass(frozen=True)
class Stage:
    """The scratch app, as the rehearsal needs it: how to post to it, its database."""

    send: Transport
    db: Database


StageOpener = Callable[[Settings, Clock], AbstractContextManager[Stage]]
# Where the app keeps its StageOpener (`desk.app.scratch_stage`) for the web's rehearsal.
SCRATCH_STAGE = "desk.scratch_stage"


@dataclass(frozen=True)
class RushRequest:
    client: str
    calls: int
    minutes: float
    talk: float | None = None  # None: the client's observed talk time
    patience: float = DEFAULT_PATIENCE
    secretaries: tuple[str, ...] = ()  # empty: who the rota puts on duty at `at`
    queue: bool = True
    at: datetime | None = None  # None: the next covered weekday lunch hour
    press_1: float = 0.0
    press_2: float = 0.0
    seed: int = 1

    def check(self) -> None:
        """DomainErrors naming the field at fault."""
        if not 1 <= self.calls <= MAX_CALLS:
            raise DomainError("rush_calls", "calls", most=MAX_CALLS)
        if not 0 < self.minutes <= MAX_MINUTES:
            raise DomainError("rush_minutes", "minutes", most=MAX_MINUTES)
        if self.talk is not None and not 0 < self.talk <= MAX_SECONDS:
            raise DomainError("rush_seconds", "talk", most=int(MAX_SECONDS))
        if not 0 < self.patience <= MAX_SECONDS:
            raise DomainError("rush_seconds", "patience", most=int(MAX_SECONDS))
        shares = (self.press_1, self.press_2)
        if any(not 0 <= s <= 1 for s in shares) or sum(shares) > 1:
            raise DomainError("rush_keys", "press_1")
        if self.at is not None and self.at.tzinfo is None:
            raise DomainError("rush_at", "at")


@dataclass
class Rehearsal:
    report: RushReport
    player: Player  # every line, leg and overlap; `player.sim.steps`: every webhook's TwiML
    rest_requests: list[Request] = field(default_factory=list)


@dataclass(frozen=True)
class _Setup:
    at: datetime
    talk: float
    team: Team
    number: str
    max_wait: int


def rehearse(
    live: Database,
    settings: Settings,
    request: RushRequest,
    open_stage: StageOpener,
    now: datetime,
) -> Rehearsal:
    """Rehearse `request` on a scratch copy of `live`; `now` picks the default time."""
    request.check()
    session = live.Session()
    try:  # read only: rolled back
        client = find_client(session, request.client)
        talk = request.talk or observed_talk(session, client.id, now)
        at = request.at or next_lunch(session, client, now)
    finally:
        session.rollback()
        session.close()
    with tempfile.TemporaryDirectory(prefix="desk-rehearsal-") as folder:
        url = f"sqlite:///{Path(folder) / 'desk.sqlite3'}"
        setup = _prepare(live, url, request, at.astimezone(UTC), float(talk))
        return _play(settings, url, folder, request, setup, open_stage)


def _prepare(live: Database, url: str, request: RushRequest, at: datetime, talk: float) -> _Setup:
    scratch = Database(url)
    unsynced(scratch.engine)
    try:
        with _quiet("alembic"):  # each migration's name at INFO
            upgrade(scratch.engine)
        copy_desk(live, scratch)
        with scratch.session() as session:
            client = find_client(session, request.client)
            if request.secretaries:
                team = stand_in(session, client, list(request.secretaries))
            else:
                team = on_duty(session, client, at)
            if not request.queue:
                without_queue(client)
            number = session.scalar(
                select(DeskNumber.number)
                .where(DeskNumber.client_id == client.id)
                .order_by(DeskNumber.id)
                .limit(1)
            )
            if number is None:
                raise DomainError("rush_no_number", "client", slug=request.client)
            return _Setup(at, talk, team, number, client.queue_max_wait_seconds)
    finally:
        scratch.dispose()


def scratch_settings(live: Settings, url: str, api_url: str, folder: str) -> Settings:
    values = {section: dict(keys) for section, keys in live.values.items()}
    values["database"].update(url=url, echo=False)
    values["server"].update(
        public_base_url=PUBLIC, secret_key=secrets.token_urlsafe(32), instance_path=folder
    )
    values["twilio"].update(
        provider="twilio",
        api_base_url=api_url,
        account_sid=ACCOUNT,
        auth_token=secrets.token_hex(16),
        messaging_service_sid="",
        from_number="",
    )
    values["email"].update(backend="console", host="127.0.0.1", username="", password="")
    values["scheduler"].update(enabled=False)
    return Settings(values)


def _play(
    settings: Settings,
    url: str,
    folder: str,
    request: RushRequest,
    setup: _Setup,
    open_stage: StageOpener,
) -> Rehearsal:
    loop = EventLoop(setup.at)
    load = Load(
        request.calls,
        request.minutes,
        setup.talk,
        request.patience,
        request.press_1,
        request.press_2,
        request.seed,
    )
    with _quiet("twilio.http_client"):  # logs every REST request at INFO: hundreds
        return _played(settings, url, folder, request, setup, open_stage, loop, load)


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """These loggers say only warnings and errors meanwhile."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(max(each.level, logging.WARNING))
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


def _played(
    settings: Settings,
    url: str,
    folder: str,
    request: RushRequest,
    setup: _Setup,
    open_stage: StageOpener,
    loop: EventLoop,
    load: Load,
) -> Rehearsal:
    with RestServer() as rest:
        scratch = scratch_settings(settings, url, rest.url, folder)
        with open_stage(scratch, loop.clock) as stage:
            events.mute(stage.db.Session)
            unsynced(stage.db.engine)
            sim = Simulator(PUBLIC, scratch["twilio.auth_token"], stage.send)
            player = Player(loop, sim, rest, setup.number)
            jobs = _Jobs(loop, player, rest, JobContext(scratch, stage.db, "rehearsal", loop.clock))
            last = 0.0
            for caller in callers(load):
                loop.after(caller.arrives, partial(player.arrive, caller))
                last = max(last, caller.arrives)
            jobs.start(last)
            loop.run()
        requests = list(rest.requests)
    wrap_up = int(scratch["presence.wrap_up_seconds"])
    report = RushReport(
        client=request.client,
        at=setup.at,
        minutes=request.minutes,
        calls_per_hour=round(per_hour(request.calls, request.minutes), 1),
        talk_seconds=setup.talk,
        wrap_up_seconds=wrap_up,
        patience_seconds=request.patience,
        max_wait_seconds=setup.max_wait,
        queue=request.queue,
        team=setup.team.names,
        seed=request.seed,
        rehearsal=Tally.of(player.lines.values()),
        prediction=forecast(
            request.calls,
            per_hour(request.calls, request.minutes),
            setup.talk + wrap_up,
            setup.team.size,
            request.patience,
            setup.max_wait,
        ),
        overlaps=len(player.overlaps),
    )
    return Rehearsal(report, player, list(requests))


class _Jobs:
    """The jobs the queue needs, at their virtual moments: the dispatcher every
    `queue.dispatch_seconds` while a caller is held, the presence sweep every
    `presence.sweep_seconds` while a call is on; the desk's REST requests carried out
    once the job that made them has returned."""

    def __init__(self, loop: EventLoop, player: Player, rest: RestServer, context: JobContext):
        self.loop, self.player, self.rest, self.context = loop, player, rest, context
        self.last_arrival = 0.0

    def start(self, last_arrival: float) -> None:
        self.last_arrival = last_arrival
        settings = self.context.settings
        self._every(float(settings["queue.dispatch_seconds"]), lambda: self.player.held, dispatch)
        self._every(float(settings["presence.sweep_seconds"]), lambda: self.player.busy, sweep)

    def alive(self) -> bool:
        return self.player.busy or self.loop.elapsed <= self.last_arrival

    def _every(
        self, seconds: float, due: Callable[[], object], job: Callable[[JobContext], object]
    ) -> None:
        """Run `job` every `seconds` while it is `due`, until the rehearsal is over."""

        def tick() -> None:
            if due():
                job(self.context)
                for redirect in self.rest.take_redirects():
                    self.player.redirect(redirect)
            if self.alive():
                self.loop.after(seconds, tick)

        self.loop.after(seconds, tick)
