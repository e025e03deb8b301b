"""Reading labelled or unlabelled text files for the VOC command line: CSV and JSON Lines."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Iterator

from xinsheng.errors import InputFileError

__all__ = ["read_rows", "count_rows", "check_columns", "FORMATS"]

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _format(path: Path) -> str:
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a file")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(f"{path}: unknown format {path.suffix or '(none)'} (use .csv, .jsonl or .ndjson)")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InputFileError(f"{path}: unreadable ({exc.strerror or exc})") from exc
    return fmt


def read_rows(path: str | Path) -> Iterator[dict]:
    """Rows of a CSV (UTF-8, header row) or JSON Lines file, as dicts of strings."""
    p = Path(path)
    fmt = _format(p)
    try:
        with p.open("r", encoding="utf-8-sig", newline="") as fh:
            if fmt == "csv":
                yield from csv.DictReader(fh)
                return
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    raise InputFileError(f"{p}: line {n} is not JSON ({exc})") from exc
                if not isinstance(obj, dict):
                    raise InputFileError(f"{p}: line {n} is not a JSON object")
                yield obj
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{p}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise InputFileError(f"{p}: malformed CSV ({exc})") from exc


def count_rows(path: str | Path) -> int:
    return sum(1 for _ in read_rows(path))


def check_columns(path: str | Path, *cols: str | None) -> None:
    """Fails with a clear message when the first row lacks a named column."""
    first = next(iter(read_rows(path)), None)
    if first is None:
        raise InputFileError(f"{path}: no rows")
    missing = [c for c in cols if c and c not in first]
    if missing:
        have = ", ".join(list(first)[:12])
        raise InputFileError(f"{path}: no column {', '.join(missing)} (columns: {have})")
