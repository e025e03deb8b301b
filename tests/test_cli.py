"""The ``xinsheng`` command as scripts call it: exit codes, --json on stdout."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.factories import interaction


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_ingest_json_report_and_rejects_file(engine, settings_env, tmp_path):
    src, rejects = tmp_path / "i.ndjson", tmp_path / "r.ndjson"
    lines = [json.dumps(interaction(1)), "not json", json.dumps(interaction(2, channel="pager"))]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run(["ingest", str(src), "--json", "--rejects", str(rejects)], settings_env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report["accepted"], report["rejected"]) == (1, 2)
    assert [e["line"] for e in report["errors"]] == [2, 3]
    assert rejects.read_text(encoding="utf-8").splitlines() == lines[1:]


def test_unusable_input_exits_2_with_one_line_reason(engine, settings_env, tmp_path):
    missing = run(["ingest", str(tmp_path / "nope.ndjson")], settings_env)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    other = tmp_path / "x.xml"
    other.write_text("<a/>")
    unknown = run(["ingest", str(other)], settings_env)
    assert unknown.returncode == 2 and "unknown format" in unknown.stderr
    bad_kind = run(["ingest", str(other), "--kind", "cats"], settings_env)
    assert bad_kind.returncode == 2


def test_db_upgrade_creates_the_schema_on_an_empty_database(settings_env, db_url, tmp_path):
    env = dict(settings_env)
    if db_url.startswith("sqlite"):
        env["XINSHENG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.db'}"
    res = run(["db", "upgrade"], env)
    assert res.returncode == 0 and "revision" in res.stderr
