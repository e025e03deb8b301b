"""The supervisor's editor of the cases data files: checked before stored, broken files
refused with their line, the stored copy in force, every save audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from xinsheng.audit.models import AuditEntry
from xinsheng.cases import config_editor as editor
from xinsheng.cases.configfiles import ConfigFileError
from xinsheng.cases.models import CaseConfig
from xinsheng.db import session_scope

AUTHORITY = """version: 1
levels:
  - level: 1
    label: 一线
    compensation_limit_cny: 500
  - level: 2
    label: 投诉中心
    compensation_limit_cny: unlimited
"""
# line 6 says level 2 may grant less than level 1
BROKEN = AUTHORITY.replace("compensation_limit_cny: unlimited", "compensation_limit_cny: 100")


def test_a_valid_file_is_stored_and_then_in_force(engine):
    with session_scope(engine) as s:
        assert editor.current(s, "authority").origin == "shipped"
        assert editor.active(s, "authority").level(1).compensation_limit_cny == 200  # shipped L1
        editor.do_save_config(s, "authority", AUTHORITY, actor="sup1")
    with session_scope(engine) as s:
        cur = editor.current(s, "authority")
        assert (cur.origin, cur.text, cur.updated_by) == ("edited", AUTHORITY, "sup1")
        matrix = editor.active(s, "authority")
        assert matrix.top == 2 and matrix.level(1).compensation_limit_cny == 500


def test_a_broken_file_is_refused_with_its_line_and_nothing_is_written(engine):
    with session_scope(engine) as s:
        with pytest.raises(ConfigFileError) as err:
            editor.do_save_config(s, "authority", BROKEN, actor="sup1")
        assert err.value.line == 6 and "level 2 may grant less" in err.value.problem
        with pytest.raises(ConfigFileError) as err:
            editor.do_save_config(s, "calendar", "version: 1\nholidays:\n  - 2025-13-01\n", actor="sup1")
        assert err.value.line == 3
    with session_scope(engine) as s:
        assert s.scalars(select(CaseConfig)).all() == []


def test_every_file_the_editor_offers_loads_as_shipped(engine):
    assert {"calendar", "policies", "authority", "rules"} <= set(editor.available())
    with session_scope(engine) as s:
        for name in editor.available():
            editor.validate(name, editor.current(s, name).text)  # the shipped text is valid


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_settings_page_saves_refuses_and_audits(client_as, engine, lang):
    sup = client_as("supervisor")
    page = sup.get(f"/cases/settings?name=authority&lang={lang}")
    assert page.status_code == 200 and "compensation_limit_cny" in page.text
    bad = sup.post("/cases/settings/authority", data={"content": BROKEN})
    assert bad.status_code == 422
    assert ("第 6 行" if lang == "zh" else "Line 6") in bad.text
    assert "compensation_limit_cny: 100" in bad.text  # what was typed is kept
    ok = sup.post("/cases/settings/authority", data={"content": AUTHORITY}, follow_redirects=False)
    assert ok.status_code == 303
    with engine.connect() as conn:
        entries = conn.execute(select(AuditEntry.action, AuditEntry.target_ref)
                               .where(AuditEntry.action == "cases.config.update")).all()
    assert entries == [("cases.config.update", "authority")]
    assert client_as("agent", agent_ref="A-1").get("/cases/settings").status_code == 403
