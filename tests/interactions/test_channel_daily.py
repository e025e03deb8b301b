"""The home page's daily contacts per channel (channel_daily) always equal a brute-force
count over the stored contacts: after ingest, a re-ingest of the same file, duplicates
inside one batch, a failed batch, retention, removed contacts and the migration; the chart
reads the last 90 days of them."""
from __future__ import annotations

import importlib
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from tests.factories import T0, interaction
from tests.insights.counts import contacts, write_ndjson
from xinsheng.db import session_scope
from xinsheng.ingest.files import ingest_file
from xinsheng.ingest.prepare import prepare_batch
from xinsheng.ingest.readers import records_from_list
from xinsheng.ingest.service import write_batch
from xinsheng.interactions.actions import bulk_insert_interactions
from xinsheng.interactions.daily import recount_channel_days
from xinsheng.interactions.models import ChannelDaily, Interaction
from xinsheng.interactions.service import daily_channel_volume, total_interactions
from xinsheng.retention.service import run_retention

BEIJING = ZoneInfo("Asia/Shanghai")  # the default display time zone


def brute_force(engine) -> dict:
    """Every stored contact, counted one by one per (Beijing day, channel)."""
    with session_scope(engine) as s:
        rows = s.execute(select(Interaction.started_at, Interaction.channel)).all()
    return dict(Counter((at.astimezone(BEIJING).date(), channel) for at, channel in rows))


def stored(engine) -> dict:
    with session_scope(engine) as s:
        return {(r.day, r.channel): r.contacts for r in s.scalars(select(ChannelDaily))}


def assert_counts_match(engine) -> dict:
    have = stored(engine)
    assert have == brute_force(engine)
    return have


@pytest.fixture
def ingested(engine, tmp_path):
    src = tmp_path / "contacts.ndjson"
    write_ndjson(src, contacts(240))  # every 37 minutes over 10 days, 4 channels
    report = ingest_file(src, "interactions", engine, batch_size=17)
    assert (report.accepted, report.rejected) == (240, 0)
    return src


def test_ingest_then_reingest_counts_each_contact_once(engine, ingested, tmp_path):
    counts = assert_counts_match(engine)
    assert sum(counts.values()) == 240, "contacts without text are contacts too"
    with session_scope(engine) as s:
        assert total_interactions(s) == 240
    assert {channel for _, channel in counts} == {"app", "phone", "wechat", "email"}

    again = ingest_file(ingested, "interactions", engine, batch_size=17)
    assert (again.accepted, again.duplicates) == (0, 240)
    assert assert_counts_match(engine) == counts

    half = tmp_path / "half.ndjson"  # 120 stored already, 120 new
    write_ndjson(half, contacts(240, first=120))
    more = ingest_file(half, "interactions", engine, batch_size=50)
    assert (more.accepted, more.duplicates) == (120, 120)
    assert sum(assert_counts_match(engine).values()) == 360
    with session_scope(engine) as s:
        assert total_interactions(s) == 360


def test_a_contact_twice_in_one_batch_is_counted_as_stored(engine):
    first = interaction(1, customer_ref=None, channel="phone", external_id="same")
    second = interaction(2, customer_ref=None, channel="wechat", external_id="same",
                         start=T0 + timedelta(days=3))
    assert write_batch(engine, "interactions", _prepared([first, second])) == (1, 1)
    assert assert_counts_match(engine) == {(T0.date(), "phone"): 1}


def test_a_failed_batch_leaves_the_counts_as_they_were(engine, ingested):
    before = stored(engine)
    rows = [dict(r, ingested_at=T0, customer_id=None) for r in _prepared(contacts(30, first=1000))]
    for row in rows:
        del row["_customer_ref"]
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        assert len(bulk_insert_interactions(s, rows)) == 30
        raise RuntimeError("the writer died before the commit")
    assert assert_counts_match(engine) == before


def test_retention_keeps_contacts_counted(engine, ingested, settings_env):
    counts = stored(engine)
    report = run_retention(engine, apply=True, now=T0 + timedelta(days=365 * 30))
    texts = next(r for r in report["rules"] if r["rule"] == "interaction_texts")
    assert texts["applied"] == 240 - 240 // 7, "every text was old enough to go"
    with session_scope(engine) as s:
        assert s.scalar(select(Interaction.id).where(Interaction.text.is_not(None))) is None
    assert assert_counts_match(engine) == counts, "channel and time stay for statistics"


def test_removed_contacts_are_taken_back_by_a_recount_of_their_days(engine, ingested):
    with session_scope(engine) as s:
        gone = s.execute(delete(Interaction).where(Interaction.channel == "app", Interaction.id % 3 == 0)
                         .returning(Interaction.started_at)).scalars().all()
    assert gone
    days = {at.astimezone(BEIJING).date() for at in gone}
    with session_scope(engine) as s:
        recount_channel_days(s, days)
    assert sum(assert_counts_match(engine).values()) == 240 - len(gone)


def test_the_migration_backfills_the_counts_of_stored_contacts(engine, ingested, monkeypatch):
    counts = stored(engine)
    migration = importlib.import_module("xinsheng.migrations.versions.0012_channel_daily")
    monkeypatch.setattr(migration, "PAGE", 50)  # several pages
    with engine.begin() as conn:
        conn.execute(delete(ChannelDaily))
        migration.backfill(conn, ChannelDaily.__table__)
    assert assert_counts_match(engine) == counts


def test_the_chart_reads_the_90_days_up_to_the_newest(engine):
    """One contact a day for 100 days at 07:30 Beijing time (23:30 UTC the day before):
    the chart shows the last 90 Beijing days, one contact each, oldest first."""
    first = datetime(2026, 6, 1, 7, 30, tzinfo=BEIJING)
    records = [interaction(0, customer_ref=None, channel="sms", start=first + timedelta(days=d),
                           external_id=f"day{d}", text=None) for d in range(100)]
    assert write_batch(engine, "interactions", _prepared(records)) == (100, 0)
    with session_scope(engine) as s:
        volume = daily_channel_volume(s)
        week = daily_channel_volume(s, days=7)
    newest = date(2026, 6, 1) + timedelta(days=99)  # 2026-09-08
    assert volume[0] == ((newest - timedelta(days=89)).isoformat(), "sms", 1)
    assert volume[-1] == (newest.isoformat(), "sms", 1)
    assert len(volume) == 90 and {n for *_, n in volume} == {1}
    assert [d for d, _, _ in week] == [(newest - timedelta(days=k)).isoformat() for k in range(6, -1, -1)]


def _prepared(records: list[dict]) -> list[dict]:
    """Rows as ingest stores them (validated, masked; not analysed)."""
    rows, rejects = prepare_batch("interactions", list(records_from_list(records)), False)
    assert rejects == []
    return rows


def test_no_contacts_no_chart(engine):
    with session_scope(engine) as s:
        assert daily_channel_volume(s) == []
