"""What an action fixes: a VOC topic, a touchpoint (``channel[/event]``) or a journey step
(``journey/step``); which metric measures it; and the customers who raised it."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from xinsheng.customers.models import CHANNELS
from xinsheng.errors import InvalidInput
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.surveys.models import SurveyResponse as R

_CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_WORD = re.compile(r"^[a-z0-9_:\-]{1,64}$")
#: the metrics each kind of problem may be measured by (the first is the default)
METRICS = {"topic": ("topic_rate",), "touchpoint": ("csat", "ces"), "journey_step": ("none",)}


def split_touchpoint(ref: str) -> tuple[str, str | None]:
    channel, _, event = ref.partition("/")
    return channel, event or None


def check_problem(kind: str, ref: str, metric: str | None) -> str:
    """The metric to use; a malformed problem or an unfit metric is refused naming the field."""
    if kind == "topic" and not _CODE.match(ref):
        raise InvalidInput("problem_ref: a topic code like mobile_banking.login_failure",
                           data={"field": "problem_ref"})
    if kind == "touchpoint":
        channel, event = split_touchpoint(ref)
        if channel not in CHANNELS or (event is not None and not _WORD.match(event)):
            raise InvalidInput(f"problem_ref: channel[/event], channel one of {', '.join(CHANNELS)}",
                               data={"field": "problem_ref"})
    if kind == "journey_step":
        journey, _, step = ref.partition("/")
        if not (_WORD.match(journey) and _WORD.match(step)):
            raise InvalidInput("problem_ref: journey/step, e.g. loan_apply/loan_apply_step3",
                               data={"field": "problem_ref"})
    allowed = METRICS[kind]
    metric = metric or allowed[0]
    if metric not in allowed:
        raise InvalidInput(f"metric: a {kind} is measured by {', '.join(allowed)}", data={"field": "metric"})
    return metric


def _has_topic(topics, code: str) -> bool:
    return any((c := (t.get("code") or "")) == code or c.startswith(code + ".") for t in topics or ())


def raisers(session: Session, kind: str, ref: str, since: datetime, until: datetime) -> dict[int, tuple[str, datetime]]:
    """customer id → (source, first time) of the customers who raised the problem in [since, until):
    a topic: their own texts (contacts, survey comments) about it; a touchpoint: their bad
    survey answers about it (CSAT ≤ 2, CES ≥ 6, NPS ≤ 6) and their negative contacts there."""
    found: dict[int, tuple[str, datetime]] = {}

    def add(cid: int | None, source: str, at: datetime) -> None:
        if cid is not None and (cid not in found or at < found[cid][1]):
            found[cid] = (source, at)

    contacts = (select(Interaction.customer_id, Interaction.started_at, InteractionAnalysis.topics,
                       InteractionAnalysis.sentiment_label)
                .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
                .where(Interaction.started_at >= since, Interaction.started_at < until,
                       Interaction.direction != "outbound", Interaction.customer_id.is_not(None)))
    answers = select(R.customer_id, R.answered_at, R.analysis, R.metric, R.score).where(
        R.answered_at >= since, R.answered_at < until, R.customer_id.is_not(None))
    if kind == "topic":  # the database narrows by the code's text, Python checks the topics exactly
        mention = cast(InteractionAnalysis.topics, String).contains(f'"{ref}', autoescape=True)
        for cid, at, topics, _ in session.execute(contacts.where(mention)):
            if _has_topic(topics, ref):
                add(cid, "contact", at)
        said = cast(R.analysis, String).contains(f'"{ref}', autoescape=True)
        for cid, at, analysis, _, _ in session.execute(answers.where(R.comment.is_not(None), said)):
            if _has_topic((analysis or {}).get("topics"), ref):
                add(cid, "survey", at)
    elif kind == "touchpoint":
        channel, event = split_touchpoint(ref)
        where = [Interaction.channel == channel] + ([Interaction.event == event] if event else [])
        for cid, at, _, sentiment in session.execute(contacts.where(*where)):
            if sentiment == "negative":
                add(cid, "contact", at)
        bad = answers.where(R.channel == channel)
        if event:
            bad = bad.join(Interaction, Interaction.id == R.interaction_id).where(Interaction.event == event)
        for cid, at, _, metric, score in session.execute(bad):
            if (metric == "csat" and score <= 2) or (metric == "ces" and score >= 6) or (metric == "nps" and score <= 6):
                add(cid, "survey", at)
    return found
