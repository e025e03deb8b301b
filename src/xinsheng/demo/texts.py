"""Compositional Chinese customer texts: statements, transcripts, e-mails, social posts.

A statement is built from the topic's templates (problem / inquiry / solved, request)
and generic phrases (opening, emotion with intensity, negation, contrast, threats to go
to the regulator or the media, churn intent, closing). Every text comes with its ground
truth (:class:`Voice`): topic, sentiment, emotion, intensity and flags.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from xinsheng.demo import phrases as P
from xinsheng.demo.rand import wpick
from xinsheng.demo.slots import SLOTS
from xinsheng.demo.template import Ctx, fill
from xinsheng.demo.topicbase import Topic

__all__ = ["Voice", "statement", "choose_sentiment", "transcript", "chat_dialogue", "email_body", "social_post"]

_ANXIOUS = frozenset({"wealth_redemption_delay", "card_fraud", "debit_card_loss", "overseas_remittance",
                      "transfer_failure", "loan_progress", "social_security_card"})
_SAD = frozenset({"fund_loss", "advisor_attitude", "elderly_service", "wealth_mis_selling"})


@dataclass
class Voice:
    """Ground truth of one generated text."""

    topic: str
    sentiment: str
    emotion: str | None = None
    intensity: int = 0
    flags: list[str] = field(default_factory=list)

    def attributes(self) -> dict:
        out: dict = {"topic": self.topic, "sentiment": self.sentiment}
        if self.emotion:
            out["emotion"] = self.emotion
            out["intensity"] = self.intensity
        if self.flags:
            out["flags"] = list(self.flags)
        return out


def _f(template: str, ctx: Ctx) -> str:
    return fill(template, ctx, SLOTS)


def _any(ctx: Ctx, options: tuple[str, ...]) -> str:
    return _f(options[int(ctx.rng.random() * len(options))], ctx)


def _opening(ctx: Ctx, options: tuple[str, ...]) -> str:
    """An opening phrase, unless the context says the text is a turn in a dialogue."""
    return _any(ctx, options) if ctx.get("opening", True) else ""


def _end(sentence: str, mark: str = "。") -> str:
    return sentence if sentence[-1:] in "。！？!?" else sentence + mark


def choose_sentiment(rng: random.Random, topic: Topic, channel: str) -> str:
    neg, neu, pos = topic.mood
    if channel == "social":
        neg, neu = neg * 2, neu // 2
    elif channel in ("phone", "ivr"):
        neu = neu * 3 // 2
    return wpick(rng, ("negative", "neutral", "positive"), (neg, neu, pos))


def _negative(ctx: Ctx, topic: Topic, elderly: bool, intensity: int | None) -> tuple[list[str], Voice]:
    rng = ctx.rng
    level = intensity or wpick(rng, (1, 2, 3), (35, 45, 20))
    if topic.code in _ANXIOUS:
        emotion = wpick(rng, ("anxiety", "anger"), (70, 30))
    elif topic.code in _SAD:
        emotion = wpick(rng, ("sadness", "anger"), (55, 45))
    else:
        emotion = wpick(rng, ("anger", "anxiety", "sadness"), (65, 20, 15))
    voice = Voice(topic.code, "negative", emotion, level)
    first = _opening(ctx, P.COMPLAINT_OPENINGS) + (_any(ctx, P.ELDERLY) if elderly and rng.random() < 0.45 else "")
    first += _any(ctx, topic.problems)
    if rng.random() < 0.15:
        first += "，" + _any(ctx, P.CONTRAST_NEG)
    out = [_end(first)]
    if rng.random() < 0.3:
        out.append(_end(_any(ctx, P.UNRESOLVED), "！" if level > 1 else "。"))
    if rng.random() < 0.8:
        out.append(_end(_any(ctx, P.EMOTIONS[(emotion, level)]), "！" if level > 1 else "。"))
    out.append(_request(ctx, topic))
    if rng.random() < (0.02, 0.1, 0.32)[level - 1]:
        out.append(_any(ctx, P.THREATS) + "！")
        voice.flags.append("regulatory_risk")
    if rng.random() < (0.01, 0.05, 0.15)[level - 1]:
        out.append(_any(ctx, P.CHURN) + "。")
        voice.flags.append("churn_intent")
    out.append(_any(ctx, P.CLOSINGS_NEG))
    return out, voice


def _request(ctx: Ctx, topic: Topic) -> str:
    pool = topic.requests if topic.requests and ctx.rng.random() < 0.75 else P.GENERIC_REQUESTS
    frame = P.REQUEST_FRAMES[int(ctx.rng.random() * len(P.REQUEST_FRAMES))]
    return _end(frame.replace("{req}", _any(ctx, pool)))


def _neutral(ctx: Ctx, topic: Topic, elderly: bool) -> tuple[list[str], Voice]:
    rng = ctx.rng
    first = _opening(ctx, P.OPENINGS) + (_any(ctx, P.ELDERLY) if elderly and rng.random() < 0.3 else "")
    out = [_end(first + _any(ctx, topic.inquiries), "？")]
    if rng.random() < 0.35:
        out.append(_request(ctx, topic))
    out.append(_any(ctx, P.CLOSINGS_NEU))
    return out, Voice(topic.code, "neutral")


def _positive(ctx: Ctx, topic: Topic) -> tuple[list[str], Voice]:
    rng = ctx.rng
    level = wpick(rng, (1, 2, 3), (30, 50, 20))
    first = _opening(ctx, ("", "", "你好，", "想说一下，", "反馈一下，"))
    if rng.random() < 0.15:
        first += _any(ctx, P.CONTRAST_POS) + "，"
    first += _any(ctx, topic.solved)
    out = [_end(first)]
    if rng.random() < 0.5:
        out.append(_end(_any(ctx, P.PRAISE)))
    out.append(_end(_any(ctx, P.GRATITUDE[level]), "！" if level > 1 else "。"))
    return out, Voice(topic.code, "positive", "gratitude", level)


def statement(ctx: Ctx, topic: Topic, sentiment: str, *, elderly: bool = False,
              intensity: int | None = None) -> tuple[str, Voice]:
    """One customer statement about ``topic`` with the given sentiment, and its ground truth."""
    if sentiment == "negative" and topic.problems:
        parts, voice = _negative(ctx, topic, elderly, intensity)
    elif sentiment == "neutral" and topic.inquiries:
        parts, voice = _neutral(ctx, topic, elderly)
    else:
        parts, voice = _positive(ctx, topic)
    return "".join(parts), voice


def _agent_line(ctx: Ctx, topic: Topic, voice: Voice) -> str:
    empathy = _any(ctx, P.AGENT_EMPATHY) if voice.sentiment == "negative" else ""
    return _end(empathy + _any(ctx, topic.agent))


def _customer_ending(ctx: Ctx, voice: Voice) -> str:
    pools = {"negative": P.CUSTOMER_ENDINGS_NEG, "positive": P.CUSTOMER_ENDINGS_POS}
    return _any(ctx, pools.get(voice.sentiment, P.CUSTOMER_ENDINGS_NEU))


def transcript(ctx: Ctx, topic: Topic, text: str, voice: Voice, *, verify_name: str | None = None,
               speaker: str = "坐席") -> str:
    """A call transcript with customer and agent turns (``客户：…`` / ``坐席：…``)."""
    lines = [f"{speaker}：{_any(ctx, P.AGENT_GREETINGS)}", f"客户：{_any(ctx, P.PHONE_OPENINGS)}{text}"]
    if verify_name:
        lines.append(f"{speaker}：好的，为了保障您的账户安全，请问您是{verify_name}本人吗？")
        lines.append("客户：" + _any(ctx, ("对，是我。", "是的。", "对对，是我本人。")))
    lines.append(f"{speaker}：{_agent_line(ctx, topic, voice)}")
    lines.append(f"客户：{_customer_ending(ctx, voice)}")
    lines.append(f"{speaker}：{_any(ctx, P.AGENT_CLOSINGS)}")
    return "\n".join(lines)


def chat_dialogue(ctx: Ctx, topic: Topic, text: str, voice: Voice) -> str:
    """An online-chat exchange: the customer's message, the agent's answer, a reply."""
    lines = [f"客户：{text}", f"客服：{_agent_line(ctx, topic, voice)}", f"客户：{_customer_ending(ctx, voice)}"]
    return "\n".join(lines)


def email_body(ctx: Ctx, text: str, signature: str | None) -> str:
    """An e-mail: greeting, the statement, a closing, an optional signature."""
    body = f"{_any(ctx, P.EMAIL_GREETINGS)}\n{text}\n{_any(ctx, P.EMAIL_CLOSINGS)}"
    return body + (f"\n{signature}" if signature else "")


def social_post(ctx: Ctx, text: str, voice: Voice) -> str:
    """A social-media post (微博, 小红书, 黑猫投诉 …) around the statement."""
    if voice.sentiment == "positive":
        return text + _any(ctx, P.SOCIAL_POSITIVE)
    return _any(ctx, P.SOCIAL_PREFIX) + text + _any(ctx, P.SOCIAL_SUFFIX)
