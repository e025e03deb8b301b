"""``xinsheng qa check|run`` (CONTRACT.md "Quality checks")."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

qa_app = typer.Typer(help="Quality and compliance checks of calls (质检).", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="print one JSON document")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="a rule file (default: the shipped rules.yaml)")]


def _lines(doc: dict) -> list[str]:
    out = [f"score {doc['score']:.1f}"]
    for f in doc["findings"]:
        mark = "ok  " if f["passed"] else "FAIL"
        where = f" @{f['start']:.1f}s «{f['evidence']}»" if f["evidence"] else ""
        out.append(f"{mark} {f['rule']:<22}{where}" + (f"  ({f['note']})" if f.get("note") else ""))
    return out


@qa_app.command("check")
def check_command(
    transcript: Annotated[Path, typer.Option("--transcript", help="JSON Lines: one turn a line "
                                             '{"speaker", "start", "end", "text"}')],
    rules: RulesOpt = None,
    as_json: AsJson = False,
) -> None:
    """Check one transcript file against the rules; print the score and every finding."""
    from xinsheng.quality.engine import check
    from xinsheng.quality.rules import load_rules
    from xinsheng.quality.transcript import read_transcript

    ruleset = load_rules(rules)
    doc = check(read_transcript(transcript), ruleset)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
    else:
        for line in _lines(doc):
            typer.echo(line)


@qa_app.command("run")
def run_command(
    since: Annotated[str | None, typer.Option("--since", help="ISO date or timestamp: calls started from then")] = None,
    rules: RulesOpt = None,
    as_json: AsJson = False,
) -> None:
    """Check every stored phone call that carries a transcript and was not checked before."""
    from xinsheng.clikit import count_progress, parse_when
    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.quality.actions import do_check_calls
    from xinsheng.quality.rules import default_rules, load_rules

    when = parse_when(since, "--since")
    ruleset = load_rules(rules) if rules else default_rules()
    with session_scope(ready_engine()) as session, count_progress("calls", None) as tick:
        report = do_check_calls(session, when, ruleset, tick)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        typer.echo(f"checked {report['checked']} calls: {report['failed_mandatory']} failed a mandatory rule, "
                   f"{report['sampled']} drawn for review; {report['without_transcript']} without a transcript, "
                   f"{report['unreadable']} unreadable")
