"""``xinsheng cases open|show|list`` as an operator runs them: --json on stdout, exit 2
with one line for bad input, the audit entry of the opening."""
from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select

from tests.cases.builders import add_customer
from xinsheng.audit.models import AuditEntry
from xinsheng.db import session_scope


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", "cases", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_open_show_and_list_from_the_command_line(engine, settings_env):
    add_customer(engine)
    opened = run(["open", "--customer", "C-WANG", "--title", "网点排队太久", "--channel", "branch",
                  "--topic", "service.branch", "--accepted-at", "2025-09-30T10:00:00+08:00", "--json"], settings_env)
    assert opened.returncode == 0, opened.stderr
    case = json.loads(opened.stdout)
    assert case["due_at"].startswith("2025-10-15T02:00:00") and case["topic"] == "service.branch"
    shown = run(["show", case["case_ref"], "--json"], settings_env)
    assert json.loads(shown.stdout)["events"][0]["action"] == "open"
    listed = run(["list", "--status", "any", "--json"], settings_env)
    assert [c["case_ref"] for c in json.loads(listed.stdout)["items"]] == [case["case_ref"]]
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "case.open")).one()
    assert entry.actor.startswith("cli:") and entry.target_ref == case["case_ref"]


def test_bad_input_exits_2_with_one_line(engine, settings_env):
    add_customer(engine)
    unknown = run(["open", "--customer", "NOBODY", "--title", "t", "--channel", "phone"], settings_env)
    assert unknown.returncode == 2 and "NOBODY" in unknown.stderr
    bad = run(["open", "--customer", "C-WANG", "--title", "t", "--channel", "fax"], settings_env)
    assert bad.returncode == 2 and "channel" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    missing = run(["show", "CS20990101999999"], settings_env)
    assert missing.returncode == 2 and "no case" in missing.stderr
