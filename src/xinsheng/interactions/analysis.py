"""Stores the VOC analysis of interaction texts (the VOC stages never touch the database).

New texts are analysed as they are ingested (``XINSHENG_ANALYZE_ON_INGEST``), in the
same transaction as the batch, so the timeline shows an analysis as soon as it shows
the contact; ``reanalyze`` fills in or redoes texts later (another model, or texts
loaded with analysis off).

The daily topic counts that the Hot issues report reads (``TopicDaily``) count the
customer's voice only: an outbound text (the bank's SMS notices, statements, sales and
callback calls) keeps its analysis, shown on the timeline, but adds to no count. They
move with the analyses in the same transaction: a new analysis adds its texts, a replaced one first
takes its own contribution back, so a count never doubles and a rolled-back batch
leaves no trace. Counts change by ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``,
which concurrent writers may run at the same time.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.db import dialect_insert, session_scope, utcnow
from xinsheng.interactions.models import ALL_TEXTS, Interaction, InteractionAnalysis, TopicDaily

log = logging.getLogger(__name__)


def _analyzer(model_dir: str | None = None):
    """The analyzer for ``model_dir``, else for ``XINSHENG_VOC_MODEL``, else the built-in one."""
    from xinsheng.voc.pipeline import get_analyzer

    configured = get_settings().voc_model
    return get_analyzer(model_dir or (str(configured) if configured else None))


def warm_analyzer(model_dir: str | None = None) -> None:
    """Build (or load) the analyzer now: the built-in model is trained on first use."""
    _analyzer(model_dir)


def analyze_texts(texts: list[str], model_dir: str | None = None) -> tuple[list[dict], str]:
    """The VOC results of ``texts`` (already masked), and the model's version."""
    analyzer = _analyzer(model_dir)
    return analyzer.analyze_many(texts), str(getattr(analyzer, "version", None) or "builtin")[:64]


def analysis_row(interaction_id: int, result: dict, version: str) -> dict:
    sentiment = result.get("sentiment") or {}
    return {
        "interaction_id": interaction_id, "lang": result.get("lang"),
        "sentiment_label": sentiment.get("label"), "sentiment_score": sentiment.get("score"),
        "emotions": result.get("emotions") or {}, "topics": result.get("topics") or [],
        "flags": result.get("flags") or [], "keywords": result.get("keywords") or [],
        "model_version": version, "analyzed_at": utcnow(),
    }


def store_analysis_rows(session: Session, rows: list[dict]) -> int:
    """Store analysis rows; an earlier analysis of the same interactions is replaced,
    and the daily topic counts move from the old analysis to the new one."""
    if not rows:
        return 0
    table = InteractionAnalysis.__table__
    conn = session.connection()
    replaced = conn.execute(
        delete(table).where(table.c.interaction_id.in_([r["interaction_id"] for r in rows]))
        .returning(table.c.interaction_id, table.c.topics, table.c.sentiment_label, table.c.sentiment_score)
    ).all()
    conn.execute(dialect_insert(session, table), rows)
    _move_topic_counts(session, replaced, rows)
    return len(rows)


# A day's counts of one topic on one channel: [label, texts, negative, negative_primary, score_sum].
TopicKey = tuple[date, str, str]


def topic_counts(analysed: Iterable[tuple[datetime, str, list, str | None, float | None]],
                 tz: ZoneInfo) -> dict[TopicKey, list]:
    """What analysed texts add to ``TopicDaily``, keyed (day, topic_code, channel).

    ``analysed``: (started_at, channel, topics, sentiment_label, sentiment_score) per text.
    """
    out: dict[TopicKey, list] = {}

    def add(key: TopicKey, label: str, negative: int, primary: int, score: float) -> None:
        row = out.setdefault(key, [label, 0, 0, 0, 0.0])
        row[1] += 1
        row[2] += negative
        row[3] += primary
        row[4] += score

    for started_at, channel, topics, label, score in analysed:
        day, neg, score = started_at.astimezone(tz).date(), int(label == "negative"), score or 0.0
        add((day, ALL_TEXTS, channel), "", neg, neg, score)
        seen = set()
        for i, topic in enumerate(topics or []):
            code = (topic.get("code") or "")[:128]
            if code and code not in seen:
                seen.add(code)
                add((day, code, channel), (topic.get("label") or code)[:128], neg, neg if i == 0 else 0, score)
    return out


def _difference(new: dict[TopicKey, list], old: dict[TopicKey, list]) -> dict[TopicKey, list]:
    out = {key: list(row) for key, row in new.items()}
    for key, (label, *counts) in old.items():
        row = out.setdefault(key, [label, 0, 0, 0, 0.0])
        for i, n in enumerate(counts, start=1):
            row[i] -= n
    return {key: row for key, row in out.items() if any(row[1:4]) or abs(row[4]) > 1e-9}


def _move_topic_counts(session: Session, replaced: list, rows: list[dict]) -> None:
    """Add the new analyses' topic counts and take back those of the analyses they replace."""
    ids = [r["interaction_id"] for r in rows]
    where = {i: (at, ch) for i, at, ch in session.execute(  # the bank's own texts are not counted
        select(Interaction.id, Interaction.started_at, Interaction.channel)
        .where(Interaction.id.in_(ids), Interaction.direction != "outbound"))}
    tz = ZoneInfo(get_settings().display_timezone)

    def analysed(items):
        return ((*where[i], topics, label, score) for i, topics, label, score in items if i in where)

    new = topic_counts(analysed((r["interaction_id"], r["topics"], r["sentiment_label"], r["sentiment_score"])
                                for r in rows), tz)
    apply_topic_counts(session, _difference(new, topic_counts(analysed(replaced), tz)))


def apply_topic_counts(session: Session, delta: dict[TopicKey, list]) -> None:
    """Add ``delta`` to ``TopicDaily`` (upsert-increment, in key order so that concurrent
    writers lock rows in the same order); rows that fall to zero texts are removed."""
    if not delta:
        return
    table = TopicDaily.__table__
    stmt = dialect_insert(session, table)
    summed = ("texts", "negative", "negative_primary", "score_sum")
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.day, table.c.topic_code, table.c.channel],
        set_={"label": stmt.excluded.label, **{c: table.c[c] + stmt.excluded[c] for c in summed}},
    )
    conn = session.connection()
    conn.execute(stmt, [
        {"day": day, "topic_code": code, "channel": channel, "label": row[0],
         **dict(zip(summed, row[1:], strict=True))}
        for (day, code, channel), row in sorted(delta.items())
    ])
    if any(row[1] < 0 for row in delta.values()):
        conn.execute(delete(table).where(table.c.day.in_({key[0] for key in delta}), table.c.texts <= 0))


def store_analysis(session: Session, ids: list[int], texts: list[str], model_dir: str | None = None) -> int:
    """Analyse ``texts`` and store the results for interactions ``ids``."""
    if not ids:
        return 0
    results, version = analyze_texts(texts, model_dir)
    return store_analysis_rows(session, [analysis_row(i, r, version) for i, r in zip(ids, results, strict=True)])


def reanalyze(
    engine: Engine, *, everything: bool = False, model_dir: str | None = None, batch: int = 1000,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Analyse stored texts that have no analysis yet (or all of them); returns how many."""
    done, last_id = 0, 0
    while True:
        with session_scope(engine) as session:
            stmt = (
                select(Interaction.id, Interaction.text)
                .where(Interaction.text.is_not(None), Interaction.id > last_id)
                .order_by(Interaction.id).limit(batch)
            )
            if not everything:
                stmt = stmt.outerjoin(
                    InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id
                ).where(InteractionAnalysis.interaction_id.is_(None))
            rows = session.execute(stmt).all()
            if not rows:
                return done
            store_analysis(session, [r[0] for r in rows], [r[1] for r in rows], model_dir)
        last_id = rows[-1][0]
        done += len(rows)
        if on_progress:
            on_progress(len(rows))
