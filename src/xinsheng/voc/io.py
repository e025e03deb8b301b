"""Reading labelled or unlabelled text files for the VOC command line: CSV and JSON Lines,
through the shared reader (``xinsheng.records``). A record that cannot be read stops the
command with its line and the reason."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from xinsheng.errors import InputFileError
from xinsheng.records import read_records

__all__ = ["read_rows", "count_rows", "check_columns", "SUFFIXES"]

SUFFIXES = (".csv", ".jsonl", ".ndjson")


def read_rows(path: str | Path) -> Iterator[dict]:
    """Rows of a CSV (UTF-8, header row) or JSON Lines file, as dicts (CSV: of strings)."""
    p = Path(path)
    for record in read_records(p, SUFFIXES):
        if record.error is None:
            yield record.data
        elif record.error.startswith("expected a JSON object"):
            raise InputFileError(f"{p}: line {record.line} is not a JSON object")
        elif p.suffix.lower() != ".csv":
            raise InputFileError(f"{p}: line {record.line} is not JSON ({record.error})")
        else:
            raise InputFileError(f"{p}: line {record.line}: {record.error}")


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
