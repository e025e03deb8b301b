"""Interrupted ingests lose nothing and duplicate nothing; a 100k-record file loads."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from tests.factories import interaction
from xinsheng.db import session_scope
from xinsheng.ingest.files import ingest_file
from xinsheng.interactions.models import Interaction

pytestmark = pytest.mark.slow


def _write_big(path, n: int, bad_every: int = 0) -> int:
    bad = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = interaction(i, customer_ref=f"C{i % 997:04d}", channel="app" if i % 2 else "phone",
                              text=f"第{i}次来电，手机13812345678转账失败" if i % 3 == 0 else None)
            if bad_every and i % bad_every == 0:
                rec["channel"] = "pager"
                bad += 1
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return bad


def _count(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        total = s.scalar(select(func.count()).select_from(Interaction))
        distinct = s.scalar(select(func.count(func.distinct(Interaction.external_id))))
    return total, distinct


def test_100k_record_file(engine, tmp_path):
    src = tmp_path / "big.ndjson"
    bad = _write_big(src, 100_000, bad_every=1000)
    report = ingest_file(src, "interactions", engine)
    assert report.rejected == bad == 100
    assert report.accepted == 100_000 - bad
    assert _count(engine) == (100_000 - bad, 100_000 - bad)


#: how a non-interactive shell starts a background job (``xinsheng ingest f &`` in a script,
#: some CI runners): SIGINT ignored, and here blocked as well. Ignored dispositions and the
#: signal mask survive exec, so the command starts with Ctrl-C switched off unless it
#: switches it back on (cli.main does).
_AS_BACKGROUND_JOB = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def _start_ingest(src, env, *, sigint_ignored: bool = False) -> subprocess.Popen:
    """The ingest in a session of its own (its process group is what a terminal's Ctrl-C hits)."""
    argv = ["-m", "xinsheng", "ingest", str(src), "--json"]
    argv = [sys.executable, "-c", _AS_BACKGROUND_JOB, *argv] if sigint_ignored else [sys.executable, *argv]
    return subprocess.Popen(argv, env={**env, "XINSHENG_INGEST_BATCH_SIZE": "500"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_rows(engine, proc, minimum: int = 1, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total = _count(engine)[0]
        if total >= minimum:
            return total
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.02)
    raise AssertionError("the ingest wrote nothing in time")


def _children(pid: int) -> list[int]:
    """Direct child processes (the ingest's worker processes), from /proc."""
    path = f"/proc/{pid}/task/{pid}/children"
    return [int(c) for c in open(path).read().split()] if os.path.exists(path) else []


def _assert_gone(pids: list[int], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while any(os.path.exists(f"/proc/{p}") for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if os.path.exists(f"/proc/{p}")]
    assert not left, f"worker processes {left} outlived the interrupted ingest"


#: (signal, sent to the whole process group as a terminal's Ctrl-C is, started ignoring SIGINT)
INTERRUPTIONS = {
    "kill": (signal.SIGKILL, False, False),  # kill -9 of the ingest alone: its workers notice
    "ctrl-c": (signal.SIGINT, True, False),  # Ctrl-C: the ingest and its workers get SIGINT
    "ctrl-c-background-job": (signal.SIGINT, False, True),  # kill -INT of a job started with SIGINT ignored
}


@pytest.mark.parametrize("how", list(INTERRUPTIONS))
def test_interrupted_ingest_then_rerun_stores_each_record_once(engine, settings_env, tmp_path, how):
    sig, to_group, ignored = INTERRUPTIONS[how]
    src = tmp_path / "big.ndjson"
    n = 60_000
    _write_big(src, n)
    proc = _start_ingest(src, settings_env, sigint_ignored=ignored)
    _wait_for_rows(engine, proc, minimum=1000)
    workers = _children(proc.pid)
    assert workers, "a file this large is prepared by worker processes"
    (os.killpg if to_group else os.kill)(proc.pid, sig)
    proc.wait(timeout=60)
    _assert_gone(workers)
    partial, distinct = _count(engine)
    assert partial == distinct and 0 < partial < n, "interrupted mid-way, with no duplicates"
    assert partial % 500 == 0, "only whole batches are stored"
    if sig == signal.SIGINT:
        err = proc.stderr.read()
        assert proc.returncode == 130 and b"re-run" in err, err.decode()[-2000:]
        assert b"Traceback" not in err, "Ctrl-C is an ordinary stop: no worker prints a traceback"

    rerun = subprocess.run([sys.executable, "-m", "xinsheng", "ingest", str(src), "--json"],
                           env=settings_env, capture_output=True, check=True)
    report = json.loads(rerun.stdout)
    assert report["accepted"] + report["duplicates"] == n
    assert report["duplicates"] == partial
    assert _count(engine) == (n, n)
