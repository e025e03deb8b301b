"""``xinsheng qa check --transcript FILE --json`` as the contract says, and its bad input."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.quality.corpus import calls

HELD = {p.stem: p for p in calls("dev")}


def run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", *args], capture_output=True, text=True, timeout=300)


def test_check_prints_the_contract_document():
    res = run(["qa", "check", "--transcript", str(HELD["d14_no_risk_claim"]), "--json"])
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert 0 <= doc["score"] <= 100
    for f in doc["findings"]:
        assert isinstance(f["rule"], str) and isinstance(f["passed"], bool)
        assert f["evidence"] is None or isinstance(f["evidence"], str)
        assert f["start"] is None or isinstance(f["start"], float)
    got = {f["rule"]: f for f in doc["findings"]}
    assert {"identity_verified", "recording_notice", "risk_disclosure", "forbidden_promise",
            "empathy_when_upset"} <= set(got)
    assert got["forbidden_promise"]["passed"] is False
    assert got["forbidden_promise"]["evidence"] == "这个理财基本没什么风险"
    assert doc["score"] == 100 - 25 - 30  # risk disclosure missing and a promise, nothing else


def test_bad_rule_file_and_missing_transcript_exit_2_with_a_line(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("concepts:\n  x: ['(']\nrules: []\n", encoding="utf-8")
    res = run(["qa", "check", "--transcript", str(HELD["d01_wealth_disclosed"]), "--rules", str(bad)])
    assert res.returncode == 2 and "line 2" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    missing = run(["qa", "check", "--transcript", str(tmp_path / "none.jsonl")])
    assert missing.returncode == 2 and "none.jsonl" in missing.stderr


def test_run_checks_the_stored_calls_once(engine, settings_env):
    from tests.quality.builders import T0, add_calls

    add_calls(engine, ["d02_fund_promise_no_disclosure", "d01_wealth_disclosed"])
    env = settings_env

    def qa_run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "xinsheng", "qa", "run", "--json", *extra], env=env,
                              capture_output=True, text=True, timeout=300)

    later = qa_run("--since", (T0.replace(hour=9, minute=30)).isoformat())  # d01 starts an hour after d02
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["checked"] == 1
    rest = json.loads(qa_run().stdout)
    assert (rest["checked"], rest["failed_mandatory"]) == (1, 1)  # d02: the risk disclosure is missing
    assert json.loads(qa_run().stdout)["checked"] == 0
    bad = qa_run("--since", "yesterday")
    assert bad.returncode == 2 and "--since" in bad.stderr
