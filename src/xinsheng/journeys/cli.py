"""``xinsheng journeys funnel|paths|help|compare|refresh|list`` (CONTRACT.md "Journeys")."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from xinsheng.journeys.cli_setup import setup as _setup

journeys_app = typer.Typer(help="Customer journeys (客户旅程): funnels, paths after drop-off, help needed.",
                           no_args_is_help=True)

Journey = Annotated[str | None, typer.Option("--journey", help="a journey's name (xinsheng journeys list)")]
Steps = Annotated[str | None, typer.Option("--steps", help="ad-hoc steps CHANNEL:EVENT,CHANNEL:EVENT,...")]
Window = Annotated[str | None, typer.Option("--window", help="conversion window: 30m, 1h, 1d … at most 90d "
                                                              "(default: the journey's, else 1d)")]
From = Annotated[str | None, typer.Option("--from", help="ISO date or timestamp (default: 30 days before --to)")]
To = Annotated[str | None, typer.Option("--to", help="ISO date (its whole day) or timestamp (default: now)")]
Segment = Annotated[str | None, typer.Option("--segment", help="all, elderly, mass, affluent, private")]
Engine = Annotated[str | None, typer.Option("--engine", help="duckdb (default) or postgres (PostgreSQL databases)")]
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _print(doc: dict, as_json: bool, lines) -> None:
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
    else:
        for line in lines(doc):
            typer.echo(line)


@journeys_app.command("funnel")
def funnel_command(journey: Journey = None, steps: Steps = None, window: Window = None, t_from: From = None,
                   t_to: To = None, segment: Segment = None, engine: Engine = None, as_json: AsJson = False) -> None:
    """Customers and conversion per step, by the furthest step any attempt reaches."""
    from xinsheng.journeys.service import funnel

    eng, req = _setup(journey, steps, window, t_from, t_to, segment, engine)
    _print(funnel(eng, req), as_json, lambda d: [
        f"{s['step']:<40} {s['customers']:>9} {s['conversion']:>7.1%}  median {m if m is not None else '-'} s"
        for s, m in zip(d["steps"], d["median_seconds"])])


@journeys_app.command("paths")
def paths_command(journey: Journey = None, steps: Steps = None, window: Window = None, t_from: From = None,
                  t_to: To = None, segment: Segment = None, engine: Engine = None,
                  depth: Annotated[int, typer.Option(help="next events to follow, 1–5")] = 3,
                  within: Annotated[int, typer.Option(help="hours after the drop-off to look, 1–720")] = 24,
                  as_json: AsJson = False) -> None:
    """Where customers who stopped went next: their next events on any channel."""
    from xinsheng.journeys.service import paths

    eng, req = _setup(journey, steps, window, t_from, t_to, segment, engine)
    _print(paths(eng, req, depth=depth, horizon_hours=within), as_json, lambda d: [
        f"{p['customers']:>7}  after {p['dropped_after']}: {' → '.join(p['next']) or '(nothing)'}" for p in d["paths"]])


@journeys_app.command("help")
def help_command(journey: Journey = None, steps: Steps = None, window: Window = None, t_from: From = None,
                 t_to: To = None, segment: Segment = None, engine: Engine = None, as_json: AsJson = False) -> None:
    """Help-needed rate: customers who contacted us (call, chat …) during or after the journey."""
    from xinsheng.journeys.service import help_needed

    eng, req = _setup(journey, steps, window, t_from, t_to, segment, engine)
    _print(help_needed(eng, req), as_json, lambda d: [f"{d['helped']} of {d['started']} ({d['rate']:.1%})"])


@journeys_app.command("refresh")
def refresh_command(rebuild: Annotated[bool, typer.Option("--rebuild", help="copy everything again")] = False,
                    as_json: AsJson = False) -> None:
    """Append the interactions newer than the last export to the Parquet lake."""
    from xinsheng.analytics.lake import refresh
    from xinsheng.config import get_settings
    from xinsheng.migrate import ready_engine

    from xinsheng.analytics.contacts import refresh_contacts

    db, home = ready_engine(), get_settings().home
    doc = {**refresh(db, home, rebuild=rebuild), "contacts": refresh_contacts(db, home, rebuild=rebuild)}
    _print(doc, as_json, lambda d: [f"copied {d['copied']} interactions; {d['parts']} parts, up to id {d['watermark']}; "
                                    f"{d['contacts']['copied']} service contacts for the KPIs"])


@journeys_app.command("list")
def list_command(as_json: AsJson = False) -> None:
    """The bank's journeys and their steps."""
    from xinsheng.config import get_settings
    from xinsheng.journeys.definitions import load_journeys

    doc = {"journeys": [{"name": j.name, "label": j.label, "steps": [s.code for s in j.steps],
                         "window_seconds": j.window_s} for j in load_journeys(get_settings().home).values()]}
    _print(doc, as_json, lambda d: [f"{j['name']:<28} {' → '.join(j['steps'])}" for j in d["journeys"]])


from xinsheng.journeys.experience_cli import register as _register_experience  # noqa: E402

_register_experience(journeys_app)  # journeys kpi, journeys ab
