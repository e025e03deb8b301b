"""Each bad recording is a clear error of its own, and a folder's batch goes on."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.speech.conftest import write
from xinsheng.speech.engines import load_engine
from xinsheng.speech.errors import SpeechModelError
from xinsheng.speech.transcribe import transcribe_file

SENTENCE = "Please confirm your date of birth for security."


def test_corrupt_silent_unsupported_and_too_many_channels(tmp_path, speech_engine, settings):
    (tmp_path / "noise.wav").write_bytes(np.random.default_rng(1).bytes(4000))
    (tmp_path / "notes.txt").write_text("not audio")
    write(tmp_path / "silence.wav", np.zeros(16000 * 2, dtype=np.float32), 16000)
    write(tmp_path / "three.wav", np.full((8000, 3), 0.1, dtype=np.float32), 16000)
    errors = {p.name: transcribe_file(p, speech_engine, settings).error for p in sorted(tmp_path.iterdir())}
    assert "not a readable audio file" in errors["noise.wav"]
    assert "unsupported format '.txt'" in errors["notes.txt"]
    assert "silence only" in errors["silence.wav"]
    assert "3 audio channels" in errors["three.wav"]


def test_a_truncated_file_and_a_too_long_one_are_refused(tmp_path, speak, speech_engine, settings):
    good = write(tmp_path / "good.wav", *speak(SENTENCE))
    cut = tmp_path / "cut.mp3"
    write(cut, *speak(SENTENCE), format="MP3")
    cut.write_bytes(cut.read_bytes()[:200])  # a header and almost no frames
    result = transcribe_file(cut, speech_engine, settings)
    assert not result.ok
    limited = settings.model_copy(update={"max_seconds": 1.0})
    too_long = transcribe_file(good, speech_engine, limited)
    assert too_long.error.startswith("too long:") and "limit" in too_long.error


def test_a_missing_or_wrong_model_path_is_one_clear_error(tmp_path):
    with pytest.raises(SpeechModelError, match="no such directory"):
        load_engine("faster-whisper", tmp_path / "absent")
    with pytest.raises(SpeechModelError, match="no model.bin"):
        load_engine("faster-whisper", tmp_path)
    with pytest.raises(SpeechModelError, match="XINSHENG_SPEECH_MODEL"):
        load_engine("faster-whisper", None)


def test_the_cli_goes_on_after_bad_files_and_exits_1(tmp_path, speak, model_dir, monkeypatch):
    from xinsheng.cli import app

    folder = tmp_path / "calls"
    folder.mkdir()
    write(folder / "a_good.wav", *speak(SENTENCE))
    (folder / "b_broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    write(folder / "c_silent.wav", np.zeros(8000, dtype=np.float32), 8000)
    monkeypatch.setenv("XINSHENG_SPEECH_LANGUAGE", "en")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["speech", "transcribe", str(folder), "--model", model_dir, "--json",
                                   "--workers", "1", "--out", str(out)])
    assert res.exit_code == 1, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [(r["file"].rsplit("/", 1)[1], r["ok"]) for r in rows] == [
        ("a_good.wav", True), ("b_broken.wav", False), ("c_silent.wav", False)]
    assert "date" in rows[0]["turns"][0]["text"].lower()
    lines = (out / "a_good.jsonl").read_text().splitlines()
    turn = json.loads(lines[0])
    assert set(turn) == {"speaker", "start", "end", "text"} and turn["speaker"] == "agent"


def test_a_three_and_a_half_hour_recording_is_refused_from_its_header(tmp_path, speech_engine, settings):
    """An 8 kHz 16-bit mono WAV of 3.5 h (201,600,000 data bytes, written as a sparse file:
    no disk used): the default 3 h limit refuses it from its length, before decoding."""
    import struct

    rate, seconds = 8000, 3.5 * 3600
    data_size = int(rate * 2 * seconds)
    header = (b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVEfmt " +
              struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" + struct.pack("<I", data_size))
    path = tmp_path / "long.wav"
    with path.open("wb") as fh:
        fh.write(header)
        fh.seek(len(header) + data_size - 1)
        fh.write(b"\0")
    assert settings.max_seconds == 3 * 3600
    error = transcribe_file(path, speech_engine, settings).error
    assert error.startswith("too long: 210.0 min; the limit is 180 min"), error
