"""``xinsheng kb``: evaluate the matcher, train it on a bank's pairs, import and export.

Exit status 2 with one line on stderr for a missing or unusable file (CONTRACT.md).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from xinsheng.clikit import console_err, count_progress

app = typer.Typer(help="Knowledge base and answer matching.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]


def _load_model(model: Path | None):
    if model is None:
        return None
    from xinsheng.knowledge.matching.scorer import PairModel

    return PairModel.load(model)


def _print(report: dict, as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    console_err.print(f"[bold]{title}[/]")
    for key, value in report.items():
        typer.echo(f"{key:>10}  {value}")


@app.command("eval-pairs")
def eval_pairs_command(
    data: Annotated[Path, typer.Option(help="labelled pairs: .csv, .tsv or .ndjson")],
    q1_col: Annotated[str, typer.Option(help="column of the first question")] = "sentence1",
    q2_col: Annotated[str, typer.Option(help="column of the second question")] = "sentence2",
    label_col: Annotated[str, typer.Option(help="column of the label: 1 same intent, 0 not")] = "label",
    tune: Annotated[Path | None, typer.Option(help="pairs (same columns) to choose the threshold on")] = None,
    model: Annotated[Path | None, typer.Option(help="a model from 'kb train-pairs' (default: the shipped one)")] = None,
    as_json: AsJson = False,
) -> None:
    """Score the matcher as a judge of question pairs: accuracy, F1, threshold, AUC.

    Without --tune the threshold is the model's own: 0.5 for the shipped model (its
    probability of "same intent", calibrated on general question pairs shipped with
    xinsheng), the tuned one for a trained model.
    """
    from xinsheng.knowledge.evaluate import eval_pairs, read_pairs

    pair_model = _load_model(model)
    pairs = read_pairs(data, q1_col, q2_col, label_col)
    tuning = read_pairs(tune, q1_col, q2_col, label_col) if tune else None
    if pairs.skipped:
        console_err.print(f"{pairs.skipped} rows without a 0/1 label skipped")
    _print(eval_pairs(pairs, tuning, pair_model), as_json, f"pairs of {data.name}")


@app.command("train-pairs")
def train_pairs_command(
    data: Annotated[Path | None, typer.Option(help="the bank's labelled pairs: .csv, .tsv or .ndjson")] = None,
    from_feedback: Annotated[bool, typer.Option(
        "--from-feedback", help="also learn from agents' used / not relevant verdicts in the database")] = False,
    out: Annotated[Path | None, typer.Option(help="model folder (default: XINSHENG_HOME/knowledge)")] = None,
    q1_col: Annotated[str, typer.Option()] = "sentence1",
    q2_col: Annotated[str, typer.Option()] = "sentence2",
    label_col: Annotated[str, typer.Option()] = "label",
    tune: Annotated[Path | None, typer.Option(help="pairs to choose the threshold on")] = None,
    base: Annotated[Path | None, typer.Option(
        help="a base from 'voc learn': its text vectors add features (default: XINSHENG_VOC_BASE)")] = None,
    as_json: AsJson = False,
) -> None:
    """Train the pair scorer on a bank's own labelled pairs and/or its agents' feedback.
    A model in XINSHENG_HOME/knowledge is used by the answer index of every process
    started later. A model trained with --base keeps a copy of the base's vectors."""
    from xinsheng.config import get_settings
    from xinsheng.knowledge.evaluate import Pairs, read_pairs, train_pairs

    if data is None and not from_feedback:
        raise typer.BadParameter("give --data, --from-feedback or both", param_hint="--data")
    learned = _load_base(base)
    pairs = read_pairs(data, q1_col, q2_col, label_col) if data else Pairs([], [], np.zeros(0, dtype=int))
    if from_feedback:
        pairs = pairs.extended(_feedback_pairs())
    tuning = read_pairs(tune, q1_col, q2_col, label_col) if tune else None
    model = train_pairs(pairs, tuning, source=data.name if data else "agents' feedback", base=learned)
    path = model.save(out or get_settings().home / "knowledge")
    _print({"n": len(pairs.labels), "threshold": round(model.threshold, 4), "out": str(path),
            "base": model.base.get("source") if model.base else None}, as_json, "pair model trained")


def _load_base(base: Path | None):
    """The base of --base or XINSHENG_VOC_BASE (None without either); exit 2 when unusable."""
    from xinsheng.errors import InputFileError
    from xinsheng.voc.base import BaseError, resolve_base

    try:
        return resolve_base(base)
    except BaseError as exc:
        raise InputFileError(str(exc)) from None


def _feedback_pairs() -> list[tuple[str, str, int]]:
    from xinsheng.db import session_scope
    from xinsheng.knowledge.service import feedback_pairs
    from xinsheng.migrate import ready_engine

    with session_scope(ready_engine()) as session:
        return feedback_pairs(session)


@app.command("eval-retrieval")
def eval_retrieval_command(
    kb: Annotated[Path, typer.Option(help="knowledge file (.csv, .ndjson, .json; import format)")],
    queries: Annotated[Path, typer.Option(help="queries: .csv, .tsv or .ndjson with the columns below")],
    query_col: Annotated[str, typer.Option(help="column of the customer's question")] = "query",
    ref_col: Annotated[str, typer.Option(help="column of the ref of the article that answers it")] = "ref",
    model: Annotated[Path | None, typer.Option(help="a model from 'kb train-pairs' (default: the shipped one)")] = None,
    as_json: AsJson = False,
) -> None:
    """Top-1 / top-5 accuracy and mean reciprocal rank (over the first 10) of retrieval."""
    from xinsheng.knowledge.evaluate import eval_retrieval, iter_queries, read_kb

    pair_model = _load_model(model)
    docs = read_kb(kb)
    qs = list(iter_queries(queries, query_col, ref_col))
    with count_progress("queries", len(qs)) as advance:
        report = eval_retrieval(docs, qs, progress=advance, model=pair_model)
    _print(report, as_json, f"retrieval on {kb.name}")


@app.command("import")
def import_command(
    path: Annotated[Path | None, typer.Argument(help="articles: .csv, .ndjson/.jsonl or .json")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="the 25 sample banking articles shipped for demos")] = False,
    actor: Annotated[str, typer.Option(help="recorded as the author of the versions")] = "cli",
    as_json: AsJson = False,
) -> None:
    """Create or update articles by ``ref`` (each change is a new version)."""
    if sample:
        from importlib import resources

        path = Path(str(resources.files("xinsheng.knowledge").joinpath("data/sample_articles.json")))
    if path is None:
        raise typer.BadParameter("give a file, or --sample", param_hint="PATH")
    from xinsheng.db import session_scope
    from xinsheng.knowledge.actions import bulk_import_articles
    from xinsheng.knowledge.files import read_records
    from xinsheng.migrate import ready_engine

    records = list(read_records(path))
    with session_scope(ready_engine()) as session:
        report = bulk_import_articles(session, records, f"cli:{actor}")
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    console_err.print(f"{report['created']} created, {report['updated']} updated, "
                      f"{report['unchanged']} unchanged, {report['rejected']} rejected")
    for err in report["errors"][:20]:
        console_err.print(f"  line {err['line']}: {err['error']}")


@app.command("export")
def export_command(
    out: Annotated[Path | None, typer.Option(help="file to write (.csv, .ndjson, .json); stdout: NDJSON")] = None,
    status: Annotated[str | None, typer.Option(help="only articles of this status")] = None,
) -> None:
    """Write every article in the import format (an export imports back unchanged)."""
    from xinsheng.db import session_scope
    from xinsheng.errors import InputFileError
    from xinsheng.knowledge.files import FORMATS, write_articles
    from xinsheng.knowledge.models import STATUSES
    from xinsheng.knowledge.service import export_rows
    from xinsheng.migrate import ready_engine

    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"expected one of {', '.join(STATUSES)}", param_hint="--status")
    fmt = "ndjson" if out is None else FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise InputFileError(f"{out}: unknown format {out.suffix!r}; use .csv, .ndjson, .jsonl or .json")
    with session_scope(ready_engine()) as session:
        if out is None:
            n = write_articles(export_rows(session, status), sys.stdout, fmt)
        else:
            with out.open("w", encoding="utf-8", newline="") as fh:
                n = write_articles(export_rows(session, status), fh, fmt)
    console_err.print(f"{n} articles exported" + (f" to {out}" if out else ""))
