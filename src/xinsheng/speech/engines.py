"""Speech engines behind one small interface: ``transcribe(samples) -> [Segment]``.

The model is a local path the bank supplies (``--model PATH`` or ``XINSHENG_SPEECH_MODEL``);
nothing is ever downloaded. ``faster-whisper`` runs CTranslate2 Whisper models (a
directory with ``model.bin``, ``config.json`` and the tokenizer).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from xinsheng.speech.errors import SpeechModelError

ENGINES = ("faster-whisper",)
logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # no INFO line per recording


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


class Engine(Protocol):
    name: str
    model: str

    def transcribe(self, samples: np.ndarray, progress: Callable[[float], None] | None = None) -> list[Segment]:
        """Segments of speech in 16 kHz mono float32 ``samples``, times in seconds;
        ``progress(end)`` after each segment, with the time it reached."""


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model_path: Path, *, language: str | None = None, beam_size: int = 5,
                 threads: int = 0) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise SpeechModelError("speech support is not installed: pip install 'xinsheng[speech]'") from None
        self.model = model_path.name
        self.language = language or None
        self.beam_size = beam_size
        try:
            self._model = WhisperModel(str(model_path), device="cpu", compute_type="int8",
                                       cpu_threads=threads, local_files_only=True)
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError for a bad model
            raise SpeechModelError(f"speech model {model_path}: cannot be loaded ({exc})") from None

    def transcribe(self, samples: np.ndarray, progress: Callable[[float], None] | None = None) -> list[Segment]:
        segments, _info = self._model.transcribe(
            samples, language=self.language, beam_size=self.beam_size, vad_filter=True,
            condition_on_previous_text=False)
        out = []
        for s in segments:  # a generator: decoding happens as it is read
            if s.text.strip():
                out.append(Segment(round(s.start, 2), round(s.end, 2), s.text.strip()))
            if progress is not None:
                progress(s.end)
        if progress is not None:
            progress(len(samples) / 16000)
        return out


def model_path(value: str | os.PathLike | None) -> Path:
    """The model directory, checked: a clear error when none is given or it is not there."""
    if not value:
        raise SpeechModelError("no speech model: pass --model PATH or set XINSHENG_SPEECH_MODEL "
                               "(a local directory; nothing is downloaded)")
    path = Path(value).expanduser()
    if not path.exists():
        raise SpeechModelError(f"speech model {path}: no such directory")
    if not path.is_dir() or not (path / "model.bin").is_file():
        raise SpeechModelError(f"speech model {path}: not a CTranslate2 Whisper model directory (no model.bin)")
    return path


def load_engine(name: str, model: str | os.PathLike | None, *, language: str | None = None,
                beam_size: int = 5, threads: int = 0) -> Engine:
    if name not in ENGINES:
        raise SpeechModelError(f"unknown speech engine {name!r}; expected one of {', '.join(ENGINES)}")
    return FasterWhisperEngine(model_path(model), language=language, beam_size=beam_size, threads=threads)
