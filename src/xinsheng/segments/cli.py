"""``xinsheng segments refresh|list``: rule segments and clusters from the command line."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.clikit import parse_when

segments_app = typer.Typer(help="Segments (客群): rule segments and data-driven clusters.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _print(items: list[dict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"segments": items}, ensure_ascii=False))
        return
    for s in items:
        rate = "-" if s["complaint_rate"] is None else f"{s['complaint_rate']:.1%}"
        neg = "-" if s["negative_share"] is None else f"{s['negative_share']:.1%}"
        typer.echo(f"{s['code']:<16} {s['kind']:<8} {s['size']:>7}  complaints {rate:>6}  negative {neg:>6}  "
                   f"{s['label'].get('zh', '')}")


@segments_app.command("refresh")
def refresh_command(
    k: Annotated[int, typer.Option(min=1, max=20, help="number of clusters")] = 5,
    now: Annotated[str | None, typer.Option(help="as of this time (ISO 8601 with offset); default now")] = None,
    as_json: AsJson = False,
) -> None:
    """Recompute every rule segment and the clusters (their ids kept when found again)."""
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.segments.service import as_dict, refresh

    with session_scope(ready_engine()) as session:
        items = [as_dict(s) for s in refresh(session, k=k, now=parse_when(now, "--now"))]
    _print(items, as_json)


@segments_app.command("list")
def list_command(as_json: AsJson = False) -> None:
    """The segments of the last refresh with sizes and experience figures."""
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.segments.service import as_dict, list_segments

    with session_scope(ready_engine()) as session:
        items = [as_dict(s) for s in list_segments(session)]
    _print(items, as_json)
