"""``xinsheng keys …`` and ``xinsheng retention``: personal data at rest."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.audit.actions import append
from xinsheng.clikit import console_err
from xinsheng.identity.principal import cli_principal
from xinsheng.migrate import ready_engine

keys_app = typer.Typer(help="Keys that encrypt personal data at rest.", no_args_is_help=True)


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new key for XINSHENG_PII_KEYS (put it first to make it current)."""
    from xinsheng.privacy.crypto import generate_key

    typer.echo(generate_key())


@keys_app.command("rotate")
def keys_rotate(as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False) -> None:
    """Re-encrypt every encrypted field with the current (first) key; then drop the old keys."""
    from xinsheng.privacy.keys import rotate_keys

    engine = ready_engine()
    report = rotate_keys(engine)
    append(engine, actor=cli_principal().actor, actor_role="admin", action="keys.rotate", ip="cli",
           detail=report)
    if as_json:
        typer.echo(json.dumps(report))
        return
    for field, counts in report.items():
        console_err.print(f"{field}: {counts['reencrypted']} of {counts['rows']} re-encrypted")
    console_err.print("old keys can now be removed from XINSHENG_PII_KEYS")


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only count what would change")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="anonymise and delete")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False,
) -> None:
    """Apply the retention rules (texts, inactive customers, audit entries, sessions); see README."""
    from xinsheng.privacy.retention import run_retention

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
