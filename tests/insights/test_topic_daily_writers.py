"""Daily topic counts under concurrent ingest writers and after a killed ingest."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.insights.counts import assert_counts_match, contacts, write_ndjson
from xinsheng.db import session_scope
from xinsheng.ingest.files import ingest_file
from xinsheng.interactions.models import InteractionAnalysis


def _analysed(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(InteractionAnalysis))


def test_concurrent_writers_neither_lose_nor_double_count(engine, tmp_path):
    files = []
    for w in range(4):  # the same days, topics and channels, in small batches
        files.append(tmp_path / f"worker-{w}.ndjson")
        write_ndjson(files[-1], contacts(120, source=f"worker-{w}"))

    with ThreadPoolExecutor(len(files)) as pool:
        reports = list(pool.map(lambda path: ingest_file(path, "interactions", engine, batch_size=6), files))

    assert [r.accepted for r in reports] == [120] * 4
    counts = assert_counts_match(engine)
    assert sum(row[0] for key, row in counts.items() if key[1] == "*") == 4 * (120 - 120 // 7)


def _wait_for_analyses(engine, proc, minimum: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while _analysed(engine) < minimum:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the ingest analysed nothing in time"
        time.sleep(0.02)


def test_a_killed_ingest_leaves_counts_of_whole_batches_and_a_rerun_completes_them(engine, settings_env, tmp_path):
    src = tmp_path / "big.ndjson"
    records = contacts(9000)
    write_ndjson(src, records)
    proc = subprocess.Popen([sys.executable, "-m", "xinsheng", "ingest", str(src), "--json"],
                            env={**settings_env, "XINSHENG_INGEST_BATCH_SIZE": "300"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_analyses(engine, proc, minimum=600)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    partial = _analysed(engine)
    assert 0 < partial < len(records) - len(records) // 7, "killed mid-way"
    assert_counts_match(engine)

    rerun = subprocess.run([sys.executable, "-m", "xinsheng", "ingest", str(src), "--json"],
                           env=settings_env, capture_output=True, check=True)

    assert json.loads(rerun.stdout)["accepted"] > 0
    assert _analysed(engine) == len(records) - len(records) // 7
    assert_counts_match(engine)
