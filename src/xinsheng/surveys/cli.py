"""``xinsheng surveys invite|metrics``; importing this module also makes
``xinsheng ingest --kind survey-responses`` available (``surveys.ingest.install``)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated

import typer

from xinsheng.surveys.ingest import install
from xinsheng.clikit import parse_when as _when

surveys_app = typer.Typer(help="Surveys (满意度调查): invitations after contacts and cases, NPS, CSAT, CES.",
                          no_args_is_help=True)
install()
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document")]




@surveys_app.command("invite")
def invite(now: Annotated[str | None, typer.Option(help="decide as of this ISO time (default: now)")] = None,
           as_json: JsonOpt = False) -> None:
    """Decide every recent contact and closed case (triggers, fatigue rules, quiet hours) and
    queue the invitations in the outbox; prints how many of each decision."""
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.surveys.invite import run_invitations

    at = _when(now, "now") or datetime.now(timezone.utc)
    with session_scope(ready_engine()) as session:
        reasons, invited = run_invitations(session, now=at)
    out = {"invited": len(invited), "decisions": dict(sorted(reasons.items()))}
    typer.echo(json.dumps(out, ensure_ascii=False) if as_json else
               "\n".join([f"invited: {len(invited)}"] + [f"  {k}: {v}" for k, v in sorted(reasons.items())]))


@surveys_app.command("metrics")
def metrics(since: Annotated[str | None, typer.Option("--from", help="ISO time")] = None,
            until: Annotated[str | None, typer.Option("--to", help="ISO time")] = None,
            by: Annotated[str | None, typer.Option(help="channel, segment or tier")] = None,
            min_n: Annotated[int, typer.Option(min=1)] = 30, as_json: JsonOpt = False) -> None:
    """NPS, CSAT and CES with sample sizes and 95 % intervals (as GET /api/v1/metrics/satisfaction)."""
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.surveys.metrics import GROUP_COLUMNS, satisfaction_report

    if by is not None and by not in GROUP_COLUMNS:
        raise typer.BadParameter(f"expected one of {', '.join(GROUP_COLUMNS)}", param_hint="--by")
    with session_scope(ready_engine()) as session:
        report = satisfaction_report(session, since=_when(since, "from"), until=_when(until, "to"), by=by,
                                     min_n=min_n)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    for m in ("nps", "csat", "ces"):
        f = report[m]
        typer.echo(f"{m.upper():5} n={f['n']:<7} " + (f["reason"] if f["value"] is None else
                                                     f"{f['value']}  95% CI {f['ci95'][0]} – {f['ci95'][1]}"))
