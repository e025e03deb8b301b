"""Mono calls: who spoke each segment, from the voice's pitch, when two voices are clear.

Each segment's median fundamental frequency (YIN over 40 ms frames, 60–400 Hz,
voiced frames only) is taken; the segments' log-pitches are split in two groups at the
best 1-D 2-means cut. When the two groups are far apart (at least ``MIN_SEMITONES``) and
each is tight, the group of the first segment is the agent's and the other the customer's;
otherwise (one voice, similar voices, too few voiced segments) the answer is None and the
pause-based turns of ``turns.mono_turns`` are used. No voice model: two agents, or a
customer whose pitch is close to the agent's, are not told apart.
"""
from __future__ import annotations

import numpy as np

from xinsheng.speech.audio import RATE
from xinsheng.speech.engines import Segment
from xinsheng.speech.turns import SPEAKERS, join_text

FRAME, HOP = int(0.04 * RATE), int(0.01 * RATE)
LOW_HZ, HIGH_HZ = 60.0, 400.0
MIN_SEMITONES = 3.0
YIN_THRESHOLD = 0.15
VOICED = 0.4  # a frame whose best normalised difference is above this is not voiced


def segment_pitch(samples: np.ndarray, seg: Segment) -> float | None:
    """Median F0 (Hz) of the voiced frames of ``seg``; None when too few are voiced."""
    part = samples[int(seg.start * RATE): int(seg.end * RATE)]
    if len(part) < FRAME:
        return None
    frames = np.lib.stride_tricks.sliding_window_view(part, FRAME)[::HOP]
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    frames = frames[rms > max(rms.max() * 0.1, 1e-4)]
    if len(frames) < 5:
        return None
    frames = frames - frames.mean(axis=1, keepdims=True)
    spec = np.fft.rfft(frames, n=2 * FRAME)
    ac = np.fft.irfft(np.abs(spec) ** 2)[:, :FRAME] * (FRAME / (FRAME - np.arange(FRAME)))  # unbiased
    # YIN: the difference function, normalised by its running mean, so that short lags
    # (formants) do not pass for the period; the first lag below the threshold is the period
    diff = 2 * (ac[:, :1] - ac)
    diff[:, 0] = 0
    running = np.cumsum(diff[:, 1:], axis=1) / np.arange(1, FRAME)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] / np.maximum(running, 1e-12)
    lo, hi = int(RATE / HIGH_HZ), int(RATE / LOW_HZ)
    window = cmnd[:, lo:hi]
    below = window < YIN_THRESHOLD
    first = np.where(below.any(axis=1), below.argmax(axis=1), window.argmin(axis=1))
    voiced = lo + first[window[np.arange(len(window)), first] < VOICED]
    if len(voiced) < 5:
        return None
    return float(RATE / np.median(voiced))


def two_voices(pitches: list[float | None], gaps: list[float], pause: float) -> list[int] | None:
    """0 (the first segment's voice) or 1 for each segment; None when there are not two
    clear voices. A segment without a pitch keeps the previous voice after a gap (``gaps[i]``,
    seconds before segment i) shorter than ``pause``, else takes the other."""
    known = [(i, 12 * np.log2(p)) for i, p in enumerate(pitches) if p]
    if len(known) < 2:
        return None
    values = np.array(sorted(v for _, v in known))
    costs = [values[:k].var() * k + values[k:].var() * (len(values) - k) for k in range(1, len(values))]
    k = int(np.argmin(costs)) + 1
    low, high = values[:k], values[k:]
    if high.mean() - low.mean() < MIN_SEMITONES or max(low.std(), high.std()) > (high.mean() - low.mean()) / 3:
        return None
    cut = (low.max() + high.min()) / 2
    voice = {i: int(v > cut) for i, v in known}
    first = voice[known[0][0]]
    out, last = [], 0
    for i in range(len(pitches)):
        last = voice[i] ^ first if i in voice else (last if gaps[i] < pause else 1 - last)
        out.append(last)
    return out


def pitch_turns(samples: np.ndarray, segments: list[Segment], pause: float) -> list[dict] | None:
    """Turns by voice (consecutive segments of one voice joined), or None (see above)."""
    segments = sorted(segments, key=lambda s: s.start)
    gaps = [0.0] + [b.start - a.end for a, b in zip(segments, segments[1:])]
    voices = two_voices([segment_pitch(samples, s) for s in segments], gaps, pause)
    if voices is None:
        return None
    turns: list[dict] = []
    for seg, v in zip(segments, voices, strict=True):
        if turns and turns[-1]["speaker"] == SPEAKERS[v]:
            turns[-1]["end"] = max(turns[-1]["end"], seg.end)
            turns[-1]["text"] = join_text(turns[-1]["text"], seg.text)
        else:
            turns.append({"speaker": SPEAKERS[v], "start": seg.start, "end": seg.end, "text": seg.text})
    return turns
