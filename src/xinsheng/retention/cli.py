"""``xinsheng retention``: apply the retention rules (see README)."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.audit.actions import append
from xinsheng.clikit import console_err
from xinsheng.identity.principal import cli_principal
from xinsheng.migrate import ready_engine
from xinsheng.retention.service import run_retention


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only count what would change")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="anonymise and delete")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False,
) -> None:
    """Apply the retention rules (texts, inactive customers, audit entries, sessions); see README."""
    if dry_run == apply:
        raise typer.BadParameter("give exactly one of --dry-run and --apply")
    engine = ready_engine()
    report = run_retention(engine, apply=apply)
    append(engine, actor=cli_principal().actor, actor_role="admin", ip="cli",
           action="retention.apply" if apply else "retention.dry_run",
           detail={r["rule"]: {"matched": r["matched"], "applied": r["applied"]} for r in report["rules"]})
    if as_json:
        typer.echo(json.dumps(report))
        return
    for r in report["rules"]:
        what = f"{r['applied']} done" if apply else "would change"
        console_err.print(f"{r['rule']:20} {r['action']:9} older than {r['older_than'] or '-'}: "
                          f"{r['matched']} matched, {what}")
