"""The contacts relation of the experience KPIs: one row per inbound contact on a service
channel, with what the KPIs need beyond the events lake (end time, wait, VOC sentiment,
complaint flag).

* DuckDB: a second incremental Parquet lake, ``XINSHENG_HOME/lake/contacts/``, copied the
  way :mod:`xinsheng.analytics.lake` copies the events (parts named by first and last
  interaction id, only ids above the watermark, batches, merged above 64 parts). The VOC
  analysis is copied with the contact (ingest stores it in the same transaction); a text
  re-analysed later keeps its old sentiment here until ``refresh --rebuild``; a lake marked
  stale (a ``.stale`` file, after retention or an erasure) is copied again at the next refresh.
* PostgreSQL: :func:`contacts_source_pg`, the same columns straight from the tables.

Columns: ``id, customer_id, channel, event, t, end_t`` (ms since the epoch, UTC; ``end_t``
null when the source gave no end), ``outcome, topic, wait_s`` (the ``wait_seconds``
attribute when numeric), ``analysed`` (1 when the contact has a VOC analysis),
``sentiment`` (its score in [−1, 1]), ``negative`` (1 when labelled negative),
``complaint`` (1 when flagged ``complaint``), ``birth_year, segment``.
"""
from __future__ import annotations

import csv
import os
import tempfile
from datetime import timezone
from pathlib import Path

from sqlalchemy import Engine, and_, func, select

from xinsheng.analytics.lake import _locked, _parts  # one part naming and one lock for both lakes

__all__ = ["SERVICE_CHANNELS", "contacts_dir", "refresh_contacts", "contacts_relation", "contacts_source_pg",
           "run_sql"]

#: the assisted channels whose inbound contacts the KPIs count (IVR, app, web, SMS are
#: self-service touchpoints: they are journey events, not contacts)
SERVICE_CHANNELS = ("phone", "chat", "wechat", "email", "branch", "social")
COMPACT_AT = 64
BATCH = 50_000
_COLS = (("id", "BIGINT"), ("customer_id", "BIGINT"), ("channel", "VARCHAR"), ("event", "VARCHAR"), ("t", "BIGINT"),
         ("end_t", "BIGINT"), ("outcome", "VARCHAR"), ("topic", "VARCHAR"), ("wait_s", "DOUBLE"),
         ("analysed", "INTEGER"), ("sentiment", "DOUBLE"), ("negative", "INTEGER"), ("complaint", "INTEGER"),
         ("birth_year", "INTEGER"), ("segment", "VARCHAR"))
_TYPES = "{" + ", ".join(f"'{n}': '{t}'" for n, t in _COLS) + "}"
_EMPTY = "(SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {n}" for n, t in _COLS) + " WHERE 1 = 0)"


def contacts_dir(home: Path) -> Path:
    return Path(home) / "lake" / "contacts"


def contacts_relation(lake: Path) -> str:
    """The DuckDB relation over the contact parts (empty and typed when there is none)."""
    if not _parts(lake):
        return _EMPTY
    return f"read_parquet({str(lake / 'part-*.parquet')!r})"


def _rows(db: Engine, after: int, upto: int, limit: int) -> list[tuple]:
    """The next inbound service contacts with ``after < id <= upto`` (filtered in the database:
    app, web, IVR and SMS events never travel)."""
    from xinsheng.customers.models import Customer
    from xinsheng.interactions.models import Interaction, InteractionAnalysis

    a, i = InteractionAnalysis, Interaction
    stmt = (select(i.id, i.customer_id, i.channel, i.event, i.started_at, i.ended_at, i.outcome, i.attributes,
                   a.interaction_id, a.sentiment_score, a.sentiment_label, a.flags, Customer.birth_year,
                   Customer.segment, i.direction)
            .outerjoin(Customer, Customer.id == i.customer_id)
            .outerjoin(a, a.interaction_id == i.id)
            .where(and_(i.id > after, i.id <= upto, i.channel.in_(SERVICE_CHANNELS),
                        func.coalesce(i.direction, "inbound") == "inbound"))
            .order_by(i.id).limit(limit))
    with db.connect() as conn:
        return list(conn.execute(stmt))


def _top(db: Engine) -> int:
    from xinsheng.interactions.models import Interaction

    with db.connect() as conn:
        return int(conn.execute(select(func.max(Interaction.id))).scalar() or 0)


def _ms(at) -> int | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return int(at.timestamp() * 1000)


def _row(r) -> tuple | None:
    (iid, cid, channel, event, started, ended, outcome, attrs, aid, score, label, flags, birth, segment, direction) = r
    if channel not in SERVICE_CHANNELS or (direction or "inbound") != "inbound":
        return None
    attrs = attrs if isinstance(attrs, dict) else {}
    wait = attrs.get("wait_seconds")
    wait = float(wait) if isinstance(wait, (int, float)) and not isinstance(wait, bool) else None
    return (iid, cid, channel, event, _ms(started), _ms(ended), outcome, attrs.get("topic"), wait,
            1 if aid is not None else 0, score, 1 if label == "negative" else 0,
            1 if isinstance(flags, list) and "complaint" in flags else 0, birth, segment)


def _write_part(lake: Path, rows: list[tuple], first: int, last: int) -> None:
    import duckdb

    fd, tmp_csv = tempfile.mkstemp(suffix=".csv", dir=lake)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    final = lake / f"part-{first:012d}-{last:012d}.parquet"
    tmp = final.with_suffix(".tmp")
    con = duckdb.connect()
    try:
        source = (f"read_csv({tmp_csv!r}, header = false, columns = {_TYPES})" if rows else _EMPTY)
        con.execute(f"COPY (SELECT * FROM {source} ORDER BY customer_id, t) TO {str(tmp)!r} (FORMAT parquet)")
    finally:
        con.close()
        os.unlink(tmp_csv)
    os.replace(tmp, final)


def _compact(lake: Path) -> None:
    import duckdb

    parts = _parts(lake)
    if len(parts) <= COMPACT_AT:
        return
    final = lake / f"part-{parts[0][0]:012d}-{parts[-1][1]:012d}.parquet"
    tmp = final.with_suffix(".tmp")
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * FROM read_parquet({[str(p) for _, _, p in parts]!r}) ORDER BY customer_id, t) "
                    f"TO {str(tmp)!r} (FORMAT parquet)")
    finally:
        con.close()
    for _, _, path in parts:
        path.unlink()
    os.replace(tmp, final)


def refresh_contacts(db: Engine, home: Path, *, rebuild: bool = False) -> dict:
    """Append the contacts newer than the watermark. Each part is named by the ids it
    scanned (to the highest id at the start), so ids without a contact are not scanned again."""
    lake = contacts_dir(home)
    copied = 0
    with _locked(lake):
        stale = lake / ".stale"  # analytics.lake.mark_stale marks every lake after retention or erasure
        if stale.exists():  # removed before copying: a mark made meanwhile is kept for the next refresh
            stale.unlink()
            rebuild = True
        if rebuild:
            for _, _, path in _parts(lake):
                path.unlink()
        after = max((last for _, last, _ in _parts(lake)), default=0)
        top = _top(db)  # the highest id now: a part covers the ids it scanned, contacts or not
        while after < top:
            raw = _rows(db, after, top, BATCH)
            upto = raw[-1][0] if len(raw) == BATCH else top
            rows = [r for r in map(_row, raw) if r is not None]
            _write_part(lake, rows, after + 1, upto)
            copied += len(rows)
            after = upto
        _compact(lake)
    return {"copied": copied, "parts": len(_parts(lake))}


def contacts_source_pg(t_from_ms: int, t_to_ms: int) -> str:
    """PostgreSQL: the contacts relation straight from the tables, cut to ``[t_from, t_to)``."""
    chans = ", ".join(f"'{c}'" for c in SERVICE_CHANNELS)
    return (
        "(SELECT i.id AS id, i.customer_id AS customer_id, i.channel AS channel, i.event AS event, "
        "CAST(FLOOR(EXTRACT(EPOCH FROM i.started_at) * 1000) AS BIGINT) AS t, "
        "CAST(FLOOR(EXTRACT(EPOCH FROM i.ended_at) * 1000) AS BIGINT) AS end_t, i.outcome AS outcome, "
        "CAST(i.attributes AS JSONB) ->> 'topic' AS topic, "
        "CASE WHEN JSONB_TYPEOF(CAST(i.attributes AS JSONB) -> 'wait_seconds') = 'number' "
        "THEN CAST(CAST(i.attributes AS JSONB) ->> 'wait_seconds' AS DOUBLE PRECISION) END AS wait_s, "
        "CASE WHEN a.interaction_id IS NULL THEN 0 ELSE 1 END AS analysed, a.sentiment_score AS sentiment, "
        "CASE WHEN a.sentiment_label = 'negative' THEN 1 ELSE 0 END AS negative, "
        "CASE WHEN CAST(a.flags AS JSONB) @> '[\"complaint\"]' THEN 1 ELSE 0 END AS complaint, "
        "c.birth_year AS birth_year, c.segment AS segment "
        "FROM interactions AS i LEFT JOIN customers AS c ON c.id = i.customer_id "
        "LEFT JOIN interaction_analysis AS a ON a.interaction_id = i.id "
        f"WHERE i.channel IN ({chans}) AND COALESCE(i.direction, 'inbound') = 'inbound' "
        f"AND i.started_at >= TO_TIMESTAMP({int(t_from_ms)} / 1000.0) "
        f"AND i.started_at < TO_TIMESTAMP({int(t_to_ms)} / 1000.0))")


def run_sql(eng, sql: str, t_from_ms: int, t_to_ms: int) -> list[tuple]:
    """Run DuckDB-dialect ``sql`` that names ``__CONTACTS__`` (and maybe ``__EVENTS__``) on
    ``eng`` (an :class:`~xinsheng.analytics.engine.AnalyticEngine`); PostgreSQL gets the
    relations cut to ``[t_from, t_to)``, DuckDB reads the lakes."""
    if eng.kind == "duckdb":
        import duckdb

        from xinsheng.analytics.lake import parquet_relation

        sql = sql.replace("__CONTACTS__", contacts_relation(eng.lake.parent / "contacts"))
        sql = sql.replace("__EVENTS__", parquet_relation(eng.lake))
        con = duckdb.connect()
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()
    from xinsheng.analytics.engine import events_source_pg, to_dialect

    pg = to_dialect(sql.replace("__CONTACTS__", "__pg_contacts__").replace("__EVENTS__", "__pg_events__"), "postgres")
    pg = pg.replace("__pg_contacts__", contacts_source_pg(t_from_ms, t_to_ms))
    pg = pg.replace("__pg_events__", events_source_pg(t_from_ms, t_to_ms))
    with eng.db.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(pg).fetchall()]
