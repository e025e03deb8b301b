"""Speaker turns from engine segments, in the contract's transcript form
(``{"speaker": "agent"|"customer", "start", "end", "text"}``, seconds).

- **Stereo** (agent and customer on separate channels): each channel is transcribed on its
  own, its segments get that channel's speaker, and the turns of both are merged by start
  time. Exact: the speaker is the channel.
- **Mono** (when ``diarise.pitch_turns`` finds no two clear voices): a pause-based
  diarisation, no voice model: segments closer than
  ``pause_seconds`` belong to one turn, and each longer pause hands the turn to the other
  speaker, starting with the agent (who answers the call). Right for a plain question-and-
  answer call; wrong when one person pauses and goes on, or when both talk at once.
"""
from __future__ import annotations

from xinsheng.speech.engines import Segment

SPEAKERS = ("agent", "customer")


def turn(speaker: str, seg: Segment) -> dict:
    return {"speaker": speaker, "start": seg.start, "end": seg.end, "text": seg.text}


def stereo_turns(agent: list[Segment], customer: list[Segment]) -> list[dict]:
    """Both channels' segments as turns, ordered by start; a speaker's consecutive segments
    with no turn of the other speaker between them stay separate turns (times kept)."""
    turns = [turn("agent", s) for s in agent] + [turn("customer", s) for s in customer]
    turns.sort(key=lambda t: (t["start"], t["end"], t["speaker"]))
    return turns


def mono_turns(segments: list[Segment], pause_seconds: float) -> list[dict]:
    turns: list[dict] = []
    speaker = 0
    for seg in sorted(segments, key=lambda s: s.start):
        if turns and seg.start - turns[-1]["end"] < pause_seconds:
            last = turns[-1]
            last["end"] = max(last["end"], seg.end)
            last["text"] = join_text(last["text"], seg.text)
            continue
        if turns:
            speaker = 1 - speaker
        turns.append(turn(SPEAKERS[speaker], seg))
    return turns


def join_text(left: str, right: str) -> str:
    """Join two pieces of text: with a space between Latin words, without one in Chinese."""
    if left and right and left[-1].isascii() and right[0].isascii():
        return f"{left} {right}"
    return left + right


def transcript_text(turns: list[dict]) -> str:
    """The interaction's text: one line per turn, ``agent: …`` / ``customer: …``."""
    return "\n".join(f"{t['speaker']}: {t['text']}" for t in turns)
