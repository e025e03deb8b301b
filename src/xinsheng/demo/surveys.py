"""The demo bank's surveys: invitations after its contacts and closed cases, chosen by the
real selection (triggers, sampling, one per customer per N days, none during an open
complaint, quiet hours), and answers whose scores follow the experience.

Who answers: about a quarter of those invited (phone and branch customers more often than
app users). What they score depends on the contact they are asked about: its VOC sentiment
and outcome (a resolved, positive contact scores high; an unresolved or negative one low).
Bad scores are stored through ``surveys.answers.do_answer``, so they open follow-up cases
like real ones; their comments are short complaints about the contact's topic. Historical
invitations are not queued in the outbox (they would all go out at once): the demo stores
the invitation rows only. Deterministic for a seed.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.surveys.answers import do_answer
from xinsheng.surveys.definitions import load_config
from xinsheng.surveys.invite import customer_states
from xinsheng.surveys.models import SurveyInvitation
from xinsheng.surveys.schemas import ResponseCreate
from xinsheng.surveys.selection import CustomerState, SurveyEvent, decide
from xinsheng.surveys.tokens import new_token, token_hash

ANSWER_RATE = {"phone": 0.3, "branch": 0.35, "wechat": 0.25, "chat": 0.25, "app": 0.18, "web": 0.18}
#: mood -> weights over "how it went" 0 (bad) .. 1 (good)
_MOOD = {"bad": (0.0, 0.45), "mixed": (0.3, 0.85), "good": (0.6, 1.0)}
COMMENTS = ["{t}的问题到现在还没解决，来回打了好几次电话。", "{t}办理太麻烦了，等了很久也没人说清楚。",
            "关于{t}，客服答复前后不一致，很失望。", "{t}这件事让我很生气，希望尽快给个说法。"]
PRAISE = ["客服很耐心，谢谢！", "办理很快，体验不错。", None, None]


def _mood(outcome: str | None, sentiment: str | None) -> str:
    if sentiment == "negative" or outcome in ("unresolved", "escalated", "abandoned", "failed"):
        return "bad"
    if sentiment == "positive" or outcome == "resolved":
        return "good"
    return "mixed"


def _score(rng: random.Random, metric: str, mood: str) -> int:
    lo, hi = _MOOD[mood]
    x = rng.uniform(lo, hi)  # how well it went, 0..1
    if metric == "nps":
        return min(10, max(0, round(x * 10 + rng.gauss(0, 0.8))))
    if metric == "csat":
        return min(5, max(1, round(1 + x * 4 + rng.gauss(0, 0.4))))
    return min(7, max(1, round(7 - x * 6 + rng.gauss(0, 0.5))))  # CES: high is hard


def _contacts(session, since: datetime, until: datetime):
    return session.execute(
        select(Interaction.id, Interaction.customer_id, Interaction.channel, Interaction.event, Interaction.outcome,
               Interaction.started_at, InteractionAnalysis.sentiment_label, InteractionAnalysis.topics)
        .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
        .where(Interaction.started_at >= since, Interaction.started_at <= until,
               Interaction.customer_id.is_not(None), Interaction.direction == "inbound")
        .order_by(Interaction.started_at, Interaction.id)).all()


def load_surveys(engine: Engine, now: datetime, *, days: int = 30, seed: int = 42) -> dict:
    """Invite and answer over the last ``days`` days before ``now``; what was stored."""
    config, rng = load_config(), random.Random(seed)
    tz = ZoneInfo(get_settings().display_timezone)
    expires = timedelta(days=config.fatigue.expires_days)
    invited = answered = followups = 0
    with session_scope(engine) as session:
        rows = _contacts(session, now - timedelta(days=days), now)
        states = customer_states(session, {r.customer_id for r in rows}, now - timedelta(days=days), config)
        for r in rows:
            ev = SurveyEvent(key=f"contact:{r.id}", after="contact", at=r.started_at, customer_id=r.customer_id,
                             channel=r.channel, event=r.event, outcome=r.outcome, interaction_id=r.id)
            state = states.get(r.customer_id, CustomerState())
            at = r.started_at + timedelta(hours=1)
            d = decide(ev, state, config, now=at, tz=tz)
            if d.reason == "quiet_hours":
                at = d.retry_at
                d = decide(ev, state, config, now=at, tz=tz)
            if not d.invite or at > now:
                continue
            inv = SurveyInvitation(token_hash=token_hash(new_token()), source_key=ev.key, customer_id=r.customer_id,
                                   survey=d.survey, trigger=d.trigger, interaction_id=r.id, channel=r.channel,
                                   lang="zh", invited_at=at, expires_at=at + expires)
            session.add(inv)
            session.flush()
            invited += 1
            states[r.customer_id] = CustomerState(state.opted_out, (*state.invited_at, at), state.open_complaints)
            if rng.random() >= ANSWER_RATE.get(r.channel, 0.2):
                continue
            metric = config.survey(d.survey).metric
            mood = _mood(r.outcome, r.sentiment_label)
            score = _score(rng, metric, mood)
            topic = (r.topics or [{}])[0].get("label", "").split(" › ")[-1] or "这次业务"
            bad = {"nps": score <= 6, "csat": score <= 2, "ces": score >= 6}[metric]
            comment = rng.choice(COMMENTS).format(t=topic) if bad and rng.random() < 0.6 else (
                rng.choice(PRAISE) if not bad else None)
            when = min(at + timedelta(minutes=rng.randint(5, 2880)), now)
            row, _ = do_answer(session, ResponseCreate(survey=d.survey, score=score, comment=comment,
                                                       invitation=token_for(inv)),
                               via="web", now=when, config=config)
            answered += 1
            followups += row.followup_case_ref is not None
    return {"invited": invited, "answered": answered, "followup_cases": followups}


def token_for(inv: SurveyInvitation) -> str:
    """The demo answers by invitation id (its tokens were never sent)."""
    return str(inv.id)
