"""``xinsheng ingest FILE --kind survey-responses``: answers from files (CSV or NDJSON, the
fields of ``POST /api/v1/survey-responses``), read by ``xinsheng.records`` like every file.

Each record is stored in its own savepoint through ``answers.do_answer`` (a bad score from a
known customer opens its follow-up case, as from the API); a bad record is reported with
its line and reason, copied unchanged to ``--rejects``, and the good ones are kept.
Batches of ``BATCH`` records commit together. The same answer twice (same fields, or the
same invitation) is stored once: a re-run reports duplicates.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from xinsheng.db import session_scope, utcnow
from xinsheng.errors import XinshengError
from xinsheng.ingest.files import INGEST_SUFFIXES
from xinsheng.ingest.service import IngestReport
from xinsheng.records import SourceRecord, detect_format, open_input, read_csv, read_ndjson
from xinsheng.redaction import describe
from xinsheng.surveys.answers import do_answer
from xinsheng.surveys.definitions import load_config
from xinsheng.surveys.schemas import ResponseCreate

KIND = "survey-responses"
BATCH = 500


class _Rejects:
    def __init__(self, path: Path | None, header: bytes, stack: ExitStack) -> None:
        self.path, self.header, self.stack, self.handle = path, header, stack, None

    def __call__(self, raw: bytes) -> None:
        if self.path is None:
            return
        if self.handle is None:
            self.handle = self.stack.enter_context(self.path.open("wb"))
            self.handle.write(self.header)
        self.handle.write(raw if raw.endswith(b"\n") else raw + b"\n")


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = describe(exc.errors()[0])
        return f"{first['field']}: {first['problem']}"
    return exc.message if isinstance(exc, XinshengError) else str(exc)


def _store(session, rec: SourceRecord, config, report: IngestReport) -> str | None:
    """Store one record; None when stored (or a duplicate), else the reason it was refused."""
    if rec.error:
        return rec.error
    data = {k: v for k, v in (rec.data or {}).items() if v not in ("", None)}
    try:
        body = ResponseCreate.model_validate(data)
        with session.begin_nested():
            _, duplicate = do_answer(session, body, via="file", now=utcnow(), config=config)
    except (ValidationError, XinshengError) as exc:
        return _reason(exc)
    if duplicate:
        report.duplicates += 1
    else:
        report.accepted += 1
    return None


def load_survey_file(path: Path, engine: Engine, *, rejects: Path | None = None,
                     on_progress: Callable[[int], None] | None = None) -> IngestReport:
    fmt = detect_format(path, INGEST_SUFFIXES)
    report, config = IngestReport(), load_config()
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(path))
        header, records = (b"", read_ndjson(stream)) if fmt == "ndjson" else read_csv(stream)[0::2]
        sink = _Rejects(rejects, header, stack)
        pending = 0
        session = stack.enter_context(session_scope(engine))
        for rec in records:
            reason = _store(session, rec, config, report)
            if reason is not None:
                report.rejected += 1
                report.errors.append({"line": rec.line, "external_id": None, "error": reason})
                sink(rec.raw)
            pending += 1
            if pending >= BATCH:
                session.commit()
                pending = 0
                if on_progress:
                    on_progress(stream.tell())
        session.commit()
    return report


def install() -> None:
    """Make ``survey-responses`` an ingest kind (the CLI wiring calls this)."""
    from xinsheng.ingest.kinds import register_file_kind

    register_file_kind(KIND, load_survey_file)
