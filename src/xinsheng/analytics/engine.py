"""Run one analytic query, written once in DuckDB's SQL dialect, on the chosen engine.

* ``duckdb``: embedded DuckDB reading the Parquet lake under ``XINSHENG_HOME/lake``
  (kept up to date incrementally by :mod:`xinsheng.analytics.lake`).
* ``postgres``: the same SQL, transpiled by SQLGlot, on the PostgreSQL database itself
  (the ``interactions`` and ``customers`` tables; no copy).
* ``spark``: :func:`to_dialect` gives the Spark SQL text; a centre that outgrows one
  machine points Spark at the same Parquet files (see docs/journeys.md).

Queries read the relation ``{events}``: one row per interaction with columns
``id, customer_id, channel, event, t`` (milliseconds since the Unix epoch, UTC),
``outcome, topic, birth_year, segment``. Nothing here loads all events into Python: every
aggregate runs in the engine and only the answer comes back.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlalchemy import Engine

__all__ = ["AnalyticEngine", "to_dialect", "sql_str", "events_source_pg", "EVENT_COLUMNS"]

EVENT_COLUMNS = ("id", "customer_id", "channel", "event", "t", "outcome", "topic", "birth_year", "segment")


def sql_str(value: str) -> str:
    """A SQL string literal (the values inlined are validated names; quotes are doubled anyway)."""
    return "'" + str(value).replace("'", "''") + "'"


def to_dialect(sql: str, dialect: str) -> str:
    """The DuckDB-dialect ``sql`` in ``dialect`` (``duckdb``, ``postgres``, ``spark``)."""
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


#: PostgreSQL: the events relation straight from the tables (customers joined for the segment).
_PG_EVENTS = (
    "(SELECT i.id AS id, i.customer_id AS customer_id, i.channel AS channel, i.event AS event, "
    "CAST(FLOOR(EXTRACT(EPOCH FROM i.started_at) * 1000) AS BIGINT) AS t, i.outcome AS outcome, "
    "CAST(i.attributes AS JSONB) ->> 'topic' AS topic, c.birth_year AS birth_year, c.segment AS segment "
    "FROM interactions AS i LEFT JOIN customers AS c ON c.id = i.customer_id{where})"
)


def events_source_pg(t_from_ms: int | None = None, t_to_ms: int | None = None) -> str:
    """The events relation on PostgreSQL, cut to a period on the indexed ``started_at``."""
    conds = []
    if t_from_ms is not None:
        conds.append(f"i.started_at >= TO_TIMESTAMP({int(t_from_ms)} / 1000.0)")
    if t_to_ms is not None:
        conds.append(f"i.started_at < TO_TIMESTAMP({int(t_to_ms)} / 1000.0)")
    return _PG_EVENTS.format(where=(" WHERE " + " AND ".join(conds)) if conds else "")


@dataclass
class AnalyticEngine:
    """Where analytic SQL runs: ``kind`` is ``duckdb`` (with ``lake``) or ``postgres`` (with ``db``)."""

    kind: str
    lake: Path | None = None
    db: Engine | None = None

    def events(self, t_from_ms: int | None = None, t_to_ms: int | None = None) -> str:
        """The SQL relation of the events, in DuckDB dialect (PostgreSQL's is inlined after transpiling)."""
        if self.kind == "postgres":
            return "__PG_EVENTS__"
        from xinsheng.analytics.lake import parquet_relation

        return parquet_relation(self.lake)

    def query(self, sql: str, t_from_ms: int | None = None, t_to_ms: int | None = None) -> list[tuple]:
        """Run DuckDB-dialect ``sql`` (with ``{events}`` already replaced by :meth:`events`)."""
        if self.kind == "duckdb":
            import duckdb

            con = duckdb.connect()
            try:
                return [tuple(r) for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        pg_sql = to_dialect(sql.replace("__PG_EVENTS__", "__pg_events__"), "postgres")
        pg_sql = pg_sql.replace("__pg_events__", events_source_pg(t_from_ms, t_to_ms))
        with self.db.connect() as conn:  # no bind parameters: every value is inlined, validated
            return [tuple(r) for r in conn.exec_driver_sql(pg_sql).fetchall()]
