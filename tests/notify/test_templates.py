"""The bank's own templates file: used when valid, refused with file, line and problem when not;
the migrated table matches the model."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.notify.conftest import enqueue
from xinsheng.notify.templates import SHIPPED, TemplateError, load_templates

GOOD = yaml.safe_load(SHIPPED.read_text("utf-8"))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "templates.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_banks_templates_replace_the_shipped_ones(engine, notify_env, make_customer, tmp_path):
    mine = {**GOOD, "purposes": {**GOOD["purposes"], "case_accepted": {
        "over_limit": "postpone", "zh": "已受理：{case_ref}", "en": "Received: {case_ref}"}}}
    notify_env(XINSHENG_NOTIFY_TEMPLATES=str(_write(tmp_path, yaml.safe_dump(mine, allow_unicode=True))))
    n = enqueue(engine, make_customer("C-1"), "case:K9:accepted", context={"case_ref": "K9"})
    assert n.body == "已受理：K9"


@pytest.mark.parametrize("text, problem", [
    ("purposes: [\n  a: b\n", "not valid YAML at line"),
    ("labels: {}\n", "needs a mapping under 'purposes'"),
    ("purposes:\n  case_accepted: {over_limit: postpone, zh: x}\n", "case_accepted: needs a 'en' text"),
    ("purposes:\n  case_accepted: {over_limit: drop, zh: x, en: y}\n", "'over_limit' must be one of"),
    ("purposes:\n  case_accepted: {over_limit: cancel, zh: '{case_ref', en: y}\n", "case_accepted (zh)"),
    ("purposes:\n  case_accepted: {over_limit: cancel, zh: '{a.b}', en: y}\n", "must be a plain name"),
    ("purposes:\n  case_accepted: {over_limit: cancel, zh: x, en: y}\n", "purposes missing: case_escalated"),
])
def test_a_broken_templates_file_is_refused_with_the_problem(tmp_path, text, problem):
    path = _write(tmp_path, text)
    with pytest.raises(TemplateError) as exc:
        load_templates(path)
    assert str(path) in exc.value.message and problem in exc.value.message


def test_a_missing_templates_file_names_it(tmp_path):
    with pytest.raises(TemplateError, match="cannot read"):
        load_templates(tmp_path / "nope.yaml")


def test_migration_matches_the_model(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import xinsheng.models  # noqa: F401
    from xinsheng.db import Base

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = [d for d in diffs if "notifications" in repr(d)]
    assert mine == []
