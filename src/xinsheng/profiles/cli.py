"""``xinsheng profiles rebuild|show|churn``: the living profiles from the command line."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.clikit import parse_when
from xinsheng.errors import InvalidInput

profiles_app = typer.Typer(help="Customer profiles: rebuild from stored data, show one, churn risk.",
                           no_args_is_help=True)


@profiles_app.command("rebuild")
def rebuild_command(
    now: Annotated[str | None, typer.Option(help="derive as of this time (ISO 8601 with offset); default now")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False,
) -> None:
    """Every customer's profile from the contacts and holdings stored so far (set-wise, in ranges
    of customers, each in its own transaction; a progress bar on stderr)."""
    from xinsheng.clikit import count_progress
    from xinsheng.migrate import ready_engine
    from xinsheng.profiles.rebuild import customer_count, rebuild

    engine = ready_engine()
    with count_progress("profiles", customer_count(engine)) as advance:
        count = rebuild(engine, now=parse_when(now, "--now"), on_chunk=advance)
    if as_json:
        typer.echo(json.dumps({"customers": count}))
    else:
        typer.echo(f"{count} profiles rebuilt", err=True)


@profiles_app.command("show")
def show_command(
    customer_ref: Annotated[str, typer.Argument(help="the bank's customer number")],
    now: Annotated[str | None, typer.Option(help="as of this time (ISO 8601 with offset); default now")] = None,
) -> None:
    """One customer's profile as JSON: each feature's value (null: not enough data) and source."""
    from sqlalchemy import select

    from xinsheng.customers.models import Customer
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.profiles.store import read_profile

    with session_scope(ready_engine()) as session:
        cid = session.scalar(select(Customer.id).where(Customer.customer_ref == customer_ref))
        if cid is None:
            raise InvalidInput(f"no customer {customer_ref!r}")
        out = read_profile(session, cid, parse_when(now, "--now"))
    typer.echo(json.dumps({"customer_ref": customer_ref, **out}, ensure_ascii=False, default=str))


@profiles_app.command("churn")
def churn_command(
    horizon: Annotated[int, typer.Option(min=7, max=365, help="days after a cutoff in which churn is counted")] = 90,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False,
) -> None:
    """Learn churn risk on observed churn with a time split, report AUC and calibration against a
    holdings-trend-only baseline, and score every customer (written to their profile)."""
    from xinsheng.migrate import ready_engine
    from xinsheng.profiles.churn import run

    report = run(ready_engine(), horizon=horizon)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    m, b = report["model"], report["baseline"]
    typer.echo(f"horizon {report['horizon_days']} days; test {report['test']['customers']} customers, "
               f"{report['test']['churned']} churned", err=True)
    typer.echo(f"AUC {m['auc']} (holdings only {b['auc']}); calibration error {m['ece']} ({b['ece']})", err=True)
