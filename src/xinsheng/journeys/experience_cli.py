"""``xinsheng journeys kpi`` and ``xinsheng journeys ab``: the experience KPIs and A/B
comparisons of the page and the API, on the command line (exit 2 on bad input)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

From = Annotated[str | None, typer.Option("--from", help="ISO date or timestamp (default: 30 days before --to)")]
To = Annotated[str | None, typer.Option("--to", help="ISO date (its whole day) or timestamp (default: now)")]
Engine = Annotated[str | None, typer.Option("--engine", help="duckdb (default) or postgres (PostgreSQL databases)")]
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON document")]
_PCT = ("fcr", "repeat_rate", "abandonment_rate", "negative_share")


def _lines(doc: dict) -> list[str]:
    cur, prev = doc["current"], doc["previous"]
    out = [f"{'KPI':<22} {'current':>10} {'previous':>10}" + (f" {'baseline':>10}" if doc["baseline"] else "")]
    for key in ("contacts", "fcr", "repeat_rate", "abandonment_rate", "handle_seconds", "wait_seconds", "sentiment",
                "negative_share", "complaints_per_10k"):
        vals = [d[key] for d in (cur, prev, doc["baseline"]) if d]
        out.append(f"{key:<22} " + " ".join(f"{'-' if v is None else (f'{v:.1%}' if key in _PCT else v):>10}" for v in vals))
    for m in ("nps", "csat", "ces"):
        vals = [d[m] for d in (cur, prev, doc["baseline"]) if d]
        out.append(f"{m:<22} " + " ".join(f"{'-' if v['value'] is None else v['value']:>10}" for v in vals))
    for g in doc["groups"]:
        out.append(f"  {g['group']:<30} contacts {g['contacts']:>7}  FCR {g['fcr']:.1%}  repeat {g['repeat_rate']:.1%}")
    return out


def _group(value: str | None, file: Path | None) -> str | None:
    if file is None:
        return value
    from xinsheng.errors import InvalidInput

    try:
        refs = [line.strip().split(",")[0] for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read: {exc.strerror}") from None
    return "refs:" + ",".join(r for r in refs if r != "customer_ref")


def register(app: typer.Typer) -> None:
    @app.command("kpi")
    def kpi_command(t_from: From = None, t_to: To = None,
                    by: Annotated[str | None, typer.Option("--by", help="channel, touchpoint, segment, journey, day, week")] = None,
                    segment: Annotated[str | None, typer.Option("--segment", help="all, elderly, mass, affluent, private")] = None,
                    baseline_from: Annotated[str | None, typer.Option("--baseline-from", help="start of the baseline")] = None,
                    baseline_to: Annotated[str | None, typer.Option("--baseline-to", help="end of the baseline")] = None,
                    engine: Engine = None, as_json: AsJson = False) -> None:
        """Experience KPIs (体验指标): FCR, repeat contacts, handle/wait time, abandonment, complaints, sentiment, NPS/CSAT/CES."""
        from xinsheng.journeys.experience_views import experience_doc
        from xinsheng.migrate import ready_engine

        doc = experience_doc(ready_engine(), t_from, t_to, by, segment, baseline_from, baseline_to, engine)
        typer.echo(json.dumps(doc, ensure_ascii=False) if as_json else "\n".join(_lines(doc)))

    @app.command("ab")
    def ab_command(group_a: Annotated[str | None, typer.Option("--group-a", help="a segment or refs:REF,REF,…")] = None,
                   group_b: Annotated[str | None, typer.Option("--group-b", help="a segment or refs:REF,REF,…")] = None,
                   group_a_file: Annotated[Path | None, typer.Option("--group-a-file", help="customer refs, one a line")] = None,
                   group_b_file: Annotated[Path | None, typer.Option("--group-b-file", help="customer refs, one a line")] = None,
                   metric: Annotated[str, typer.Option("--metric", help="conversion, fcr, repeat_rate, abandonment_rate, negative_share")] = "conversion",
                   journey: Annotated[str | None, typer.Option("--journey", help="for --metric conversion")] = None,
                   steps: Annotated[str | None, typer.Option("--steps", help="ad-hoc steps CHANNEL:EVENT,…")] = None,
                   window: Annotated[str | None, typer.Option("--window", help="conversion window, e.g. 1d")] = None,
                   step: Annotated[int | None, typer.Option("--step", help="the step compared with the one before (default: last)")] = None,
                   t_from: From = None, t_to: To = None, engine: Engine = None, as_json: AsJson = False) -> None:
        """Group B against group A: a funnel step's conversion or a KPI, 95% interval and verdict."""
        from xinsheng.journeys.experience_views import ab_doc
        from xinsheng.migrate import ready_engine

        doc = ab_doc(ready_engine(), group_a=_group(group_a, group_a_file), group_b=_group(group_b, group_b_file),
                     metric=metric, t_from=t_from, t_to=t_to, journey=journey, steps=steps, window=window, step=step,
                     engine_kind=engine)
        typer.echo(json.dumps(doc, ensure_ascii=False) if as_json else doc["verdict"]["zh"] + "\n" + doc["verdict"]["en"])

    @app.command("steps")
    def steps_command(journey: Annotated[str | None, typer.Option("--journey", help="a journey's name")] = None,
                      steps: Annotated[str | None, typer.Option("--steps", help="ad-hoc steps CHANNEL:EVENT,…")] = None,
                      window: Annotated[str | None, typer.Option("--window", help="conversion window, e.g. 1d")] = None,
                      t_from: From = None, t_to: To = None,
                      segment: Annotated[str | None, typer.Option("--segment", help="all, elderly, mass, affluent, private")] = None,
                      engine: Engine = None, as_json: AsJson = False) -> None:
        """Per step customers stopped at: help-needed rate, related contacts, repeat rate, FCR, sentiment."""
        from xinsheng.config import get_settings
        from xinsheng.journeys.cli_setup import setup as _setup
        from xinsheng.journeys.step_kpis import step_kpis
        from xinsheng.migrate import ready_engine

        eng, req = _setup(journey, steps, window, t_from, t_to, segment, engine)
        doc = step_kpis(eng, ready_engine(), req, home=get_settings().home)
        typer.echo(json.dumps(doc, ensure_ascii=False) if as_json else "\n".join(
            f"{s['stopped_at']:<36} {s['customers']:>7}  help {s['help_rate']:.1%}  contacts {s['contacts']:>6}  "
            f"repeat {s['repeat_rate']:.1%}  FCR {s['fcr']:.1%}  sentiment {s['sentiment']}" for s in doc["steps"]))
