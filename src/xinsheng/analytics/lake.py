"""The Parquet lake: an incremental columnar copy of the interactions for DuckDB (and Spark).

Files live under ``XINSHENG_HOME/lake/events/`` as ``part-<first id>-<last id>.parquet``.
:func:`refresh` copies only the interactions whose id is above the highest id already in
a part (the watermark is the file names themselves, so a crash between writing a part and
recording it cannot duplicate rows), in batches, through a temporary CSV that DuckDB turns
into Parquet. Once there are more than :data:`COMPACT_AT` parts they are merged into one.
Never a full re-export per query: a query first calls :func:`refresh`, which costs one
indexed ``id > watermark`` probe when nothing is new.

Rows are copied as they were at export. Whatever changes or removes rows already copied
(retention, an erasure) calls :func:`mark_stale`; the next refresh then copies everything
again, once, so the lake never keeps a contact the database no longer has.
"""
from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import tempfile
from contextlib import contextmanager
from datetime import timezone
from pathlib import Path

from sqlalchemy import Engine, select

__all__ = ["lake_dir", "refresh", "parquet_relation", "COMPACT_AT", "watermark", "mark_stale", "STALE"]

COMPACT_AT = 64
#: rows sorted by touchpoint, then customer and time: a funnel's step events sit in a few row
#: groups, which DuckDB finds by their min/max and reads alone (each already in customer order)
ORDER = "ORDER BY channel, event, customer_id, t"
BATCH = 50_000
_PART = re.compile(r"^part-(\d{12})-(\d{12})\.parquet$")
_TYPES = ("{'id': 'BIGINT', 'customer_id': 'BIGINT', 'channel': 'VARCHAR', 'event': 'VARCHAR', 't': 'BIGINT', "
          "'outcome': 'VARCHAR', 'topic': 'VARCHAR', 'birth_year': 'INTEGER', 'segment': 'VARCHAR'}")
_EMPTY = ("(SELECT CAST(NULL AS BIGINT) AS id, CAST(NULL AS BIGINT) AS customer_id, CAST(NULL AS VARCHAR) AS channel, "
          "CAST(NULL AS VARCHAR) AS event, CAST(NULL AS BIGINT) AS t, CAST(NULL AS VARCHAR) AS outcome, "
          "CAST(NULL AS VARCHAR) AS topic, CAST(NULL AS INTEGER) AS birth_year, CAST(NULL AS VARCHAR) AS segment "
          "WHERE 1 = 0)")


#: a file in a lake's folder: the rows already copied may be out of date, copy them again
STALE = ".stale"


def mark_stale(home: Path) -> list[Path]:
    """Mark every lake under ``XINSHENG_HOME/lake`` stale (the next refresh rebuilds it);
    answer the lakes marked. Called after the database changed or removed rows already copied."""
    root = Path(home) / "lake"
    marked = [d for d in sorted(root.iterdir()) if d.is_dir()] if root.is_dir() else []
    for d in marked:
        (d / STALE).write_text("rows changed after they were copied\n", encoding="utf-8")
    return marked


def lake_dir(home: Path) -> Path:
    return Path(home) / "lake" / "events"


def _parts(lake: Path) -> list[tuple[int, int, Path]]:
    if not lake.is_dir():
        return []
    found = []
    for path in lake.iterdir():
        m = _PART.match(path.name)
        if m:
            found.append((int(m.group(1)), int(m.group(2)), path))
    return sorted(found)


def watermark(lake: Path) -> int:
    """The highest interaction id already in the lake (0 when empty)."""
    return max((last for _, last, _ in _parts(lake)), default=0)


def parquet_relation(lake: Path | None) -> str:
    """The DuckDB relation over every part (an empty, typed relation when there is none)."""
    parts = _parts(lake) if lake else []
    if not parts:
        return _EMPTY
    return f"read_parquet({str(lake / 'part-*.parquet')!r})"


@contextmanager
def _locked(lake: Path):
    lake.mkdir(parents=True, exist_ok=True)
    with open(lake / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _rows(db: Engine, after: int, limit: int) -> list[tuple]:
    from xinsheng.customers.models import Customer
    from xinsheng.interactions.models import Interaction

    stmt = (select(Interaction.id, Interaction.customer_id, Interaction.channel, Interaction.event,
                   Interaction.started_at, Interaction.outcome, Interaction.attributes, Customer.birth_year,
                   Customer.segment)
            .outerjoin(Customer, Customer.id == Interaction.customer_id)
            .where(Interaction.id > after).order_by(Interaction.id).limit(limit))
    with db.connect() as conn:
        return list(conn.execute(stmt))


def _epoch_ms(at) -> int:
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return int(at.timestamp() * 1000)


def _write_part(lake: Path, rows: list[tuple]) -> Path:
    import duckdb

    fd, tmp_csv = tempfile.mkstemp(suffix=".csv", dir=lake)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        for (iid, cid, channel, event, started, outcome, attrs, birth, segment) in rows:
            topic = attrs.get("topic") if isinstance(attrs, dict) else None
            out.writerow((iid, cid, channel, event, _epoch_ms(started), outcome, topic, birth, segment))
    final = lake / f"part-{rows[0][0]:012d}-{rows[-1][0]:012d}.parquet"
    tmp_parquet = final.with_suffix(".tmp")
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * FROM read_csv({tmp_csv!r}, header = false, columns = {_TYPES}) {ORDER}) "
                    f"TO {str(tmp_parquet)!r} (FORMAT parquet)")
    finally:
        con.close()
        os.unlink(tmp_csv)
    os.replace(tmp_parquet, final)
    return final


def _compact(lake: Path) -> None:
    import duckdb

    parts = _parts(lake)
    if len(parts) <= COMPACT_AT:
        return
    final = lake / f"part-{parts[0][0]:012d}-{parts[-1][1]:012d}.parquet"
    tmp = final.with_suffix(".tmp")
    files = [str(p) for _, _, p in parts]
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * FROM read_parquet({files!r}) {ORDER}) TO {str(tmp)!r} (FORMAT parquet)")
    finally:
        con.close()
    for _, _, path in parts:
        path.unlink()
    os.replace(tmp, final)


def refresh(db: Engine, home: Path, *, rebuild: bool = False) -> dict:
    """Append the interactions newer than the lake's watermark; answer what was copied."""
    lake = lake_dir(home)
    copied, parts = 0, 0
    with _locked(lake):
        stale = lake / STALE
        if stale.exists():  # removed before copying: a mark made meanwhile is kept for the next refresh
            stale.unlink()
            rebuild = True
        if rebuild:
            for _, _, path in _parts(lake):
                path.unlink()
        after = watermark(lake)
        while True:
            rows = _rows(db, after, BATCH)
            if not rows:
                break
            _write_part(lake, rows)
            copied += len(rows)
            parts += 1
            after = rows[-1][0]
        _compact(lake)
        state = {"copied": copied, "new_parts": parts, "watermark": watermark(lake), "parts": len(_parts(lake)),
                 "rebuilt": rebuild}
    (lake / "_last_refresh.json").write_text(json.dumps(state))
    return state
