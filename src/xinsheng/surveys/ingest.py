"""``xinsheng ingest FILE --kind survey-responses``: answers from files (CSV or NDJSON, the
fields of ``POST /api/v1/survey-responses``), read by ``xinsheng.records`` like every file.

Records are read ``BATCH`` at a time and each batch commits together. A plain answer (no
invitation, no contact, no comment, and not a bad score of a known customer) is checked
like ``answers.do_answer`` checks it and stored with the batch's other plain answers in one
``INSERT`` (customers and earlier answers looked up once per batch, the daily sums moved
once): :func:`bulk_plain`. Every other record goes through ``do_answer`` in its own
savepoint (the invitation is claimed, the comment analysed, a bad score from a known
customer opens its follow-up case, as from the API). A bad record is reported with its line
and reason, copied unchanged to ``--rejects``, and the good ones are kept. The same answer
twice (same fields, or the same invitation) is stored once: a re-run reports duplicates.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow
from xinsheng.errors import XinshengError
from xinsheng.ingest.files import INGEST_SUFFIXES
from xinsheng.ingest.service import IngestReport
from xinsheng.records import SourceRecord, detect_format, open_input, read_csv, read_ndjson
from xinsheng.redaction import describe
from xinsheng.surveys.answers import check_score, dedup_key, do_answer, find_survey
from xinsheng.surveys.daily import add_sums, display_tz, sums_of
from xinsheng.surveys.followup import is_bad
from xinsheng.surveys.definitions import load_config
from xinsheng.surveys.models import SurveyResponse
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


def _store(session, rec: SourceRecord, body: ResponseCreate | None, config, report: IngestReport) -> str | None:
    """Store one record; None when stored (or a duplicate), else the reason it was refused."""
    try:
        body = body or ResponseCreate.model_validate(_data(rec))
        with session.begin_nested():
            _, duplicate = do_answer(session, body, via="file", now=utcnow(), config=config)
    except (ValidationError, XinshengError) as exc:
        return _reason(exc)
    if duplicate:
        report.duplicates += 1
    else:
        report.accepted += 1
    return None


def _data(rec: SourceRecord) -> dict:
    return {k: v for k, v in (rec.data or {}).items() if v not in ("", None)}


def _plain(body: ResponseCreate, config) -> bool:
    if body.invitation or body.interaction_external_id or body.comment:
        return False
    survey = config.survey(body.survey) or config.by_metric(body.survey)
    return survey is None or not (body.customer_ref and is_bad(survey.metric, body.score))


def bulk_plain(session, items: list[tuple[SourceRecord, ResponseCreate]], config, report: IngestReport,
               now: datetime) -> dict[int, str]:
    """Store plain answers in one INSERT; {line: reason} of those refused."""
    refs = {b.customer_ref for _, b in items if b.customer_ref}
    customers = {c.customer_ref: c for c in session.scalars(select(Customer).where(Customer.customer_ref.in_(refs)))
                 } if refs else {}
    refused: dict[int, str] = {}
    fresh: dict[str, dict] = {}
    for rec, body in items:
        try:
            survey = find_survey(config, body.survey)
            check_score(survey, body.score)
        except XinshengError as exc:
            refused[rec.line] = exc.message
            continue
        customer = customers.get(body.customer_ref) if body.customer_ref else None
        if body.customer_ref and customer is None:
            refused[rec.line] = f"customer_ref: no customer {body.customer_ref!r}"
            continue
        key = dedup_key(body, None)
        if key in fresh:
            report.duplicates += 1
            continue
        fresh[key] = {"dedup_key": key, "invitation_id": None, "survey": survey.code, "metric": survey.metric,
                      "score": body.score, "comment": None, "customer_id": customer.id if customer else None,
                      "interaction_id": None, "channel": body.channel, "via": "file",
                      "segment": customer.segment if customer else None, "tier": None,
                      "answered_at": (body.answered_at or now).astimezone(timezone.utc), "analysis": {},
                      "followup_case_ref": None}
    if fresh:
        known = set(session.scalars(select(SurveyResponse.dedup_key).where(SurveyResponse.dedup_key.in_(list(fresh)))))
        report.duplicates += len(known)
        new = [row for key, row in fresh.items() if key not in known]
        if new:
            session.execute(insert(SurveyResponse), new)
            add_sums(session, sums_of(((r["answered_at"], r["metric"], r["score"], r["channel"], r["segment"], None)
                                       for r in new), display_tz()))
        report.accepted += len(new)
    return refused


def _store_batch(session, batch: list[SourceRecord], config, report: IngestReport) -> list[tuple[SourceRecord, str]]:
    """Store one batch; [(record, reason)] of those refused, in line order."""
    refused: list[tuple[SourceRecord, str]] = []
    plain, other = [], []
    for rec in batch:
        if rec.error:
            refused.append((rec, rec.error))
            continue
        try:
            body = ResponseCreate.model_validate(_data(rec))
        except ValidationError as exc:
            refused.append((rec, _reason(exc)))
            continue
        (plain if _plain(body, config) else other).append((rec, body))
    if plain:
        counted = (report.accepted, report.duplicates)
        try:
            with session.begin_nested():
                why = bulk_plain(session, plain, config, report, utcnow())
            refused += [(rec, why[rec.line]) for rec, _ in plain if rec.line in why]
        except IntegrityError:  # another writer stored one of them meanwhile: one at a time
            report.accepted, report.duplicates = counted
            other = plain + other
    for rec, body in other:
        reason = _store(session, rec, body, config, report)
        if reason is not None:
            refused.append((rec, reason))
    return sorted(refused, key=lambda item: item[0].line)


def load_survey_file(path: Path, engine: Engine, *, rejects: Path | None = None,
                     on_progress: Callable[[int], None] | None = None) -> IngestReport:
    fmt = detect_format(path, INGEST_SUFFIXES)
    report, config = IngestReport(), load_config()
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(path))
        header, records = (b"", read_ndjson(stream)) if fmt == "ndjson" else read_csv(stream)[0::2]
        sink = _Rejects(rejects, header, stack)
        session = stack.enter_context(session_scope(engine))
        batch: list[SourceRecord] = []
        for rec in [*records, None]:
            if rec is not None:
                batch.append(rec)
                if len(batch) < BATCH:
                    continue
            for bad, reason in _store_batch(session, batch, config, report):
                report.rejected += 1
                report.errors.append({"line": bad.line, "external_id": None, "error": reason})
                sink(bad.raw)
            batch = []
            session.commit()
            if on_progress and rec is not None:
                on_progress(stream.tell())
    return report


def install() -> None:
    """Make ``survey-responses`` an ingest kind (the CLI wiring calls this)."""
    from xinsheng.ingest.kinds import register_file_kind

    register_file_kind(KIND, load_survey_file)
