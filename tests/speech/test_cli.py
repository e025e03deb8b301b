"""``xinsheng speech transcribe``: a folder in worker processes, and ``--store``."""
from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select

from tests.speech.conftest import stereo, write
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction
from xinsheng.speech.models import SpeechTranscript

AGENT = "Hello, this is the bank, how may I help you?"
CUSTOMER = "I want to close my savings account."


def test_a_folder_in_two_worker_processes_stored_as_interactions(tmp_path, speak, model_dir, engine,
                                                                 settings_env):
    folder = tmp_path / "calls"
    folder.mkdir()
    write(folder / "one.wav", *stereo(speak(AGENT), speak(CUSTOMER)))
    write(folder / "two.ogg", *speak(CUSTOMER), format="OGG", subtype="VORBIS")
    (folder / "three.mp3").write_bytes(b"ID3 not really an mp3")
    env = settings_env | {"XINSHENG_SPEECH_MODEL": model_dir, "XINSHENG_SPEECH_LANGUAGE": "en"}
    cmd = [sys.executable, "-m", "xinsheng", "speech", "transcribe", str(folder), "--json", "--workers", "2",
           "--store", "--source", "recorder"]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stderr
    rows = {json.loads(line)["file"].rsplit("/", 1)[1]: json.loads(line) for line in res.stdout.splitlines()}
    assert {name: row["ok"] for name, row in rows.items()} == {"one.wav": True, "three.mp3": False, "two.ogg": True}
    assert "three.mp3" in res.stderr and "1 of 3 recordings failed" in res.stderr
    assert rows["one.wav"]["layout"] == "stereo" and rows["two.ogg"]["layout"] == "mono"
    with session_scope(engine) as session:
        stored = session.execute(select(Interaction.channel, Interaction.source, Interaction.text)).all()
        kept = session.scalars(select(SpeechTranscript.layout)).all()
    assert sorted(kept) == ["mono", "stereo"]
    assert {(c, s) for c, s, _ in stored} == {("phone", "recorder")} and len(stored) == 2
    assert any("customer: " in text and "savings" in text.lower() for _, _, text in stored)
