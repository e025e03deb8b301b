"""The answer bot's policy (应答策略): answer, ask which one, or hand over to a person.

* The customer asks for a person (转人工, 人工服务, 找客服 …) → hand-off.
* The customer is angry (the VOC emotion analyzer when it is installed, and the small
  lexicon below) → hand-off: a bot answer to an angry customer makes it worse.
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
_ANGRY_WORDS = (
    "气死", "太差", "垃圾", "骗子", "坑人", "坑钱", "什么破", "破银行", "搞什么", "欺负人", "恶心",
    "滚", "妈的", "tmd", "他妈", "愤怒", "生气", "火大", "忍无可忍", "受够了", "无语", "投诉你们",
    "12378", "曝光", "找媒体", "起诉", "律师", "黑心", "流氓", "骗钱", "耍我", "耽误我", "差劲",
    "ridiculous", "angry", "furious", "terrible", "scam", "unacceptable",
)
_EXCLAIM = re.compile(r"[!?]{2,}")


@dataclass(frozen=True)
class Thresholds:
    """Confidence levels of the decision (probabilities from the pair scorer)."""

    answer: float = 0.80  # answer outright from here ...
    margin: float = 0.10  # ... when the runner-up is this far behind
    plausible: float = 0.45  # below this an article is not offered to the customer ...
    hint: float = 0.15  # ... but still passed to the agent who takes over, from here
    anger: float = 0.5  # anger intensity that hands over to a person
    max_choices: int = 3


def asks_for_person(text: str) -> bool:
    return bool(_PERSON.search(normalize(text)))


def _lexicon_anger(text: str) -> float:
    t = normalize(text)
    hits = sum(1 for w in _ANGRY_WORDS if w in t)
    return min(1.0, 0.4 * hits + (0.2 if _EXCLAIM.search(t) else 0.0))


@lru_cache(maxsize=1)
def _voc_analyzer():
    try:
        from xinsheng.voc.pipeline import get_analyzer
    except ImportError:
        return None
    return get_analyzer()


def anger(text: str) -> float:
    """Anger intensity in [0, 1]: the VOC analyzer's when it is installed, raised to the
    lexicon's when that is higher (an explicit threat such as 12378 or 曝光 always counts)."""
    local = _lexicon_anger(text)
    analyzer = _voc_analyzer()
    if analyzer is None:
        return local
    try:
        result = analyzer.analyze(text)
    except Exception:  # a failing analyzer must not silence the bot
        log.exception("VOC analyzer failed; using the anger lexicon")
        return local
    emotions = result.get("emotions") if isinstance(result, dict) else getattr(result, "emotions", None)
    value = (emotions or {}).get("anger") if isinstance(emotions, dict) else getattr(emotions, "anger", None)
    return max(local, float(value)) if value is not None else local


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
