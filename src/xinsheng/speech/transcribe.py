"""One recording to a transcript, and a folder of them in worker processes.

Every failure of one file (bad format, corrupt data, silence, too long, no speech
recognised) is that file's ``error``; the others go on.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from xinsheng.speech.audio import decode, same_signal
from xinsheng.speech.diarise import pitch_turns
from xinsheng.speech.engines import Engine, load_engine, model_path
from xinsheng.speech.errors import RecordingError
from xinsheng.speech.settings import SpeechSettings
from xinsheng.speech.turns import mono_turns, stereo_turns


@dataclass
class Transcript:
    file: str
    turns: list[dict] = field(default_factory=list)
    duration: float | None = None
    layout: str | None = None  # "stereo" (one speaker a channel) or "mono" (pause-based turns)
    source_rate: int | None = None
    codec: str | None = None
    speakers_by: str | None = None  # "channel" (stereo), "pitch" or "pause" (mono; see diarise.py)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return {"file": self.file, "ok": self.ok, "error": self.error, "duration": self.duration,
                "layout": self.layout, "source_rate": self.source_rate, "codec": self.codec,
                "speakers_by": self.speakers_by, "turns": self.turns}


#: ``progress(done, total)``: seconds of audio transcribed (both channels of a stereo call count)
Progress = Callable[[float, float], None]


def transcribe_source(source: str | Path | IO[bytes], engine: Engine, settings: SpeechSettings,
                      name: str | None = None, progress: Progress | None = None) -> Transcript:
    """Decode and transcribe one recording; raises RecordingError with the reason."""
    label = name or str(source)
    audio = decode(source, settings.max_seconds, name=label)
    result = Transcript(label, duration=round(audio.duration, 2), source_rate=audio.source_rate, codec=audio.codec)
    stereo = audio.channels.shape[0] == 2 and not same_signal(audio.channels)
    total = audio.duration * (2 if stereo else 1)

    def run(samples, offset: float):
        tick = None if progress is None else (lambda end: progress(min(offset + end, total), total))
        return engine.transcribe(samples, tick)

    if stereo:
        agent = run(audio.channels[settings.agent_channel], 0.0)
        customer = run(audio.channels[1 - settings.agent_channel], audio.duration)
        result.turns, result.layout, result.speakers_by = stereo_turns(agent, customer), "stereo", "channel"
    else:
        segments = run(audio.channels[0], 0.0)
        result.layout, result.speakers_by = "mono", "pitch"
        result.turns = pitch_turns(audio.channels[0], segments, settings.pause_seconds)
        if result.turns is None:
            result.turns, result.speakers_by = mono_turns(segments, settings.pause_seconds), "pause"
    if not result.turns:
        raise RecordingError("no speech recognised (silence, noise or a language the model does not know)")
    return result


def transcribe_file(path: Path, engine: Engine, settings: SpeechSettings,
                    progress: Progress | None = None) -> Transcript:
    """Like transcribe_source, but a bad file is returned with its ``error`` set."""
    try:
        if not path.is_file():
            raise RecordingError("no such file")
        return transcribe_source(path, engine, settings, name=str(path), progress=progress)
    except RecordingError as exc:
        return Transcript(str(path), error=exc.message)


def recordings_in(path: Path) -> list[Path]:
    """A file as given, or every file of a folder (recursively, sorted): files with other
    suffixes are listed too, so that each is reported as unsupported rather than skipped."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [path]


_WORKER: dict = {}


def _init_worker(settings: SpeechSettings, threads: int) -> None:
    _WORKER["settings"] = settings
    _WORKER["engine"] = load_engine(settings.engine, settings.model, language=settings.language,
                                    beam_size=settings.beam_size, threads=threads)


def _work(path: Path) -> Transcript:
    return transcribe_file(path, _WORKER["engine"], _WORKER["settings"])


def transcribe_many(paths: list[Path], settings: SpeechSettings, workers: int,
                    progress: Progress | None = None) -> Iterator[Transcript]:
    """Transcripts of ``paths`` as they finish; ``workers`` processes, each loading the model
    once (a model error raises before any file is done). ``progress`` follows the seconds of
    the file in hand when one process does the work."""
    cores = os.cpu_count() or 1
    workers = max(1, min(workers, len(paths)))
    threads = max(1, cores // workers)
    if workers == 1:
        _init_worker(settings, threads)
        for path in paths:
            yield transcribe_file(path, _WORKER["engine"], settings, progress)
        return
    model_path(settings.model)  # a missing model is one clear error, not a broken pool
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(settings, threads)) as pool:
        futures = [pool.submit(_work, p) for p in paths]
        for future in as_completed(futures):
            yield future.result()
