"""``xinsheng ivr replay|rebuild|menu``: prove the personalised menu on the stored history."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from xinsheng.errors import InvalidInput
from xinsheng.clikit import parse_when as _when

ivr_app = typer.Typer(help="Personalised IVR menus: replay against the static menu, rebuild callers' state.",
                      no_args_is_help=True)




@ivr_app.command("replay")
def replay_command(
    since: Annotated[str | None, typer.Option(help="first call to score, ISO 8601 with offset")] = None,
    until: Annotated[str | None, typer.Option(help="score calls before this, ISO 8601 with offset")] = None,
    seconds_per_option: Annotated[float, typer.Option("--seconds-per-option", min=0.1, max=60,
                                                      help="seconds an option's prompt takes")] = 4.0,
    group: Annotated[Path | None, typer.Option(help="a file of customer_refs (one a line) scored apart")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False,
) -> None:
    """Replay every past root-menu choice: the personalised menu then (data from before the
    call only) against the static menu."""
    from xinsheng.ivr.replay import replay
    from xinsheng.migrate import ready_engine

    refs = None
    if group is not None:
        if not group.is_file():
            raise InvalidInput(f"--group: no such file: {group}")
        refs = {line.strip() for line in group.read_text(encoding="utf-8").splitlines() if line.strip()}
    result = replay(ready_engine(), since=_when(since, "--since"), until=_when(until, "--until"), group=refs)
    report = result.to_dict(seconds_per_option, group_name=group.name if group else None)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    s, p = report["static"], report["personalised"]
    typer.echo(f"calls {report['calls']}")
    typer.echo(f"static        top-1 {s['top1']:.3f}  mean position {s['mean_position']:.2f}")
    typer.echo(f"personalised  top-1 {p['top1']:.3f}  mean position {p['mean_position']:.2f}")
    typer.echo(f"made worse {report['worse_share']:.1%}  better {report['better_share']:.1%}  "
               f"keypresses saved {report['keypresses_saved']}  seconds saved {report['seconds_saved']:.0f}")


@ivr_app.command("rebuild")
def rebuild_command(as_json: Annotated[bool, typer.Option("--json", help="print one JSON report")] = False) -> None:
    """Recompute every caller's behaviour state from the stored history (after ingesting
    without the hook; ingest keeps it up to date otherwise)."""
    from xinsheng.ivr.replay import rebuild_states
    from xinsheng.migrate import ready_engine

    n = rebuild_states(ready_engine())
    typer.echo(json.dumps({"callers": n}) if as_json else f"{n} callers' state rebuilt")


@ivr_app.command("menu")
def menu_command(
    caller: Annotated[str, typer.Option(help="customer_ref or phone number")],
    at: Annotated[str | None, typer.Option(help="ISO 8601 with offset (default now)")] = None,
    node: Annotated[str, typer.Option(help="menu node")] = "root",
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
) -> None:
    """The menu a caller would hear (JSON, as the API answers)."""
    from xinsheng.db import session_scope, utcnow
    from xinsheng.ivr.service import menu
    from xinsheng.migrate import ready_engine

    with session_scope(ready_engine()) as session:
        typer.echo(json.dumps(menu(session, caller, _when(at, "--at") or utcnow(), node, lang), ensure_ascii=False))
