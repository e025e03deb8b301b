"""Care rules: empathy when the customer is upset, pace for elderly callers, talking over
the customer, long silences. They read emotions (the VOC engine) and turn times."""
from __future__ import annotations

import re
from typing import Sequence

from xinsheng.quality.concepts import Hit, Located, find_all, locate
from xinsheng.quality.findings import Finding, failed_at, not_needed, passed_at
from xinsheng.quality.rules import Rule, RuleSet
from xinsheng.quality.transcript import Turn

__all__ = ["check_empathy", "check_pace", "check_talk_over", "check_silence", "speech_rate"]

_NOT_SPOKEN = re.compile(r"[\s，,。.!！?？；;：:、…\"'“”‘’（）()—-]")


def _whole(index: int, turn: Turn) -> Located:
    return Located(index, turn, Hit(0, len(turn.text), turn.text, turn.text))


def check_empathy(rules: RuleSet, rule: Rule, turns: Sequence[Turn], emotions: list[dict[str, float]]) -> Finding:
    """When a customer turn is angry or anxious (VOC intensities at or over ``upset``), one of
    the next ``within_agent_turns`` agent turns must carry the empathy concept."""
    limits = rule.options["upset"]
    req = rule.options["require"]
    customer = [(i, t) for i, t in enumerate(turns) if t.speaker == "customer"]
    for (i, turn), emo in zip(customer, emotions):
        if not any(emo.get(name, 0.0) >= float(level) for name, level in limits.items() if name != "__line__"):
            continue
        window = int(req.get("within_agent_turns", 2))
        agent_after = [j for j in range(i + 1, len(turns)) if turns[j].speaker == "agent"][:window]
        for j in agent_after:
            found = locate(rules, turns, req["concept"], "agent", start_index=j)
            if found is not None and found.index == j:
                return passed_at(rule, found)
        return failed_at(rule, _whole(i, turn), "upset_no_empathy")
    return not_needed(rule)


def speech_rate(turn: Turn) -> float:
    """Spoken characters per second (punctuation and spaces not counted)."""
    chars = len(_NOT_SPOKEN.sub("", turn.text))
    duration = turn.end - turn.start
    return chars / duration if duration > 0 else 0.0


def check_pace(rules: RuleSet, rule: Rule, turns: Sequence[Turn]) -> Finding:
    """After a customer turn shows an elderly caller, every agent turn of 8 characters or more
    stays at or under ``max_chars_per_second``, and the agent uses at most
    ``max_jargon_terms`` distinct jargon terms."""
    need = rule.options["needed_when"]
    cue = locate(rules, turns, need["concept"], need.get("speaker", "customer"))
    if cue is None:
        return not_needed(rule)
    after = [(i, t) for i, t in enumerate(turns) if i > cue.index and t.speaker == "agent"]
    fastest = max(((i, t) for i, t in after if len(_NOT_SPOKEN.sub("", t.text)) >= 8),
                  key=lambda it: speech_rate(it[1]), default=None)
    limit = float(rule.options["max_chars_per_second"])
    if fastest is not None and speech_rate(fastest[1]) > limit:
        rate = speech_rate(fastest[1])
        return failed_at(rule, _whole(*fastest), f"fast:{rate:.1f}")
    jargon = rules.concepts.get(str(rule.options.get("jargon", "jargon")))
    if jargon is not None:
        terms: dict[str, Located] = {}
        for i, t in after:
            for hit in find_all(rules, jargon, t.text):
                terms.setdefault(hit.match.upper(), Located(i, t, hit))
        if len(terms) > int(rule.options.get("max_jargon_terms", 1)):
            first = min(terms.values(), key=lambda loc: (loc.index, loc.hit.start))
            return failed_at(rule, first, "jargon:" + "、".join(sorted(terms)))
    return passed_at(rule, cue, "calm_pace")


def check_talk_over(rule: Rule, turns: Sequence[Turn]) -> Finding:
    """An agent turn (longer than a backchannel such as 嗯/好的) that starts while the customer
    is speaking and overlaps them by ``min_overlap_seconds`` or more."""
    min_overlap = float(rule.options["min_overlap_seconds"])
    backchannel = int(rule.options.get("backchannel_max_chars", 2))
    cases = []
    for i, a in enumerate(turns):
        if a.speaker != "agent" or len(_NOT_SPOKEN.sub("", a.text)) <= backchannel:
            continue
        for c in turns:
            if c.speaker == "customer" and c.start < a.start < c.end and min(c.end, a.end) - a.start >= min_overlap:
                cases.append((i, a))
                break
    if not cases:
        return Finding(rule.code, rule.kind, True)
    note = f"talk_over:{len(cases)}"
    return failed_at(rule, _whole(*cases[0]), note)


def check_silence(rules: RuleSet, rule: Rule, turns: Sequence[Turn]) -> Finding:
    """A gap with no one speaking of ``max_gap_seconds`` or more, unless the last agent turn
    before it asked the customer to hold (the ``excused_by`` concept)."""
    max_gap = float(rule.options["max_gap_seconds"])
    hold = rules.concepts.get(str(rule.options.get("excused_by", "")))
    spoken_until, last_agent = None, None
    for i, t in enumerate(turns):
        if spoken_until is not None and t.start - spoken_until >= max_gap:
            excused = hold is not None and last_agent is not None and find_all(rules, hold, last_agent[1].text)
            if not excused:
                before = turns[i - 1]
                where = _whole(i - 1, before)
                f = failed_at(rule, where, f"silence:{t.start - spoken_until:.0f}")
                f.start = round(spoken_until, 1)
                return f
        spoken_until = t.end if spoken_until is None else max(spoken_until, t.end)
        if t.speaker == "agent":
            last_agent = (i, t)
    return Finding(rule.code, rule.kind, True)
