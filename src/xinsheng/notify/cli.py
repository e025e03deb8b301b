"""``xinsheng notify deliver|list|requeue``: run the outbox by hand and look into it."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.clikit import console_err
from xinsheng.db import session_scope, utcnow
from xinsheng.migrate import ready_engine
from xinsheng.clikit import parse_when as _when

notify_app = typer.Typer(help="Customer notifications: the outbox and its delivery.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]




@notify_app.command("deliver")
def deliver(
    now: Annotated[str | None, typer.Option(help="deliver as of this ISO time (default: now)")] = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="rows claimed per transaction")] = 100,
    worker: Annotated[str | None, typer.Option(help="worker id written on claimed rows")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Send every notification that is due, once (the worker does this every few seconds)."""
    from xinsheng.notify.delivery import run_outbox_once

    report = run_outbox_once(ready_engine(), _when(now, "--now"), worker_id=worker, batch=batch)
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    if report.quiet_hours:
        console_err.print("quiet hours (XINSHENG_NOTIFY_QUIET_HOURS): nothing sent")
    console_err.print(f"claimed {report.claimed}: sent {report.sent}, retry later {report.retried}, "
                      f"dead {report.dead}, handed back {report.released}")


@notify_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="pending, sending, sent, dead or cancelled")] = None,
    customer: Annotated[str | None, typer.Option(help="a customer_ref")] = None,
    subject: Annotated[str | None, typer.Option(help="a case_ref (or other subject)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The newest notifications and the counts by status."""
    from xinsheng.customers.service import get_customer
    from xinsheng.notify.service import count_by_status, list_notifications

    with session_scope(ready_engine()) as session:
        customer_id = get_customer(session, customer).id if customer else None
        items = list_notifications(session, customer_id=customer_id, subject_ref=subject, status=status,
                                   limit=limit)
        counts = count_by_status(session, customer_id=customer_id, subject_ref=subject)
    if as_json:
        typer.echo(json.dumps({"items": [i.model_dump(mode="json") for i in items], "counts": counts},
                              ensure_ascii=False))
        return
    for i in items:
        console_err.print(f"{i.id:>6} {i.status:<9} {i.purpose:<16} {i.customer_ref:<12} "
                          f"{i.next_attempt_at.isoformat(timespec='seconds')} {i.last_error or i.reason or ''}")
    console_err.print(", ".join(f"{k} {v}" for k, v in counts.items()))


@notify_app.command("requeue")
def requeue(
    ids: Annotated[list[int] | None, typer.Argument(help="notification ids (default: every dead one)")] = None,
    now: Annotated[str | None, typer.Option(help="due again from this ISO time (default: now)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Give dead notifications a fresh set of attempts (after the endpoint is fixed)."""
    from xinsheng.audit.actions import append
    from xinsheng.identity.principal import cli_principal
    from xinsheng.notify.actions import do_requeue

    engine = ready_engine()
    with session_scope(engine) as session:
        done = do_requeue(session, now=_when(now, "--now") or utcnow(), ids=ids or None)
    append(engine, actor=cli_principal().actor, actor_role="admin", action="notify.requeue", ip="cli",
           target_type="notification", detail={"ids": done[:1000], "count": len(done)})
    if as_json:
        typer.echo(json.dumps({"requeued": len(done), "ids": done}))
    else:
        console_err.print(f"requeued {len(done)} notification(s)")
