"""The Parquet lake is appended to, never re-exported: a refresh copies only newer rows."""
from __future__ import annotations

import duckdb

from tests.journeys.logs import UTC, write_log
from xinsheng.analytics.lake import lake_dir, refresh
from datetime import datetime

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_refresh_copies_only_new_rows(engine, tmp_path):
    write_log(engine, [("a", "app:x", T), ("a", "app:y", T)])
    assert refresh(engine, tmp_path)["copied"] == 2
    assert refresh(engine, tmp_path)["copied"] == 0
    parts_before = sorted(p.name for p in lake_dir(tmp_path).glob("part-*.parquet"))
    with engine.begin() as conn:  # a third contact arrives
        from sqlalchemy import insert, select

        from xinsheng.customers.models import Customer
        from xinsheng.interactions.models import Interaction

        cid = conn.execute(select(Customer.id)).scalar_one()
        conn.execute(insert(Interaction).values(source="test", external_id="late", customer_id=cid, channel="phone",
                                                event="call", started_at=T, attributes={"topic": "x"}, pii=[]))
    state = refresh(engine, tmp_path)
    assert state["copied"] == 1 and state["new_parts"] == 1
    assert set(parts_before) <= {p.name for p in lake_dir(tmp_path).glob("part-*.parquet")}  # old part untouched
    rows = duckdb.sql(f"SELECT channel, event, topic, t FROM read_parquet('{lake_dir(tmp_path)}/part-*.parquet') "
                      "ORDER BY id").fetchall()
    assert rows == [("app", "x", None, 1772366400000), ("app", "y", None, 1772366400000),
                    ("phone", "call", "x", 1772366400000)]
    assert refresh(engine, tmp_path, rebuild=True)["copied"] == 3


def _lake_ids(home) -> list[int]:
    return [r[0] for r in duckdb.sql(f"SELECT id FROM read_parquet('{lake_dir(home)}/part-*.parquet') ORDER BY id")
            .fetchall()]


def test_after_retention_the_lake_keeps_nothing_the_database_lost(engine, tmp_path, monkeypatch):
    from datetime import timedelta

    from sqlalchemy import delete, select, update

    from xinsheng.config import get_settings
    from xinsheng.interactions.models import Interaction
    from xinsheng.retention.service import run_retention

    monkeypatch.setenv("XINSHENG_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        write_log(engine, [("a", "app:x", T), ("a", "app:y", T), ("b", "phone:call", T)])
        with engine.begin() as conn:
            ids = sorted(conn.scalars(select(Interaction.id)))
            conn.execute(update(Interaction).where(Interaction.id == ids[2]).values(text="我的卡被冻结了"))
        assert refresh(engine, tmp_path)["copied"] == 3 and _lake_ids(tmp_path) == ids
        with engine.begin() as conn:  # a contact erased in the database after it was copied
            conn.execute(delete(Interaction).where(Interaction.id == ids[0]))
        run_retention(engine, apply=False, now=T + timedelta(days=365 * 30))  # a dry run changes nothing
        assert refresh(engine, tmp_path)["rebuilt"] is False and _lake_ids(tmp_path) == ids
        report = run_retention(engine, apply=True, now=T + timedelta(days=365 * 30))
        assert next(r for r in report["rules"] if r["rule"] == "interaction_texts")["applied"] == 1
        state = refresh(engine, tmp_path)
        assert state["rebuilt"] is True and _lake_ids(tmp_path) == ids[1:]
        assert refresh(engine, tmp_path)["rebuilt"] is False  # once
    finally:
        get_settings.cache_clear()
