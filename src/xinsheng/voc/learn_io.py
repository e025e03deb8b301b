"""Unlabelled texts for ``voc learn``, streamed: a file (plain text, CSV, TSV, JSON Lines)
or the stored, masked interaction texts of the database (customers' voice only)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from xinsheng.errors import InputFileError

__all__ = ["iter_file_texts", "iter_db_texts", "db_text_count", "TEXT_SUFFIXES", "TABLE_SUFFIXES"]

TEXT_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")
_DB_BATCH = 5000


def iter_file_texts(path: Path, text_col: str = "text") -> Iterator[str]:
    """Texts of ``path``: one per line of a ``.txt`` file, else the ``text_col`` of each record."""
    from xinsheng.records import read_records

    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        yield from _lines(path)
        return
    if suffix not in TABLE_SUFFIXES:
        raise InputFileError(f"{path}: unknown format {suffix!r}; use .txt (one text a line), "
                             f"{', '.join(TABLE_SUFFIXES)}")
    checked = False
    for rec in read_records(path, TABLE_SUFFIXES):
        if rec.error is not None:
            raise InputFileError(f"{path}: line {rec.line}: {rec.error}")
        if not checked:
            if text_col not in rec.data:
                have = ", ".join(list(rec.data)[:12])
                raise InputFileError(f"{path}: no column {text_col} (columns: {have})")
            checked = True
        value = rec.data.get(text_col)
        if value is not None and str(value).strip():
            yield str(value)


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8").lstrip("\ufeff").strip()
            except UnicodeDecodeError:
                raise InputFileError(f"{path}: line {n} is not UTF-8 (save the file as UTF-8)") from None
            if line:
                yield line


def _db_query(after: int):
    from sqlalchemy import text

    return text("SELECT id, text FROM interactions WHERE text IS NOT NULL AND direction = 'inbound' "
                "AND id > :after ORDER BY id LIMIT :n").bindparams(after=after, n=_DB_BATCH)


def _engine():
    """The configured database (by its URL: the engine of a process's first URL is cached)."""
    from xinsheng.config import get_settings
    from xinsheng.migrate import ready_engine

    return ready_engine(get_settings().database_url)


def db_text_count() -> int:
    """How many stored customer texts there are (for the progress bar)."""
    from sqlalchemy import text

    with _engine().connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM interactions WHERE text IS NOT NULL "
                                     "AND direction = 'inbound'")).scalar() or 0)


def iter_db_texts() -> Iterator[str]:
    """The stored interaction texts (masked at ingest) of the customers' voice, in id order,
    read in batches (the bank's outbound notices are not the customers' words)."""
    engine = _engine()
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(_db_query(last)).all()
        if not rows:
            return
        for _, t in rows:
            if t and t.strip():
                yield t
        last = rows[-1][0]
