"""The one reader of input files: CSV, TSV, NDJSON (JSON Lines) and JSON.

Every caller that reads records from a file (``xinsheng ingest``, ``voc analyze``/
``train``/``eval``, ``kb import`` and the knowledge evaluations) goes through here, so a
file reads the same way everywhere:

- the format comes from the suffix (``.csv``, ``.tsv``, ``.ndjson``/``.jsonl``,
  ``.json``); a ``.json`` file that holds one object per line is read as JSON Lines;
- files are read as bytes and streamed (JSON documents excepted), each record with the
  1-based line it starts on and its raw bytes, so a rejected record can be written back
  unchanged;
- text is UTF-8, with or without a byte-order mark; a record that is not valid UTF-8 is
  reported, not guessed (GB18030 files are refused line by line: save them as UTF-8);
- blank lines (and CSV rows of empty cells) are skipped;
- a record that cannot be read carries ``error``, a reason a person can act on (invalid
  JSON and where, wrong column count, wrong encoding, a field over ``MAX_FIELD``), and
  the records after it are still read.

A foundation module: it imports only ``xinsheng.errors``.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from xinsheng.errors import InputFileError

__all__ = [
    "SourceRecord", "FORMATS", "MAX_FIELD", "detect_format", "open_input", "read_ndjson",
    "decode_json_line", "read_csv", "read_json_document", "read_records", "records_from_list",
]

FORMATS = {".csv": "csv", ".tsv": "tsv", ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json"}
#: the longest CSV/TSV field read (characters); a longer one is that record's error
MAX_FIELD = 16 * 1024 * 1024
BOM = "\ufeff"


@dataclass(slots=True)
class SourceRecord:
    """One record: its first line (1-based; for a JSON document, its index in the list),
    the raw bytes as read, and either ``data`` or the ``error`` that kept it from being read."""

    line: int
    raw: bytes
    data: dict | None = None
    error: str | None = None


def detect_format(path: Path, allowed: Iterable[str] = tuple(FORMATS)) -> str:
    """``csv``, ``tsv``, ``ndjson`` or ``json`` from the suffix; InputFileError for a
    suffix not in ``allowed`` (which also orders the suffixes the message suggests)."""
    allowed = tuple(allowed)
    suffix = path.suffix.lower()
    if suffix not in allowed or suffix not in FORMATS:
        raise InputFileError(
            f"{path}: unknown format {suffix or '(no extension)'!r}; use {', '.join(allowed)}")
    return FORMATS[suffix]


def open_input(path: Path) -> IO[bytes]:
    """The file opened for binary reading; InputFileError when missing, a folder or unreadable."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a file")
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None


def read_ndjson(stream: IO[bytes], decode: bool = True) -> Iterator[SourceRecord]:
    """One JSON object per line, blank lines skipped. ``decode=False`` leaves ``data`` and
    ``error`` empty, for a caller that decodes later (ingest does it in worker processes)."""
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            record = SourceRecord(number, raw)
            if decode:
                decode_json_line(record)
            yield record


def decode_json_line(record: SourceRecord) -> None:
    """Fill ``record.data`` (or ``record.error``) from its raw JSON line, in place."""
    try:
        line = record.raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        record.error = f"not valid UTF-8 at byte {exc.start} (wrong encoding?)"
        return
    try:
        data = json.loads(line.removeprefix(BOM).rstrip("\r\n"))  # so the column is on this line
    except json.JSONDecodeError as exc:
        record.error = f"invalid JSON: {exc.msg} at column {exc.colno}"
        return
    if isinstance(data, dict):
        record.data = data
    else:
        record.error = f"expected a JSON object, got {type(data).__name__}"


class _LineTap:
    """Feeds lines to csv.reader while remembering the raw lines of the current row."""

    def __init__(self, stream: Iterable[bytes]) -> None:
        self.stream = iter(stream)
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


def read_csv(stream: Iterable[bytes], delimiter: str = ",", keep_empty: bool = False,
             ) -> tuple[bytes, list[str], Iterator[SourceRecord]]:
    """The header's raw bytes, its column names, and the rows as records keyed by them.

    An empty cell means "absent" (as a missing key does in NDJSON) unless ``keep_empty``.
    A quoted field may hold line breaks: the record's line is the one it starts on.
    """
    csv.field_size_limit(MAX_FIELD)
    tap = _LineTap(stream)
    reader = csv.reader(tap, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return b"", [], iter(())
    except csv.Error as exc:
        raise InputFileError(f"malformed CSV header: {exc}") from None
    header_raw = tap.drain()
    if header:
        header[0] = header[0].removeprefix(BOM)
    header = [h.strip() for h in header]
    return header_raw, header, _csv_rows(reader, tap, header, keep_empty)


def _csv_rows(reader, tap: _LineTap, header: list[str], keep_empty: bool) -> Iterator[SourceRecord]:
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
            yield SourceRecord(line, raw, data={h: cell for h, cell in zip(header, row)
                                                if keep_empty or cell.strip()})


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_json_document(path: Path, list_key: str | None = None) -> Iterator[SourceRecord]:
    """A ``.json`` file: a list of objects (or ``{list_key: [...]}``), each record's line
    its 1-based index in the list. A file of one object per line is read as JSON Lines.
    The document is parsed here, so its errors raise at once."""
    with open_input(path) as fh:
        data = fh.read()
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not valid UTF-8 at byte {exc.start} (wrong encoding?)") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return _stream(open_input(path), "ndjson", True)  # JSON Lines under a .json name
        raise InputFileError(f"{path}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    items = value.get(list_key) if list_key and isinstance(value, dict) else value
    if not isinstance(items, list):
        wanted = f"a list or {{\"{list_key}\": [...]}}" if list_key else "a list"
        raise InputFileError(f"{path}: expected {wanted} of objects")
    return records_from_list(items)


def read_records(path: Path, allowed: Iterable[str] = tuple(FORMATS), keep_empty: bool = True,
                 list_key: str | None = None) -> Iterator[SourceRecord]:
    """Every record of a file, decoded, the format from its suffix (one of ``allowed``).

    The file's problems (missing, unknown format, unreadable) raise InputFileError at
    once, before the first record; a record's own problem is its ``error``."""
    fmt = detect_format(path, allowed)
    if fmt == "json":
        return read_json_document(path, list_key)
    return _stream(open_input(path), fmt, keep_empty)


def _stream(stream: IO[bytes], fmt: str, keep_empty: bool) -> Iterator[SourceRecord]:
    with stream:
        if fmt == "ndjson":
            yield from read_ndjson(stream)
        else:
            yield from read_csv(stream, "\t" if fmt == "tsv" else ",", keep_empty)[2]


def records_from_list(items: list) -> Iterator[SourceRecord]:
    """Records posted to the API: ``line`` is the 1-based index in the list."""
    for number, item in enumerate(items, start=1):
        raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
        if isinstance(item, dict):
            yield SourceRecord(number, raw, data=item)
        else:
            yield SourceRecord(number, raw, error=f"expected a JSON object, got {type(item).__name__}")
