"""The daily topic counts (topic_daily) always equal a recount from the stored analyses:
after ingest, a re-ingest of the same file, reanalysis, a failed batch and the migration."""
from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from sqlalchemy import delete, select

from tests.insights.counts import assert_counts_match, contacts, stored, write_ndjson
from xinsheng.config import get_settings
from xinsheng.db import session_scope, utcnow
from xinsheng.ingest.files import ingest_file
from xinsheng.interactions.analysis import reanalyze, store_analysis_rows
from xinsheng.interactions.models import InteractionAnalysis, TopicDaily


@pytest.fixture
def ingested(engine, tmp_path):
    src = tmp_path / "contacts.ndjson"
    write_ndjson(src, contacts(240))
    report = ingest_file(src, "interactions", engine, batch_size=17)
    assert (report.accepted, report.rejected) == (240, 0)
    return src


def test_ingest_then_reingest_of_the_same_file_counts_each_text_once(engine, ingested):
    counts = assert_counts_match(engine)
    everything = [row for key, row in counts.items() if key[1] == "*"]
    assert sum(row[0] for row in everything) == 240 - 240 // 7, "one count per analysed text"
    assert {key[1] for key in counts} >= {"mobile_banking.login_failure", "fees.unexpected_fee"}

    again = ingest_file(ingested, "interactions", engine, batch_size=17)

    assert (again.accepted, again.duplicates) == (0, 240)
    assert assert_counts_match(engine) == counts


def _older_model_rows(engine) -> list[dict]:
    """Every analysis, as an older model might have had it: other topics and sentiment."""
    with session_scope(engine) as s:
        ids = s.scalars(select(InteractionAnalysis.interaction_id)).all()
    return [{"interaction_id": i, "lang": "zh", "sentiment_label": "positive" if i % 2 else "negative",
             "sentiment_score": 0.5 if i % 2 else -0.25, "emotions": {}, "flags": [], "keywords": [],
             "topics": [{"code": "legacy.topic", "label": "旧主题"}] if i % 3 else [],
             "model_version": "old", "analyzed_at": utcnow()} for i in ids]


def test_reanalysis_takes_back_the_old_analysis_before_adding_the_new(engine, ingested, settings_env):
    fresh = stored(engine)
    with session_scope(engine) as s:
        store_analysis_rows(s, _older_model_rows(engine))
    older = assert_counts_match(engine)
    assert any(key[1] == "legacy.topic" for key in older)
    assert sum(r[0] for k, r in older.items() if k[1] == "*") == sum(r[0] for k, r in fresh.items() if k[1] == "*")

    run = subprocess.run([sys.executable, "-m", "xinsheng", "voc", "reanalyze", "--all", "--json"],
                         env=settings_env, capture_output=True, text=True)

    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["analysed"] == 240 - 240 // 7
    assert assert_counts_match(engine).keys() == fresh.keys(), "the older model's topics are gone"
    assert all(r[:3] == fresh[k][:3] for k, r in stored(engine).items())


def test_texts_loaded_without_analysis_are_counted_when_analysed_later(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("XINSHENG_ANALYZE_ON_INGEST", "false")
    get_settings.cache_clear()
    try:
        src = tmp_path / "contacts.ndjson"
        write_ndjson(src, contacts(60))
        ingest_file(src, "interactions", engine, batch_size=25)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert stored(engine) == {}

    assert reanalyze(engine, batch=16) == 60 - 60 // 7
    counts = assert_counts_match(engine)
    assert reanalyze(engine) == 0, "nothing left to analyse"
    assert stored(engine) == counts


def test_a_failed_batch_leaves_the_counts_as_they_were(engine, ingested):
    before = stored(engine)
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        store_analysis_rows(s, _older_model_rows(engine))
        raise RuntimeError("the writer died before the commit")
    assert stored(engine) == before
    assert_counts_match(engine)


def test_the_migration_backfills_the_counts_of_stored_analyses(engine, ingested, monkeypatch):
    counts = stored(engine)
    migration = importlib.import_module("xinsheng.migrations.versions.0004_topic_daily")
    monkeypatch.setattr(migration, "PAGE", 50)  # several pages
    with engine.begin() as conn:
        conn.execute(delete(TopicDaily))
        migration.backfill(conn, TopicDaily.__table__)
    assert assert_counts_match(engine).keys() == counts.keys()
