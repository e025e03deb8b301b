"""``xinsheng improvements list|show|create|ship|evaluate``: improvement actions (改进行动)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated

import typer

from xinsheng.clikit import parse_when as _when

improvements_app = typer.Typer(help="Improvement actions (改进行动): a fix, its owner, who is told, its measured effect.",
                               no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]
NowOpt = Annotated[str | None, typer.Option(help="as of this ISO time (default: now)")]


def _session():
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine

    return session_scope(ready_engine())


def _echo(doc: dict, as_json: bool, lines: list[str]) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False) if as_json else "\n".join(lines))


def _model(cls, **values):
    from pydantic import ValidationError

    from xinsheng.errors import InvalidInput

    try:
        return cls(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InvalidInput(f"{field}: {err['msg']}", data={"field": field}) from None


@improvements_app.command("list")
def list_command(state: Annotated[str | None, typer.Option(help="open, planned, in_progress, shipped, verified, cancelled")] = None,
                 as_json: JsonOpt = False) -> None:
    """The actions, newest first, with linked and told customers."""
    from xinsheng.improvements import service

    with _session() as s:
        actions = service.list_actions(s, state)
        counts = service.customer_counts(s, [a.id for a in actions])
        items = [service.action_read(a, counts[a.id]) for a in actions]
    _echo({"items": items}, as_json, [
        f"{a['ref']}  {a['state']:<11} {a['promised_date']}  {a['owner']:<12} {a['title']}  "
        f"(customers {a['customers']['linked']}, told {a['customers']['told']})" for a in items] or ["no actions"])


@improvements_app.command("show")
def show(ref: str, as_json: JsonOpt = False) -> None:
    """One action with its linked customers."""
    from xinsheng.improvements import service

    with _session() as s:
        action = service.get_action(s, ref)
        doc = {**service.action_read(action, service.customer_counts(s, [action.id])[action.id]),
               "linked_customers": service.linked_customers(s, action)}
    _echo(doc, as_json, [f"{doc['ref']} {doc['title']}", f"  problem: {doc['problem_kind']} {doc['problem_ref']}",
                         f"  change: {doc['change_zh']}", f"  owner {doc['owner']}, promised {doc['promised_date']}, "
                         f"state {doc['state']}" + (f", shipped {doc['shipped_on']}" if doc["shipped_on"] else ""),
                         f"  customers {doc['customers']}"])


@improvements_app.command("create")
def create(title: Annotated[str, typer.Option()], problem: Annotated[str, typer.Option(
               help="topic:CODE, touchpoint:CHANNEL[/EVENT] or journey_step:JOURNEY/STEP")],
           change: Annotated[str, typer.Option(help="the change, in Chinese (or the one text)")],
           owner: Annotated[str, typer.Option(help="username")],
           promised: Annotated[str, typer.Option(help="promised date, YYYY-MM-DD")],
           change_en: Annotated[str | None, typer.Option()] = None,
           metric: Annotated[str | None, typer.Option(help="topic_rate, csat or ces")] = None,
           window_days: Annotated[int, typer.Option(min=1, max=90)] = 14,
           customer: Annotated[list[str] | None, typer.Option(help="a customer_ref who raised it (repeat)")] = None,
           raised_since: Annotated[str | None, typer.Option(help="also link who raised it from this day")] = None,
           raised_until: Annotated[str | None, typer.Option(help="… to this day (default today)")] = None,
           as_json: JsonOpt = False) -> None:
    """Create a planned action."""
    from xinsheng.improvements import service
    from xinsheng.improvements.actions import do_create_action
    from xinsheng.improvements.schemas import ActionCreate

    kind, _, ref = problem.partition(":")
    body = _model(ActionCreate, title=title, problem_kind=kind, problem_ref=ref, change_zh=change, change_en=change_en,
                  owner=owner, promised_date=promised, metric=metric, window_days=window_days,
                  customer_refs=customer or [], raised_since=raised_since, raised_until=raised_until)
    with _session() as s:
        action = do_create_action(s, body, actor="cli", now=datetime.now(timezone.utc))
        doc = service.action_read(action, service.customer_counts(s, [action.id])[action.id])
    _echo(doc, as_json, [f"created {doc['ref']}: {doc['customers']['linked']} customers linked"])


@improvements_app.command("ship")
def ship(ref: str, on: Annotated[str | None, typer.Option(help="the local day it shipped (default today)")] = None,
         now: NowOpt = None, as_json: JsonOpt = False) -> None:
    """Mark shipped and tell the linked customers (once; opted-out customers are not told)."""
    from xinsheng.improvements import service
    from xinsheng.improvements.actions import do_change_state
    from xinsheng.improvements.schemas import StateChange

    body = _model(StateChange, state="shipped", shipped_on=on)
    with _session() as s:
        action = service.get_action(s, ref)
        told = do_change_state(s, action, "shipped", now=_when(now, "now") or datetime.now(timezone.utc),
                               shipped_on=body.shipped_on)
        doc = {**service.action_read(action, service.customer_counts(s, [action.id])[action.id]), "told_now": told}
    _echo(doc, as_json, [f"{ref} shipped on {doc['shipped_on']}: told {told} now "
                         f"({doc['customers']['told']} in all, {doc['customers']['opted_out']} opted out)"])


@improvements_app.command("evaluate")
def evaluate_command(ref: str, days: Annotated[int | None, typer.Option(min=1, max=90, help="window (default the action's)")] = None,
                     now: NowOpt = None, lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
                     as_json: JsonOpt = False) -> None:
    """The metric N days before vs after the ship date, with 95 % intervals and the verdict."""
    from xinsheng.improvements import service
    from xinsheng.improvements.evaluate import evaluate

    with _session() as s:
        doc = evaluate(s, service.get_action(s, ref), now=_when(now, "now") or datetime.now(timezone.utc), days=days)
    _echo(doc, as_json, [doc["verdict_en" if lang == "en" else "verdict_zh"]])
