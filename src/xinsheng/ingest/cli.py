"""``xinsheng ingest``: load customers or interactions from NDJSON or CSV files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from xinsheng.audit.actions import append
from xinsheng.clikit import byte_progress, console_err
from xinsheng.identity.principal import cli_principal
from xinsheng.ingest.files import ingest_file
from xinsheng.ingest.files import INGEST_SUFFIXES
from xinsheng.records import detect_format, open_input
from xinsheng.ingest.kinds import file_kinds, loader_for
from xinsheng.migrate import ready_engine


def ingest(
    path: Annotated[Path, typer.Argument(help="an .ndjson/.jsonl or .csv (UTF-8, header row) file")],
    kind: Annotated[str, typer.Option(help="customers, interactions, or a kind a domain adds (survey-responses)")
                    ] = "interactions",
    rejects: Annotated[Path | None, typer.Option(help="write rejected records here, unchanged")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report on stdout")] = False,
) -> None:
    """Load customers or interactions; bad records are reported and the good ones kept."""
    if kind not in file_kinds():
        raise typer.BadParameter(f"expected one of {', '.join(file_kinds())}", param_hint="--kind")
    detect_format(path, INGEST_SUFFIXES)
    open_input(path).close()
    engine = ready_engine()
    with byte_progress(f"ingest {path.name}", path.stat().st_size) as advance:
        loader = loader_for(kind)
        report = (loader(path, engine, rejects=rejects, on_progress=advance) if loader is not None
                  else ingest_file(path, kind, engine, rejects=rejects, on_progress=advance))
    append(engine, actor=cli_principal().actor, actor_role="admin", action=f"ingest.{kind}", ip="cli",
           target_type="file", target_ref=str(path.resolve()),
           detail={"accepted": report.accepted, "duplicates": report.duplicates, "rejected": report.rejected})
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    console_err.print(
        f"[green]{report.accepted} accepted[/], {report.duplicates} duplicates, "
        f"[{'red' if report.rejected else 'green'}]{report.rejected} rejected[/]"
    )
    for err in report.errors[:20]:
        console_err.print(f"  line {err['line']}: {err['error']}")
    if len(report.errors) > 20:
        console_err.print(f"  … and {len(report.errors) - 20} more (see --json or --rejects)")
