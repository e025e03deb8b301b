"""Transcripts in the contract's JSON Lines turn format (CONTRACT.md "Quality checks").

One turn a line: ``{"speaker": "agent"|"customer", "start": float, "end": float, "text": str}``
in seconds. A line that is no such turn is refused with its line number.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from xinsheng.errors import InputFileError

__all__ = ["Turn", "read_transcript", "parse_turns", "parse_turns_objects", "TranscriptError"]

SPEAKERS = ("agent", "customer")


class TranscriptError(InputFileError):
    def __init__(self, where: str, line: int, problem: str) -> None:
        super().__init__(f"transcript {where}, line {line}: {problem}", data={"line": line, "problem": problem})
        self.line = line


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float
    text: str

    def time_at(self, offset: int) -> float:
        """The time of character ``offset``, spreading the turn's duration evenly over its text."""
        if not self.text:
            return self.start
        share = min(max(offset, 0), len(self.text)) / len(self.text)
        return round(self.start + (self.end - self.start) * share, 1)

    def to_dict(self) -> dict:
        return {"speaker": self.speaker, "start": self.start, "end": self.end, "text": self.text}


def _turn(obj: object, where: str, line: int) -> Turn:
    if not isinstance(obj, dict):
        raise TranscriptError(where, line, "expected a JSON object")
    speaker, start, end, text = (obj.get(k) for k in ("speaker", "start", "end", "text"))
    if speaker not in SPEAKERS:
        raise TranscriptError(where, line, "speaker must be 'agent' or 'customer'")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, end)):
        raise TranscriptError(where, line, "start and end must be numbers (seconds)")
    if start < 0 or end < start:
        raise TranscriptError(where, line, "start must be ≥ 0 and end ≥ start")
    if not isinstance(text, str):
        raise TranscriptError(where, line, "text must be a string")
    return Turn(speaker, float(start), float(end), text)


def parse_turns(lines: Iterable[str], where: str = "<transcript>") -> list[Turn]:
    """Turns from JSON Lines, in time order; blank lines and lines without a speaker key
    that hold only metadata (``{"expect": ...}``) are skipped."""
    turns = []
    for i, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TranscriptError(where, i, f"not JSON ({exc.msg})") from None
        if isinstance(obj, dict) and "speaker" not in obj and "text" not in obj:
            continue
        turns.append(_turn(obj, where, i))
    return sorted(turns, key=lambda t: (t.start, t.end))


def parse_turns_objects(objs: Iterable[object], where: str = "<transcript>") -> list[Turn]:
    """Turns from already-parsed objects (a stored transcript), in time order."""
    return sorted((_turn(o, where, i) for i, o in enumerate(objs, 1)), key=lambda t: (t.start, t.end))


def read_transcript(path: str | Path) -> list[Turn]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read transcript {p}: {exc}") from None
    return parse_turns(text.splitlines(), str(p))
