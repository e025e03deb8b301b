"""``xinsheng speech transcribe FILE|DIR``: recordings to speaker turns."""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from xinsheng.audit.actions import append
from xinsheng.clikit import console_err
from xinsheng.identity.principal import cli_principal
from xinsheng.speech.settings import speech_settings
from xinsheng.speech.transcribe import Transcript, recordings_in, transcribe_many

speech_app = typer.Typer(help="Call recordings to transcripts with speaker turns.", no_args_is_help=True)


@speech_app.command("transcribe")
def transcribe(
    path: Annotated[Path, typer.Argument(help="a WAV/MP3/OGG recording, or a folder of them")],
    model: Annotated[str | None, typer.Option(help="local model directory (else XINSHENG_SPEECH_MODEL)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one file: its turns as JSON Lines; a folder: "
                                          "one JSON object per recording")] = False,
    out: Annotated[Path | None, typer.Option(help="write each transcript to OUT/<name>.jsonl")] = None,
    language: Annotated[str | None, typer.Option(help="zh, en …; default: the model detects it")] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes for a folder")] = os.cpu_count() or 1,
    max_seconds: Annotated[float | None, typer.Option(help="refuse longer recordings (default 3 h)")] = None,
    store: Annotated[bool, typer.Option(help="store each transcript as a phone interaction")] = False,
    source: Annotated[str, typer.Option(help="with --store: the interactions' source")] = "recordings",
) -> None:
    """Transcribe recordings; a bad file is reported with its reason and the rest go on
    (exit 1 when any failed)."""
    if not path.exists():
        raise typer.BadParameter(f"{path}: no such file or folder", param_hint="PATH")
    overrides = {k: v for k, v in {"model": model, "language": language, "max_seconds": max_seconds}.items()
                 if v is not None}
    settings = speech_settings().model_copy(update=overrides)
    paths = recordings_in(path)
    single = not path.is_dir()
    results: list[Transcript] = []
    writer = _Storer(source, settings) if store else None
    with _progress(f"transcribe {path.name}", len(paths)) as (advance, seconds):
        for result in transcribe_many(paths, settings, workers, seconds):
            if writer is not None and result.ok:
                writer.store(result)
            results.append(result)
            if out is not None and result.ok:
                _write_jsonl(out, Path(result.file), result.turns)
            advance()
    results.sort(key=lambda r: r.file)
    if writer is not None:
        writer.audit(path)
        console_err.print(f"stored {len(writer.stored)} transcripts as interactions (source {source!r})")
    _report(results, as_json, single)
    failed = sum(not r.ok for r in results)
    if failed:
        console_err.print(f"[red]{failed} of {len(results)} recordings failed[/]")
        raise typer.Exit(1)


@speech_app.command("rotate-audio")
def rotate_audio_command() -> None:
    """Re-encrypt kept recordings under the current personal-data key (after `keys rotate`)."""
    from xinsheng.migrate import ready_engine
    from xinsheng.speech.store import rotate_audio

    report = rotate_audio(ready_engine())
    typer.echo(json.dumps(report))


@contextmanager
def _progress(label: str, files: int):
    """Two bars on stderr: recordings done, and the seconds of audio of the one in hand
    (shown when one process does the work: a long call moves visibly)."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[done]}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console_err) as progress:
        files_task = progress.add_task(label, total=files, done=f"0/{files}")
        audio_task = progress.add_task("audio", total=None, done="", visible=False)

        def advance() -> None:
            progress.advance(files_task)
            done = int(progress.tasks[files_task].completed)
            progress.update(files_task, done=f"{done}/{files}")

        def seconds(done: float, total: float) -> None:
            progress.update(audio_task, visible=True, completed=done, total=total,
                            done=f"{done:.0f}/{total:.0f} s")

        yield advance, seconds


def _write_jsonl(out: Path, source: Path, turns: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in turns)
    (out / f"{source.stem}.jsonl").write_text(lines, encoding="utf-8")


def _report(results: list[Transcript], as_json: bool, single: bool) -> None:
    if as_json:
        if single and results[0].ok:
            for t in results[0].turns:
                typer.echo(json.dumps(t, ensure_ascii=False))
        elif not single:
            for r in results:
                typer.echo(json.dumps(r.to_dict(), ensure_ascii=False))
        for r in results:
            if not r.ok:
                console_err.print(f"[red]{r.file}[/]: {r.error}")
        return
    for r in results:
        if not r.ok:
            console_err.print(f"[red]{r.file}[/]: {r.error}")
            continue
        table = Table(title=f"{r.file} ({r.duration:.1f} s, {r.layout})", title_justify="left")
        for col in ("speaker", "start", "end", "text"):
            table.add_column(col)
        for t in r.turns:
            table.add_row(t["speaker"], f"{t['start']:.2f}", f"{t['end']:.2f}", t["text"])
        console_err.print(table)


class _Storer:
    """``--store``: each transcript becomes a phone interaction (started at the file's time)."""

    def __init__(self, source: str, settings) -> None:
        from xinsheng.migrate import ready_engine

        self.db, self.source, self.settings = ready_engine(), source, settings
        self.stored: list[dict] = []

    def store(self, result: Transcript) -> None:
        from xinsheng.speech.store import Contact, store_transcript

        path = Path(result.file)
        started = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc) - timedelta(
            seconds=result.duration or 0)
        self.stored.append(store_transcript(
            self.db, result, Contact(started_at=started, source=self.source), path.read_bytes(),
            engine_name=self.settings.engine, model=Path(self.settings.model).name,
            keep_audio=self.settings.keep_audio))

    def audit(self, path: Path) -> None:
        append(self.db, actor=cli_principal().actor, actor_role="admin", action="recording.transcribe",
               ip="cli", target_type="file", target_ref=str(path.resolve()),
               detail={"stored": len(self.stored), "duplicates": sum(s["duplicate"] for s in self.stored)})
