"""``xinsheng ingest FILE --kind survey-responses`` and ``xinsheng surveys invite|metrics``
as an operator runs them."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.cases.builders import add_contact, add_customer
from tests.surveys.builders import rows
from xinsheng.cases.models import Case
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse


def xs(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", *args], env=env, capture_output=True, text=True,
                          timeout=300)


CSV = """survey,score,comment,customer_ref,channel,answered_at,interaction_external_id,invitation
nps,10,,C-WANG,phone,2026-10-05T10:00:00+08:00,call-1,
csat,5,,C-WANG,app,2026-10-05T11:00:00+08:00,,
nps,11,,C-WANG,phone,2026-10-05T12:00:00+08:00,,
stars,3,,C-WANG,phone,2026-10-05T12:00:00+08:00,,
ces,6,,C-NOBODY,app,2026-10-05T12:00:00+08:00,,
ces,6,,C-WANG,app,2026-10-05T13:00:00+08:00,,
csat,4,,,ivr,2026-10-05T14:00:00+08:00,,
"""


def test_a_file_with_bad_rows(engine, settings_env, tmp_path):
    add_customer(engine)
    add_contact(engine, "call-1", customer_ref="C-WANG")
    src, rejects = tmp_path / "answers.csv", tmp_path / "rejects.csv"
    src.write_text(CSV, encoding="utf-8")
    res = xs(["ingest", str(src), "--kind", "survey-responses", "--rejects", str(rejects), "--json"], settings_env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report["accepted"], report["duplicates"], report["rejected"]) == (4, 0, 3)
    assert [(e["line"], e["error"].split(":")[0]) for e in report["errors"]] == [
        (4, "score"), (5, "survey"), (6, "customer_ref")]
    lines = CSV.splitlines()
    assert rejects.read_text(encoding="utf-8").splitlines() == [lines[0], lines[3], lines[4], lines[5]]
    assert sorted((r.metric, r.score, r.via) for r in rows(engine, SurveyResponse)) == [
        ("ces", 6, "file"), ("csat", 4, "file"), ("csat", 5, "file"), ("nps", 10, "file")]
    assert len(rows(engine, Case)) == 1  # the CES 6 of C-WANG
    again = json.loads(xs(["ingest", str(src), "--kind", "survey-responses", "--json"], settings_env).stdout)
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 4, 3)


def test_an_unknown_kind_names_the_kinds(engine, settings_env, tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("a\n1\n", encoding="utf-8")
    res = xs(["ingest", str(src), "--kind", "surveys"], settings_env)
    assert res.returncode == 2 and "survey-responses" in res.stderr


def test_invite_and_metrics_from_the_command_line(engine, settings_env):
    add_customer(engine)
    for i in range(5):
        add_contact(engine, f"call-{i}", customer_ref="C-WANG")
    res = xs(["surveys", "invite", "--now", "2099-01-01T12:00:00+08:00", "--json"], settings_env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"invited": 0, "decisions": {}}  # nothing within 48 hours of 2099
    metrics = xs(["surveys", "metrics", "--json"], settings_env)
    assert json.loads(metrics.stdout)["nps"] == {"value": None, "n": 0, "ci95": None, "hidden": True,
                                                 "reason": "fewer than 30 answers (n=0)"}
    assert rows(engine, SurveyInvitation) == []
