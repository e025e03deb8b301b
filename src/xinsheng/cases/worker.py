"""The background worker: sweeps of the case clocks and delivery of the notification outbox.

``xinsheng worker`` runs it in the foreground until SIGTERM or SIGINT (Ctrl-C), then stops
cleanly after the round in progress. ``xinsheng serve`` runs the same loop in a background
thread from the server's startup to its shutdown (:func:`with_background_worker`) unless
``XINSHENG_WORKER=off`` (then run ``xinsheng worker`` as its own process).

Every ``XINSHENG_WORKER_POLL_SECONDS`` the worker delivers due notifications
(``notify.run_outbox_once``); every ``XINSHENG_WORKER_SWEEP_SECONDS`` it sweeps the case
clocks (``cases.sweep.run_sweep``), then runs the steps domains above cases registered
(:func:`register_step`; surveys: invitations after new contacts). Several workers on one
PostgreSQL are safe: sweeps and deliveries claim their rows with ``FOR UPDATE SKIP LOCKED``, firings and notifications are
unique per cause and per event. A round that fails is logged and retried at the next tick;
it never stops the loop.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from xinsheng.db import utcnow

log = logging.getLogger(__name__)


#: name -> fn(engine, now): periodic steps of domains above cases, run after each sweep
_steps: dict[str, Callable[[Engine, datetime], object]] = {}


def register_step(name: str, fn: Callable[[Engine, datetime], object]) -> None:
    """Run ``fn(engine, now)`` after every sweep; registering a name again replaces it."""
    _steps[name] = fn


@dataclass
class WorkerStats:
    sweeps: int = 0
    deliveries: int = 0
    failures: int = 0
    last_sweep: dict = field(default_factory=dict)


def _deliver(engine: Engine, now: datetime | None) -> object:
    from xinsheng.notify.delivery import run_outbox_once

    return run_outbox_once(engine, now)


def run_worker(engine: Engine, stop: threading.Event, *, sweep_seconds: float, poll_seconds: float,
               clock: Callable[[], datetime] | None = None, max_rounds: int | None = None) -> WorkerStats:
    """Sweep and deliver until ``stop`` is set (or after ``max_rounds`` ticks); returns what it did.

    ``clock``: a fixed notion of now (tests); by default the real time, and each delivery is
    stamped with the moment it happened."""
    from xinsheng.cases.sweep import run_sweep

    stats, next_sweep, rounds = WorkerStats(), 0.0, 0
    while not stop.is_set():
        started = time.monotonic()
        if started >= next_sweep:
            next_sweep = started + sweep_seconds
            _guarded(stats, "sweep", lambda: _sweep(stats, run_sweep(engine, (clock or utcnow)())))
            for name, step in list(_steps.items()):
                _guarded(stats, name, lambda step=step: step(engine, (clock or utcnow)()))
        if not stop.is_set():
            _guarded(stats, "outbox", lambda: _delivered(stats, _deliver(engine, clock() if clock else None)))
        rounds += 1
        if max_rounds is not None and rounds >= max_rounds:
            break
        stop.wait(max(0.0, min(poll_seconds, next_sweep - time.monotonic())))
    log.info("worker stopped: %d sweeps, %d delivery rounds, %d failed rounds",
             stats.sweeps, stats.deliveries, stats.failures)
    return stats


def _guarded(stats: WorkerStats, what: str, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:  # a round that fails is retried at the next tick
        stats.failures += 1
        log.exception("worker %s round failed; retrying at the next tick", what)


def _sweep(stats: WorkerStats, report) -> None:
    stats.sweeps += 1
    stats.last_sweep = report.to_dict()
    if any(v for k, v in stats.last_sweep.items() if k != "checked"):
        log.info("sweep: %s", stats.last_sweep)


def _delivered(stats: WorkerStats, result) -> None:
    stats.deliveries += 1
    done = result.to_dict()
    if any(v for k, v in done.items() if k != "quiet_hours"):
        log.info("outbox: %s", done)


def start_background(engine: Engine) -> tuple[threading.Thread, threading.Event] | None:
    """Start the worker in a daemon thread for ``xinsheng serve``; None with ``XINSHENG_WORKER=off``."""
    from xinsheng.config import get_settings

    settings = get_settings()
    if settings.worker == "off":
        log.info("background worker off (XINSHENG_WORKER=off)")
        return None
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(engine, stop), name="xinsheng-worker", daemon=True,
                              kwargs={"sweep_seconds": settings.worker_sweep_seconds,
                                      "poll_seconds": settings.worker_poll_seconds})
    thread.start()
    log.info("background worker started (sweep every %ss, outbox every %ss)",
             settings.worker_sweep_seconds, settings.worker_poll_seconds)
    return thread, stop


def with_background_worker(app, engine: Engine):
    """The ASGI ``app`` with the worker started when the server has started and stopped, after
    the round in progress, when the server shuts down (before uvicorn exits on SIGTERM or
    Ctrl-C); ``app`` unchanged with ``XINSHENG_WORKER=off``."""
    from xinsheng.config import get_settings

    if get_settings().worker == "off":
        log.info("background worker off (XINSHENG_WORKER=off)")
        return app
    running: dict = {}

    async def wrapped(scope, receive, send):
        if scope["type"] != "lifespan":
            return await app(scope, receive, send)

        async def send_(message):
            if message["type"] == "lifespan.startup.complete":
                running["worker"] = start_background(engine)
            elif message["type"].startswith("lifespan.shutdown") and running.get("worker"):
                thread, stop = running.pop("worker")
                stop.set()
                await asyncio.to_thread(thread.join, 60)
            await send(message)

        return await app(scope, receive, send_)

    return wrapped


def worker(
    once: Annotated[bool, typer.Option("--once", help="one sweep and one delivery round, then exit")] = False,
) -> None:
    """Run the background worker (case clocks, escalations, the outbox) until stopped."""
    from xinsheng.config import get_settings
    from xinsheng.migrate import ready_engine

    settings = get_settings()
    engine = ready_engine()
    stop = threading.Event()

    def _stop(signum, _frame) -> None:
        log.info("worker: %s received, stopping after this round", signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        log.info("worker started (sweep every %ss, outbox every %ss)",
                 settings.worker_sweep_seconds, settings.worker_poll_seconds)
        run_worker(engine, stop, sweep_seconds=settings.worker_sweep_seconds,
                   poll_seconds=settings.worker_poll_seconds, max_rounds=1 if once else None)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
