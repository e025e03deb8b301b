"""The hand-off summary (交接摘要): what the next tier reads instead of asking the customer again.

Built from the case's contacts (the one that opened it and every attached one):

* **topics**: the case's topic first, then the VOC topics of the contacts' stored analyses,
  most frequent first;
* **key sentences**: the customer's own sentences (speaker turns ``客户：`` / ``Customer:``,
  or the whole text when it has no speaker labels) that read most negative or most
  emotional, scored sentence by sentence with the VOC lexicon (anger, anxiety, sadness and
  rule polarity) and weighted by the contact's stored analysis. Texts are stored masked, so
  the sentences are too;
* **already tried**: each contact's outcome (transferred, abandoned …) and the earlier case
  events (escalations, notes, extensions, decisions) with who did them.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case, CaseContact, CaseEvent
from xinsheng.interactions.models import Interaction, InteractionAnalysis

MAX_SENTENCES = 3
MAX_TRIED = 8
MAX_CHARS = 160
#: customer sentences read per contact (a long chat's first ones carry the complaint)
MAX_PER_TEXT = 40
_CUSTOMER = {"客户", "顾客", "用户", "customer", "client", "caller"}
_SPEAKER = re.compile(r"^\s*([\w\u4e00-\u9fff]{1,8})\s*[:：]\s*(.*)$")
_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n")
#: events that are not something a person tried (clocks, notifications, attached contacts)
_NOT_TRIED = {"open", "acknowledge", "contact", "repeat_contact", "sla_warning", "sla_breach", "ack_breach",
              "notify"}


@dataclass
class KeySentence:
    text: str
    at: datetime
    channel: str
    score: float
    emotion: str | None = None  # the strongest emotion, when one was found


@dataclass
class Tried:
    at: datetime
    kind: str  # "contact" or "event"
    channel: str | None = None
    outcome: str | None = None
    agent_ref: str | None = None
    action: str | None = None
    actor: str | None = None
    text: str | None = None


@dataclass
class Handoff:
    topics: list[str] = field(default_factory=list)
    sentences: list[KeySentence] = field(default_factory=list)
    tried: list[Tried] = field(default_factory=list)
    contacts: int = 0
    repeats: int = 0


def customer_turns(text: str) -> list[str]:
    """The customer's sentences of ``text``: its ``客户：`` turns when it is a transcript with
    speaker labels, else every sentence."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    labelled = [_SPEAKER.match(ln) for ln in lines]
    if not any(m and m.group(1).lower() in _CUSTOMER | {"坐席", "客服", "agent"} for m in labelled):
        turns = lines
    else:
        turns, speaker = [], None
        for ln, m in zip(lines, labelled):
            if m:
                speaker, ln = m.group(1).lower(), m.group(2)
            if speaker in _CUSTOMER:
                turns.append(ln)
    return [s.strip() for turn in turns for s in _SPLIT.split(turn) if s and s.strip()]


def sentence_scores(sentences: list[str], langs: list[str]) -> list[tuple[float, str | None]]:
    """(how negative or emotional, 0–1; the strongest negative emotion or None) of each
    sentence: the VOC lexicon's anger, anxiety and sadness, and its rule polarity squashed
    to 0–1, whichever is higher. One batched lexicon pass for all of them."""
    from xinsheng.voc.rules import EMOTIONS, batch_cues
    from xinsheng.voc.text import normalize_many

    if not sentences:
        return []
    cues = batch_cues(normalize_many(sentences), ["en" if lg == "en" else "zh" for lg in langs])
    negative = [EMOTIONS.index(k) for k in ("anger", "anxiety", "sadness")]
    out = []
    for polarity, emotions in zip(cues.polarity.tolist(), cues.emotions[:, negative].tolist()):
        strongest = max(range(3), key=lambda i: emotions[i])
        neg = max(0.0, -polarity)
        out.append((max(emotions[strongest], neg / (1.0 + neg)),
                    ("anger", "anxiety", "sadness")[strongest] if emotions[strongest] > 0 else None))
    return out


def sentence_score(sentence: str, lang: str) -> tuple[float, str | None]:
    return sentence_scores([sentence], [lang])[0]


def _contacts(session: Session, case: Case) -> list[tuple[Interaction, InteractionAnalysis | None, bool]]:
    attached = select(CaseContact.interaction_id).where(CaseContact.case_id == case.id)
    repeats = set(session.scalars(attached.where(CaseContact.repeat.is_(True))))
    cond = Interaction.id.in_(attached)
    if case.source_interaction_id is not None:
        cond = or_(cond, Interaction.id == case.source_interaction_id)
    stmt = (select(Interaction, InteractionAnalysis)
            .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(cond).order_by(Interaction.started_at, Interaction.id))
    return [(i, a, i.id in repeats) for i, a in session.execute(stmt).all()]


def _key_sentences(case: Case, contacts) -> list[KeySentence]:
    sources = [(c.text, c.started_at, c.channel, a) for c, a, _ in contacts if c.text]
    if case.text and not any(case.text == src[0] for src in sources):
        sources.append((case.text, case.opened_at, case.channel or "", None))
    candidates = []  # (sentence, lang, at, channel, weight from the stored analysis)
    for text, at, channel, analysis in sources:
        lang = (analysis.lang if analysis and analysis.lang else None) or _lang(text)
        weight = 0.0
        if analysis is not None and analysis.sentiment_score is not None:
            weight = max(0.0, -analysis.sentiment_score) * 0.1
        candidates += [(x, lang, at, channel, weight) for x in customer_turns(text)[:MAX_PER_TEXT]]
    found: dict[str, KeySentence] = {}
    scores = sentence_scores([c[0] for c in candidates], [c[1] for c in candidates])
    for (x, _, at, channel, weight), (score, emotion) in zip(candidates, scores):
        if score >= 0.2 and x not in found:
            found[x] = KeySentence(x[:MAX_CHARS], at, channel, round(score + weight, 3), emotion)
    return sorted(found.values(), key=lambda k: (-k.score, k.at))[:MAX_SENTENCES]


def _lang(text: str) -> str:
    from xinsheng.voc.text import detect_lang

    return detect_lang(text)


def _topics(case: Case, contacts) -> list[str]:
    counts: Counter[str] = Counter()
    for _, a, _ in contacts:
        for t in (a.topics if a is not None and a.topics else []):
            code = t.get("code") if isinstance(t, dict) else t
            if code:
                counts[code] += 1
    ordered = [code for code, _ in counts.most_common()]
    return ([case.topic] if case.topic else []) + [c for c in ordered if c != case.topic]


def _tried(session: Session, case: Case, contacts) -> list[Tried]:
    items = [Tried(at=c.started_at, kind="contact", channel=c.channel, outcome=c.outcome, agent_ref=c.agent_ref)
             for c, _, _ in contacts if c.outcome]
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                     CaseEvent.action.not_in(_NOT_TRIED))
                             .order_by(CaseEvent.id))
    items += [Tried(at=e.at, kind="event", action=e.action, actor=e.actor, text=e.text) for e in events]
    items.sort(key=lambda x: x.at)
    return items[-MAX_TRIED:]


def handoff_summary(session: Session, case: Case) -> Handoff:
    """The hand-off summary of ``case`` (see the module docstring)."""
    contacts = _contacts(session, case)
    return Handoff(topics=_topics(case, contacts), sentences=_key_sentences(case, contacts),
                   tried=_tried(session, case, contacts), contacts=len(contacts),
                   repeats=sum(1 for *_, r in contacts if r))
