"""Knowledge files: articles in and out as CSV, NDJSON or JSON.

Format by file extension: ``.csv`` (UTF-8, header row; list columns ``paraphrases``,
``products``, ``channels`` separated by ``|``), ``.ndjson``/``.jsonl`` (one article
object per line) or ``.json`` (a list of article objects, or ``{"articles": [...]}``).
Fields are those of ``ArticleCreate``: ``ref``, ``title``, ``question``,
``paraphrases``, ``body`` (Markdown), ``category``, ``products``, ``channels``,
``valid_from``, ``valid_to`` (ISO 8601 with offset), ``owner``, ``status``. An export
also carries ``version`` and ``live_version``, which an import ignores, so an export
imports back unchanged.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xinsheng.knowledge.schemas import ArticleCreate
from xinsheng.records import read_records as read_file

FIELDS = ("ref", "title", "question", "paraphrases", "body", "category", "products", "channels",
          "valid_from", "valid_to", "owner", "status")
EXPORT_ONLY = frozenset({"id", "version", "live_version", "created_at", "updated_at"})
LIST_FIELDS = ("paraphrases", "products", "channels")
FORMATS = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json"}


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, record) of a CSV / NDJSON / JSON file, read by ``xinsheng.records``; line is
    1-based (CSV header = 1; a JSON list: the index). A record that cannot be read comes
    as ``{"_error": reason}``, so the import reports it by line and goes on."""
    for rec in read_file(path, tuple(FORMATS), keep_empty=True, list_key="articles"):
        yield rec.line, rec.data if rec.error is None else {"_error": rec.error}


def parse_article(record: dict[str, Any]) -> ArticleCreate:
    """An import record as ``ArticleCreate``; raises ValueError with a readable reason."""
    if "_error" in record:
        raise ValueError(record["_error"])
    clean = {k: v for k, v in record.items() if k not in EXPORT_ONLY and k is not None}
    clean = {k: (None if v == "" and k not in ("body", "title", "question") else v)
             for k, v in clean.items()}
    if clean.get("status") is None:
        clean.pop("status", None)
    for key in LIST_FIELDS:
        if clean.get(key) is None:
            clean.pop(key, None)
    try:
        return ArticleCreate(**clean)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "record"
        raise ValueError(f"{field}: {err['msg']}") from None


def _cell(value: Any, fmt: str) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list) and fmt == "csv":
        return "|".join(value)
    return value


def write_articles(rows: Iterable[dict[str, Any]], out: io.TextIOBase, fmt: str) -> int:
    """Write article dicts (``FIELDS`` plus version info) in ``fmt``; returns the count."""
    columns = (*FIELDS, "version", "live_version")
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c), fmt) for c in columns})
            n += 1
        return n
    if fmt == "json":
        out.write("[\n")
    for row in rows:
        doc = json.dumps({c: _cell(row.get(c), fmt) for c in columns}, ensure_ascii=False)
        out.write((",\n" if n and fmt == "json" else "") + doc + ("\n" if fmt == "ndjson" else ""))
        n += 1
    if fmt == "json":
        out.write("\n]\n")
    return n
