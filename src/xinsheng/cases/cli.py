"""``xinsheng cases open|show|list`` (and ``cases sweep``, added by cases/sweep.py's author).

The operator at the command line acts as ``cli:<login>`` with the administrator's view of
every case; each command's writes are audited like the API's.
"""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.errors import InvalidInput
from xinsheng.clikit import parse_when as _when

cases_app = typer.Typer(help="Cases (工单): complaints, requests and inquiries with SLA clocks.",
                        no_args_is_help=True)




def _echo_case(case, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(case.model_dump(mode="json"), ensure_ascii=False))
        return
    typer.echo(f"{case.case_ref}  {case.kind}  {case.status}  tier {case.tier}  level {case.authority_level}"
               f"  due {case.due_at.isoformat() if case.due_at else '-'}  ({case.sla_state})")
    typer.echo(f"  {case.title}")
    for ev in case.events:
        typer.echo(f"  {ev.at.isoformat(timespec='minutes')}  {ev.actor}  {ev.action}  {ev.text or ''}".rstrip())


@cases_app.command("open")
def open_case(
    customer: Annotated[str, typer.Option("--customer", help="the customer's customer_ref")],
    title: Annotated[str, typer.Option(help="a short title")],
    channel: Annotated[str, typer.Option(help="where the customer raised it: phone, app, branch …")],
    kind: Annotated[str, typer.Option(help="complaint, request or inquiry")] = "complaint",
    text: Annotated[str | None, typer.Option(help="the customer's words (masked before storage)")] = None,
    topic: Annotated[str | None, typer.Option(help="a VOC topic code (default: from the text)")] = None,
    accepted_at: Annotated[str | None, typer.Option("--accepted-at", help="ISO 8601 (default: now)")] = None,
    contact: Annotated[str | None, typer.Option(help="external_id of the contact it came from")] = None,
    regulator_referred: Annotated[bool, typer.Option("--regulator-referred", help="referred by the regulator")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the case as JSON")] = False,
) -> None:
    """Open a case for a customer, with the clocks of the matching SLA policy."""
    from pydantic import ValidationError

    from xinsheng.cases.actions import do_open_case
    from xinsheng.cases.schemas import CaseCreate
    from xinsheng.cases.service import case_read
    from xinsheng.db import session_scope, utcnow
    from xinsheng.identity.principal import cli_principal
    from xinsheng.ingest.prepare import describe_validation_error
    from xinsheng.migrate import ready_engine

    try:
        body = CaseCreate(customer_ref=customer, kind=kind, title=title, channel=channel, text=text, topic=topic,
                          accepted_at=_when(accepted_at, "--accepted-at"), source_external_id=contact,
                          regulator_referred=regulator_referred)
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc)) from None
    me = cli_principal()
    with session_scope(ready_engine()) as session:
        case = do_open_case(session, body, actor=me.actor, now=utcnow())
        session.commit()
        _echo_case(case_read(session, case), as_json)


@cases_app.command("show")
def show_case(
    case_ref: Annotated[str, typer.Argument(help="the case reference, e.g. CS20261001000042")],
    as_json: Annotated[bool, typer.Option("--json", help="print the case as JSON")] = False,
) -> None:
    """One case with its events (oldest first)."""
    from xinsheng.cases.service import case_read, get_case
    from xinsheng.db import session_scope
    from xinsheng.identity.principal import cli_principal
    from xinsheng.migrate import ready_engine

    with session_scope(ready_engine()) as session:
        _echo_case(case_read(session, get_case(session, case_ref, cli_principal())), as_json)


@cases_app.command("list")
def list_command(
    status: Annotated[str, typer.Option(help="open, closed or any")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="at most this many")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON page")] = False,
) -> None:
    """Cases, newest accepted first."""
    from xinsheng.cases.service import list_cases
    from xinsheng.db import session_scope
    from xinsheng.identity.principal import cli_principal
    from xinsheng.migrate import ready_engine

    if status not in ("open", "closed", "any"):
        raise InvalidInput("--status: one of open, closed, any")
    with session_scope(ready_engine()) as session:
        page = list_cases(session, cli_principal(), queue="all", status=status, limit=limit)
    if as_json:
        typer.echo(json.dumps(page.model_dump(mode="json"), ensure_ascii=False))
        return
    for c in page.items:
        typer.echo(f"{c.case_ref}  {c.kind:<9} {c.status:<16} tier {c.tier}  L{c.authority_level}  "
                   f"due {c.due_at.isoformat(timespec='minutes') if c.due_at else '-'}  {c.sla_state}  {c.title}")


# ``xinsheng cases sweep`` is registered on ``cases_app`` by cases/sweep.py's author below.


@cases_app.command("sweep")
def sweep_command(
    now: Annotated[str | None, typer.Option("--now", help="ISO 8601 with offset (default: now)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the counts as one JSON object")] = False,
) -> None:
    """One sweep of the case clocks: warnings, breaches and their escalation, acknowledgement
    deadlines, progress messages."""
    from xinsheng.cases.sweep import run_sweep
    from xinsheng.migrate import ready_engine

    report = run_sweep(ready_engine(), _when(now, "--now"))
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    typer.echo(f"checked {report.checked} open cases: {report.warned} warned, {report.breached} breached, "
               f"{report.escalated} escalated, {report.ack_breached} acknowledgements overdue, "
               f"{report.queued_notifications} notifications queued")
