"""``xinsheng journeys funnel --json``: the contract's document; bad input exits 2 naming the field."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.journeys.logs import write_log
from tests.journeys.test_funnel import LOG


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "xinsheng", "journeys", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=300)


def test_cli_funnel_and_bad_input(engine, settings_env):
    write_log(engine, LOG)
    done = _cli("funnel", "--steps", "app:a,app:b,app:c", "--window", "1h", "--from", "2026-03-02",
                "--to", "2026-03-02", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [s["customers"] for s in doc["steps"]] == [9, 8, 4]
    assert [s["conversion"] for s in doc["steps"]] == [1.0, 0.8889, 0.4444]
    bad = _cli("funnel", "--steps", "app:a", "--window", "91d", "--json")
    assert bad.returncode == 2 and "window" in bad.stderr and bad.stdout == ""
