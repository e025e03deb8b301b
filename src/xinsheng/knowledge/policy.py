"""The answer bot's policy (应答策略): answer, ask which one, or hand over to a person.

* The customer asks for a person (转人工, 人工服务, 找客服 …) → hand-off.
* The customer is angry → hand-off: a bot answer to an angry customer makes it worse.
  Anger is the VOC engine's emotion (one definition of anger for the whole product, with
  negation, degree words and word boundaries): 利滚利 is not 滚, 律师费用 is not
  anger, and "??" alone is not anger.
* The best article is confident, clearly ahead of the next, and mentions every banking
  word of the question (房贷利率 is not answered with 大额存单利率) → answer.
* Several articles are about as likely, or the best is only plausible → clarify:
  "您是想问…?" with the candidates.
* Nothing is plausible → hand-off with the candidates, so the agent starts from them.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from xinsheng.knowledge.matching.index import Match
from xinsheng.voc.text import normalize

log = logging.getLogger(__name__)

_PERSON = re.compile(
    r"转人工|人工服务|人工客服|人工坐席|接人工|找人工|要人工|转接人工|真人|找客服|客服人员|"
    r"找个人|人工台|^人工$|^(?:我要)?(?:找)?人工[!?,. ]*$|不要机器人|不想跟机器人|"
    r"\boperator\b|\bhuman\b|\breal person\b|\bagent please\b"
)


@dataclass(frozen=True)
class Thresholds:
    """Confidence levels of the decision (probabilities from the pair scorer)."""

    answer: float = 0.80  # answer outright from here ...
    margin: float = 0.10  # ... when the runner-up is this far behind
    plausible: float = 0.45  # below this an article is not offered to the customer ...
    hint: float = 0.10  # ... but still passed to the agent who takes over, from here (0.15 before
    # the scorer's probabilities were calibrated on general pairs, which lowers the middle ones)
    anger: float = 0.5  # anger intensity that hands over to a person
    max_choices: int = 3


def asks_for_person(text: str) -> bool:
    return bool(_PERSON.search(normalize(text)))


@lru_cache(maxsize=1)
def _voc_analyzer():
    from xinsheng.voc.pipeline import get_analyzer

    return get_analyzer()


def anger(text: str) -> float:
    """Anger intensity in [0, 1]: the VOC engine's emotion, the one definition of anger
    (with negation, degree words and word boundaries). An analyzer that fails is logged
    and reads as calm: the matcher and the other hand-off rules still apply."""
    try:
        result = _voc_analyzer().analyze(text)
    except Exception:
        log.exception("VOC analyzer failed; the answer bot cannot tell anger this time")
        return 0.0
    return float((result.get("emotions") or {}).get("anger") or 0.0)


@dataclass
class Decision:
    decision: str  # answer | clarify | handoff
    reason: str  # confident | ambiguous | unsure | low_confidence | no_match | asked_for_person | angry
    chosen: list[Match]


def decide(text: str, matches: list[Match], th: Thresholds = Thresholds()) -> Decision:
    """What the bot does with ``matches`` (best first) for the customer's ``text``."""
    plausible = [m for m in matches if m.confidence >= th.plausible][: th.max_choices]
    hints = [m for m in matches if m.confidence >= th.hint][: th.max_choices]
    if asks_for_person(text):
        return Decision("handoff", "asked_for_person", hints)
    if anger(text) >= th.anger:
        return Decision("handoff", "angry", hints)
    if not matches:
        return Decision("handoff", "no_match", [])
    if not plausible:
        return Decision("handoff", "low_confidence", hints)
    top = plausible[0]
    close = [m for m in plausible[1:] if top.confidence - m.confidence < th.margin and not m.why.get("uncovered")]
    if top.confidence >= th.answer and not close and not top.why.get("uncovered"):
        return Decision("answer", "confident", [top])
    return Decision("clarify", "ambiguous" if close else "unsure", [top, *close] if close else plausible)


MESSAGES = {
    "confident": "",
    "ambiguous": "您想咨询的是以下哪一个问题？",
    "unsure": "您是想咨询以下问题吗？",
    "low_confidence": "这个问题我还不能准确回答，正在为您转接人工客服。",
    "no_match": "这个问题我还不能回答，正在为您转接人工客服。",
    "asked_for_person": "好的，正在为您转接人工客服，请稍候。",
    "angry": "非常抱歉给您带来不便，正在为您转接人工客服。",
}
