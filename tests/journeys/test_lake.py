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
