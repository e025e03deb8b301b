"""Ingest of whole files, with rejected records copied unchanged to a rejects file."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy.engine import Engine

from xinsheng.config import get_settings

from xinsheng.ingest.prepare import Reject
from xinsheng.records import detect_format, open_input, read_csv, read_ndjson
from xinsheng.ingest.service import IngestReport, ingest_records


#: the files ``xinsheng ingest`` reads (``xinsheng.records`` reads them)
INGEST_SUFFIXES = (".ndjson", ".jsonl", ".csv")
#: files at least this large are prepared by worker processes
PARALLEL_FROM_BYTES = 4 * 1024 * 1024


class _RejectsFile:
    """Opened on the first rejected record; CSV rejects get the header first."""

    def __init__(self, path: Path, header: bytes, stack: ExitStack) -> None:
        self.path, self.header, self.stack = path, header, stack
        self.handle = None

    def __call__(self, record: Reject) -> None:
        if self.handle is None:
            self.handle = self.stack.enter_context(self.path.open("wb"))
            self.handle.write(self.header)
        raw = record.raw if record.raw.endswith(b"\n") else record.raw + b"\n"
        self.handle.write(raw)
        self.handle.flush()


def ingest_file(
    path: Path,
    kind: str,
    engine: Engine,
    *,
    rejects: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
) -> IngestReport:
    """Load an NDJSON or CSV file; ``on_progress`` gets the byte offset read so far."""
    fmt = detect_format(path, INGEST_SUFFIXES)
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(path))
        if fmt == "ndjson":  # decoded later, by the process that prepares the batch
            header, records = b"", read_ndjson(stream, decode=False)
        else:
            header, _, records = read_csv(stream)
        sink = _RejectsFile(rejects, header, stack) if rejects else None
        progress = (lambda _rec: on_progress(stream.tell())) if on_progress else None
        workers = get_settings().ingest_workers if path.stat().st_size >= PARALLEL_FROM_BYTES else 1
        return ingest_records(records, kind, engine, on_reject=sink, on_progress=progress,
                              batch_size=batch_size, workers=workers)
