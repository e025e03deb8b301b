"""Whose words count: in a transcript with speaker labels, the customer's turns.

A call or chat transcript (``坐席：…`` / ``客户：…``, ``Agent: …`` / ``Customer: …``) holds
the agent's scripted politeness (您好, 很高兴为您服务, 辛苦您久等了) beside what the customer
said. Sentiment, emotions and flags are the voice of the customer, so the pipeline reads them
from the customer's turns only; topics and keywords still read the whole transcript, since the
agent often names the matter (这笔赎回资金已经在清算中). A text without both an agent's and a
customer's label is read whole, as before.

Works on normalised text (``voc.text.normalize``: full-width colons become ``:``, line breaks
become spaces).
"""
from __future__ import annotations

import re
from typing import Sequence

__all__ = ["AGENT_LABELS", "CUSTOMER_LABELS", "customer_voice", "voice_docs"]

AGENT_LABELS = ("坐席", "客服", "客服代表", "人工客服", "专员", "柜员", "理财经理", "客户经理", "智能客服",
                "机器人", "agent", "staff", "bot")
CUSTOMER_LABELS = ("客户", "顾客", "用户", "来电人", "customer", "caller", "user")
_LABEL = re.compile(r"(?:^|(?<=\s))(" + "|".join(sorted(AGENT_LABELS + CUSTOMER_LABELS, key=len, reverse=True))
                    + r")\s?:", re.IGNORECASE)
_AGENT = frozenset(AGENT_LABELS)
_CUSTOMER = frozenset(CUSTOMER_LABELS)


def customer_voice(text: str) -> str | None:
    """The customer's turns of a labelled transcript, joined by spaces; None when ``text`` is
    not a transcript with both an agent's and a customer's label (then it is read whole)."""
    if ":" not in text:  # most texts: no label at all
        return None
    marks = list(_LABEL.finditer(text))
    speakers = [m.group(1).lower() for m in marks]
    if not (_AGENT.intersection(speakers) and _CUSTOMER.intersection(speakers)):
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    turns = [text[m.end():end].strip() for m, who, end in zip(marks, speakers, ends) if who in _CUSTOMER]
    return " ".join(t for t in turns if t)


def voice_docs(docs: Sequence[tuple[str, list[str]]], segment_many) -> list[tuple[str, list[str]]]:
    """``docs`` (normalised text, words) with each transcript replaced by its customer's
    turns, segmented in one call; other docs are returned as they are."""
    out = list(docs)
    where: list[int] = []
    voices: list[str] = []
    for i, (norm, _) in enumerate(docs):
        voice = customer_voice(norm)
        if voice is not None:
            where.append(i)
            voices.append(voice)
    if voices:
        for i, voice, words in zip(where, voices, segment_many(voices)):
            out[i] = (voice, words)
    return out
