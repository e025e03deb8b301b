"""The README's ingest commands run as written on the sample files in examples/, and print
what the files hold: the counts are taken from the files here (csv and json modules),
not from the ingest code."""
from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"
# the problem each bad line of interactions-with-errors.ndjson was written with
BAD_LINES = {1: "started_at", 2: "channel", 3: "ended_at", 4: "external_id", 5: "JSON"}


def readme_ingest_commands() -> list[str]:
    commands = re.findall(r"^\s*(\.venv/bin/xinsheng ingest examples/\S+.*)$", README, flags=re.M)
    assert len(commands) == 3, commands
    return commands


def _records(name: str) -> list[str]:
    return [line for line in (EXAMPLES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def run(tmp_path, builtin_models):
    """Runs a README command in a fresh folder with the examples, in demo mode (the key is
    generated as the README says) on a new SQLite database."""
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    for entry in builtin_models.iterdir():
        (home / "models" / entry.name).symlink_to(entry)
    (tmp_path / "examples").symlink_to(EXAMPLES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINSHENG_")}
    env.update(XINSHENG_MODE="demo", XINSHENG_HOME=str(home),
               XINSHENG_DATABASE_URL=f"sqlite:///{tmp_path / 'readme.db'}")
    xinsheng = str(Path(sys.executable).parent / "xinsheng")

    def go(command: str) -> dict:
        argv = shlex.split(command)
        assert argv[0] == ".venv/bin/xinsheng"
        done = subprocess.run([xinsheng, *argv[1:]], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    go.folder = tmp_path
    return go


def test_the_readme_ingest_commands_load_the_example_files(run):
    customers_cmd, interactions_cmd, errors_cmd = readme_ingest_commands()
    with (EXAMPLES / "customers.csv").open(encoding="utf-8", newline="") as f:
        customers = list(csv.DictReader(f))
    interactions = [json.loads(line) for line in _records("interactions.ndjson")]
    assert len({c["customer_ref"] for c in customers}) == len(customers) == 6
    assert len({i["external_id"] for i in interactions}) == len(interactions) == 12

    assert run(customers_cmd) == {"accepted": len(customers), "duplicates": 0, "rejected": 0, "errors": []}
    assert run(interactions_cmd) == {"accepted": len(interactions), "duplicates": 0, "rejected": 0,
                                     "errors": []}
    again = run(interactions_cmd)
    assert again["accepted"] == 0 and again["duplicates"] == len(interactions)

    lines = _records("interactions-with-errors.ndjson")
    good = [n for n, line in enumerate(lines, 1) if '"external_id": "ex-good-' in line]
    report = run(errors_cmd)
    assert report["accepted"] == len(good) == 1
    assert report["rejected"] == len(lines) - len(good) == len(BAD_LINES)
    assert {e["line"]: e["error"] for e in report["errors"]}.keys() == BAD_LINES.keys()
    for e in report["errors"]:
        assert BAD_LINES[e["line"]] in e["error"], e
    rejects = (run.folder / "rejects.ndjson").read_text(encoding="utf-8").splitlines()
    assert rejects == [lines[n - 1] for n in sorted(BAD_LINES)]


def test_the_readme_states_the_counts_the_files_give():
    assert f'"accepted": {len(_records("customers.csv")) - 1}' in README
    assert f'"accepted": {len(_records("interactions.ndjson"))}' in README
    assert "docs/contract.md" in README and (ROOT / "docs" / "contract.md").is_file()
    assert "CONTRACT.md" not in README, "the README must not send users outside the repository"
