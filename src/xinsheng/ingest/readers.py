"""Readers for NDJSON and CSV ingest files.

Each yields ``SourceRecord``s: the 1-based line, the raw bytes exactly as read (so a
rejected record can be written back unchanged) and either the decoded record or the
reason it could not be decoded (invalid JSON, wrong encoding ...).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xinsheng.errors import InputFileError

NDJSON_SUFFIXES = (".ndjson", ".jsonl")
CSV_SUFFIXES = (".csv",)


@dataclass(slots=True)
class SourceRecord:
    line: int
    raw: bytes
    data: dict | None = None
    error: str | None = None


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in NDJSON_SUFFIXES:
        return "ndjson"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise InputFileError(
        f"{path}: unknown format {suffix or '(no extension)'!r}; use .ndjson, .jsonl or .csv"
    )


def open_input(path: Path):
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a file")
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None


def read_ndjson(stream) -> Iterator[SourceRecord]:
    """One JSON object per line, blank lines skipped; decoding happens when the batch is prepared."""
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield SourceRecord(number, raw)


class _LineTap:
    """Feeds lines to csv.reader while remembering the raw lines of the current row."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.taken: list[bytes] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = next(self.stream)
        self.taken.append(raw)
        return raw.decode("utf-8", errors="surrogateescape")

    def drain(self) -> bytes:
        raw, self.taken = b"".join(self.taken), []
        return raw


def read_csv(stream) -> tuple[bytes, Iterator[SourceRecord]]:
    """The header's raw bytes, and the rows as records keyed by the header."""
    tap = _LineTap(stream)
    reader = csv.reader(tap)
    try:
        header = next(reader)
    except StopIteration:
        return b"", iter(())
    header_raw = tap.drain()
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    header = [h.strip() for h in header]
    return header_raw, _csv_rows(reader, tap, header)


def _csv_rows(reader, tap: _LineTap, header: list[str]) -> Iterator[SourceRecord]:
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield SourceRecord(line, tap.drain(), error=f"malformed CSV: {exc}")
            continue
        raw = tap.drain()
        if not any(cell.strip() for cell in row):
            continue
        if any(_has_surrogates(cell) for cell in row):
            yield SourceRecord(line, raw, error="not valid UTF-8 (wrong encoding? save the file as UTF-8)")
        elif len(row) != len(header):
            yield SourceRecord(line, raw, error=f"has {len(row)} columns, the header has {len(header)}")
        else:
            # an empty cell means "absent", as a missing key does in NDJSON
            yield SourceRecord(line, raw, data={h: cell for h, cell in zip(header, row) if cell.strip()})


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def records_from_list(items: list) -> Iterator[SourceRecord]:
    """Records posted to the API: ``line`` is the 1-based index in the list."""
    for number, item in enumerate(items, start=1):
        raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
        if isinstance(item, dict):
            yield SourceRecord(number, raw, data=item)
        else:
            yield SourceRecord(number, raw, error=f"expected a JSON object, got {type(item).__name__}")


