"""``xinsheng voc analyze|train|eval|learn``: VOC analysis of files, no database needed (CONTRACT.md).

Exit status: 0 done, 2 unusable input (missing, unreadable or unknown-format file, missing
column, bad model folder, unknown labels) with one line on stderr, 1 internal error.
Progress goes to stderr; JSON goes to stdout (or ``--out``).
"""
from __future__ import annotations

import json
import logging
import sys
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, TextIO

import typer

from xinsheng.errors import InputFileError
from xinsheng.voc.sentiment import canonical_sentiment

log = logging.getLogger(__name__)

app = typer.Typer(help="VOC text analytics: analyse, train, evaluate and learn from unlabelled texts.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)

TextCol = Annotated[str, typer.Option("--text-col", help="column holding the text")]
LabelCol = Annotated[str, typer.Option("--label-col", help="column holding the label")]
Task = Annotated[str, typer.Option("--task", help="sentiment or topic")]


def _fail(reason: str) -> typer.Exit:
    typer.echo(f"xinsheng voc: {reason}", err=True)
    return typer.Exit(2)


@contextmanager
def _usable() -> Iterator[None]:
    """Turns input problems into exit status 2 with a one-line reason."""
    from xinsheng.voc.registry import ModelDirError

    try:
        yield
    except InputFileError as exc:
        raise _fail(exc.message) from None
    except (ModelDirError, ValueError) as exc:
        raise _fail(str(exc)) from None


@contextmanager
def _progress(label: str, total: int | None):
    from xinsheng.clikit import count_progress

    with count_progress(label, total) as advance:
        yield advance


@contextmanager
def _output(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = out.open("w", encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{out}: cannot write ({exc.strerror or exc})") from None
    with fh:
        yield fh


def _labelled(data: Path, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    from xinsheng.voc.io import check_columns, read_rows

    check_columns(data, text_col, label_col)
    texts, labels = [], []
    for row in read_rows(data):
        text, label = row.get(text_col), row.get(label_col)
        if text is None or label is None or str(text).strip() == "" or str(label).strip() == "":
            continue
        texts.append(str(text))
        labels.append(str(label))
    if not texts:
        raise InputFileError(f"{data}: no rows with both {text_col} and {label_col}")
    return texts, labels


@app.command()
def analyze(
    input: Annotated[Path, typer.Argument(help="a .csv (UTF-8, header row) or .jsonl/.ndjson file")],
    text_col: TextCol = "text",
    id_col: Annotated[str | None, typer.Option("--id-col", help="column holding the id (default: row number)")] = None,
    lang: Annotated[str, typer.Option(help="auto, zh or en")] = "auto",
    model: Annotated[Path | None, typer.Option("--model", help="a model folder from `voc train`")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write JSON Lines here instead of stdout")] = None,
    sentences: Annotated[bool, typer.Option("--sentences", help="add each sentence's emotions")] = False,
) -> None:
    """Analyse every row of a file: one JSON line per row (id, masked text, sentiment, emotions, topics, flags, keywords, pii)."""
    from xinsheng.voc.io import check_columns, count_rows, read_rows
    from xinsheng.voc.pipeline import LANGS, get_analyzer

    with _usable():
        if lang not in LANGS:
            raise ValueError(f"--lang must be one of {', '.join(LANGS)}")
        check_columns(input, text_col, id_col)
        total = count_rows(input)
        analyzer = get_analyzer(str(model) if model else None)
        rows = read_rows(input)
        pending: deque[tuple[str, str]] = deque()  # (id, text) of rows read but not yet written

        def texts() -> Iterator[str]:
            for n, row in enumerate(rows, 1):
                value = row.get(text_col)
                text = "" if value is None else str(value)
                pending.append((str(row.get(id_col, "")) if id_col else str(n), text))
                yield text

        with _output(out) as fh, _progress("analysing", total) as advance:
            for k, result in enumerate(analyzer.iter_analyze(texts(), lang)):
                row_id, text = pending.popleft()
                if sentences:
                    result["sentences"] = analyzer.sentences(text, lang)
                fh.write(json.dumps({"id": row_id, **result}, ensure_ascii=False) + "\n")
                if k % 256 == 255:
                    advance(256)
            advance(total % 256)


BaseOpt = Annotated[Path | None, typer.Option(
    "--base", help="a base from `voc learn` whose text vectors become extra features (default: XINSHENG_VOC_BASE)")]


@app.command()
def train(
    task: Task,
    data: Annotated[Path, typer.Option("--data", help="labelled .csv or .jsonl file")],
    out: Annotated[Path, typer.Option("--out", help="model folder to write")],
    text_col: TextCol = "text",
    label_col: LabelCol = "label",
    base: BaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report on stdout")] = False,
) -> None:
    """Train a sentiment or topic model on labelled data; `--model DIR` then uses it."""
    from xinsheng.voc.base import resolve_base
    from xinsheng.voc.registry import save_model_dir
    from xinsheng.voc.train import train_model

    with _usable():
        if task not in ("sentiment", "topic"):
            raise ValueError("--task must be sentiment or topic")
        learned = resolve_base(base)
        texts, labels = _labelled(data, text_col, label_col)
        if task == "sentiment":
            canonical_sentiment(labels)  # unknown labels fail before any work starts
        with _progress(f"preparing {len(texts)} texts", len(texts)) as advance:
            model = train_model(task, texts, labels, progress=advance, base=learned)
    extra = {"n_train": len(texts), "source": str(data)}
    if learned is not None:
        extra["base"] = {k: learned.info.get(k) for k in ("folder", "sha256", "corpus", "dims")}
    try:
        save_model_dir(out, model, task, extra)
    except OSError as exc:
        raise _fail(f"{out}: cannot write model ({exc.strerror or exc})") from None
    report = {"task": task, "n": len(texts), "lang": model.meta.get("lang"), "labels": model.classes,
              "features": model.featurizer.n_features, "out": str(out),
              "base": learned.info["folder"] if learned is not None else None}
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        typer.echo(f"trained {task} model on {len(texts)} texts ({len(model.classes)} labels) → {out}", err=True)


@app.command("eval")
def eval_(
    task: Annotated[str, typer.Option("--task", help="sentiment, topic or emotion")],
    data: Annotated[Path, typer.Option("--data", help="labelled .csv or .jsonl file")],
    text_col: TextCol = "text",
    label_col: LabelCol = "label",
    model: Annotated[Path | None, typer.Option("--model", help="a model folder (default: built-in)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON report on stdout")] = False,
) -> None:
    """Score the built-in or a trained model on labelled data (accuracy, macro-F1, per label).

    The top-level figures score the model's own decision (sentiment: the sign of the score
    for binary labels; a trained topic model: its top label); ``as_analyzed`` scores exactly
    what ``voc analyze`` outputs (the neutral band; thresholded topics with rules merged)."""
    from xinsheng.voc.train import EVAL_TASKS, evaluate

    with _usable():
        if task not in EVAL_TASKS:
            raise ValueError(f"--task must be one of {', '.join(EVAL_TASKS)}")
        texts, labels = _labelled(data, text_col, label_col)
        if task == "sentiment":
            canonical_sentiment(labels)
        with _progress("evaluating", len(texts)) as advance:
            report = evaluate(task, texts, labels, model_dir=model, progress=advance)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    typer.echo(f"{task}: n={report['n']} accuracy={report['accuracy']:.4f} macro_f1={report['macro_f1']:.4f}"
               f"  [{report['scored_as']}]")
    for label, m in report["per_label"].items():
        typer.echo(f"  {label:<24} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} n={m['support']}")
    seen = report["as_analyzed"]
    typer.echo(f"as analyzed: accuracy={seen['accuracy']:.4f} macro_f1={seen['macro_f1']:.4f} "
               f"unlabelled={seen['unlabelled']}  [{seen['rule']}]")


@app.command()
def learn(
    corpus: Annotated[Path | None, typer.Option("--corpus", help="unlabelled texts: .txt (one a line), .csv, .tsv, .jsonl")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="base folder to write (default: XINSHENG_VOC_BASE)")] = None,
    text_col: TextCol = "text",
    from_db: Annotated[bool, typer.Option("--from-db", help="learn from the stored, masked interaction texts")] = False,
    update: Annotated[bool, typer.Option("--update", help="add these texts to the base's counts in --out")] = False,
    dim: Annotated[int, typer.Option("--dim", help="dimensions of a unit vector")] = 128,
    as_json: Annotated[bool, typer.Option("--json", help="print the base's manifest on stdout")] = False,
) -> None:
    """Learn text representations (a base) from unlabelled texts; `voc train --base` and
    `kb train-pairs --base` then use them. Streams any size; `--update` continues a base."""
    from xinsheng.voc.base import ENV
    from xinsheng.voc.learn import LearnParams
    from xinsheng.voc.learn import learn as learn_base

    with _usable():
        out = out or _default_base(ENV)
        if (corpus is None) == (not from_db):
            raise ValueError("give --corpus PATH or --from-db (one of them)")
        texts, total, source = _learn_source(corpus, text_col)
        label = "learning from " + (corpus.name if corpus else "stored texts")
        with _progress(label, total) as advance:
            manifest = learn_base(texts, out, LearnParams(dim=dim), update=update, source=source,
                                  progress=_advance_by(advance, in_bytes=corpus is not None))
    if as_json:
        typer.echo(json.dumps(manifest, ensure_ascii=False))
    else:
        c, d = manifest["corpus"], manifest["dims"]
        typer.echo(f"base of {c['texts']} texts ({c['chars']} characters): {d['units_kept']} units × "
                   f"{d['unit']} dimensions → {out}", err=True)


def _default_base(env: str) -> Path:
    from xinsheng.config import get_settings

    folder = get_settings().voc_base
    if folder is None:
        raise ValueError(f"give --out DIR (or set {env})")
    return Path(folder)


def _learn_source(corpus: Path | None, text_col: str):
    """(texts, progress total, source name): a file's size in bytes, or the stored texts' count."""
    from xinsheng.voc.learn_io import db_text_count, iter_db_texts, iter_file_texts

    if corpus is None:
        return iter_db_texts(), db_text_count(), "database"
    texts = iter_file_texts(corpus, text_col)
    first = next(texts, None)  # a missing file or column fails before the bar starts
    if first is None:
        raise InputFileError(f"{corpus}: no texts")
    import itertools

    return itertools.chain([first], texts), corpus.stat().st_size, str(corpus)


def _advance_by(advance, in_bytes: bool):
    """The bar moves by texts (database) or by UTF-8 bytes of text (a file: its size is the total)."""
    if in_bytes:
        return lambda batch: advance(sum(len(t.encode("utf-8")) + 1 for t in batch))
    return lambda batch: advance(len(batch))
