"""``xinsheng audit verify|export``: check the hash chain, export the log."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from xinsheng.audit.actions import append
from xinsheng.audit.service import AuditFilter, export_csv, export_ndjson, iter_entries, verify_chain
from xinsheng.clikit import console_err, operator_name
from xinsheng.db import session_scope
from xinsheng.migrate import ready_engine
from xinsheng.clikit import parse_when as _when

audit_app = typer.Typer(help="The append-only audit log, chained with a keyed hash.", no_args_is_help=True)
#: exit status of ``audit verify`` when the chain is broken
EXIT_TAMPERED = 3


@audit_app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False,
    no_checkpoint: Annotated[bool, typer.Option(
        "--no-checkpoint", help="neither compare with nor update the checkpoint file")] = False,
) -> None:
    """Recompute every entry's keyed hash and link; exit 3 when an entry was altered, inserted
    or removed. Compares with, then updates, the checkpoint file under XINSHENG_HOME."""
    from xinsheng.audit.checkpoint import load_checkpoint, save_checkpoint

    engine = ready_engine()
    checkpoint, unusable = (None, None) if no_checkpoint else load_checkpoint(engine)
    with session_scope(engine) as session:
        report = verify_chain(session, checkpoint=checkpoint)
    if unusable:
        report.ok = False
        report.problems.append({"seq": None, "problem": unusable})
    if not no_checkpoint:
        save_checkpoint(engine, report)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    elif report.ok:
        console_err.print(f"[green]audit log intact[/]: {report.entries} entries, "
                          f"last seq {report.last_seq}, head {report.head_hash}")
    else:
        console_err.print(f"[red]audit log broken[/]: {len(report.problems)} problem(s)")
        for p in report.problems[:20]:
            console_err.print(f"  seq {p['seq']}: {p['problem']}")
    if not report.ok:
        raise typer.Exit(EXIT_TAMPERED)


@audit_app.command("key")
def key() -> None:
    """Print a new key for XINSHENG_AUDIT_KEY (256 random bits)."""
    from xinsheng.audit.keys import generate_key

    typer.echo(generate_key())




@audit_app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or ndjson")] = "ndjson",
    out: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
    since: Annotated[str | None, typer.Option(help="ISO 8601, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="ISO 8601, exclusive")] = None,
    actor: Annotated[str | None, typer.Option()] = None,
    action: Annotated[str | None, typer.Option(help="prefix, e.g. customer.")] = None,
) -> None:
    """Export entries oldest first, with their hashes (so the chain can be checked elsewhere)."""
    if fmt not in ("csv", "ndjson"):
        raise typer.BadParameter("csv or ndjson", param_hint="--format")
    f = AuditFilter(actor=actor, action=action, since=_when(since, "--since"), until=_when(until, "--until"))
    engine = ready_engine()
    writer = export_csv if fmt == "csv" else export_ndjson
    with session_scope(engine) as session:
        fh = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
        try:
            for chunk in writer(iter_entries(session, f)):
                fh.write(chunk)
        finally:
            if out:
                fh.close()
    append(engine, actor=f"cli:{operator_name()}", actor_role="admin", action="audit.export", ip="cli",
           detail={"format": fmt, "out": str(out) if out else "stdout"})
