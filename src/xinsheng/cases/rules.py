"""Escalation rules as data (``cases/data/escalation_rules.yaml``), evaluated purely.

The caller fills :class:`CaseFacts` (plain values from the case, the customer and the latest
contact) and :func:`evaluate` returns a :class:`Firing` per rule that holds, each with a
``cause``: a stable key so the caller records a rule once per cause (``case_escalations`` is
unique per case, rule and cause):

=================  ==============================================  =======================
rule               fires when                                      cause
=================  ==============================================  =======================
sla_breach         ``now`` ≥ ``due_at`` (or ``sla_state`` breached)  ``due:<due_at UTC>``
repeat_contact     ≥ N contacts on the topic within any D days     ``case``
strong_emotion     anger/anxiety ≥ threshold in the latest contact ``interaction:<id>``
vip                segment listed, or a listed customer flag       ``case``
regulatory_risk    words in the text, a VOC flag, or referral      ``case``
vulnerable         age ≥ min, a VOC flag, customer flag or note    ``case``
=================  ==============================================  =======================

No database, no clock: ``now`` comes in the facts.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from xinsheng.cases.configfiles import ConfigFileError, Reader, YDict, parse, read_source

__all__ = ["CODES", "Rule", "RuleSet", "CaseFacts", "Firing", "evaluate", "load_rules", "default_rules",
           "ConfigFileError"]

SHIPPED = "escalation_rules.yaml"
CODES = ("sla_breach", "repeat_contact", "strong_emotion", "vip", "regulatory_risk", "vulnerable")
EMOTION_LABELS = {"anger": ("愤怒", "anger"), "anxiety": ("焦虑", "anxiety"), "sadness": ("悲伤", "sadness")}
#: the VOC emotions (``xinsheng.voc.rules.EMOTIONS``; a test keeps the two equal, importing VOC here is slow)
EMOTIONS = ("anger", "anxiety", "sadness", "gratitude", "joy", "surprise")
SEGMENT_LABELS = {"private": ("私人银行", "private-banking"), "affluent": ("财富", "affluent"),
                  "mass": ("大众", "mass-market")}

_ACTION_KEYS = ("enabled", "kinds", "to_tier", "to_level", "level_up", "risk", "reason", "reason_en")
#: rule → (its own settings, the placeholders its reasons may use)
_RULE_KEYS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "sla_breach": ((), frozenset({"due_at"})),
    "repeat_contact": (("contacts", "within_days"), frozenset({"count", "days"})),
    "strong_emotion": (("emotions", "threshold"), frozenset({"emotion", "emotion_en", "score"})),
    "vip": (("segments", "customer_flags"), frozenset({"segment", "segment_en"})),
    "regulatory_risk": (("words", "words_en", "flags", "regulator_referred"), frozenset({"words"})),
    "vulnerable": (("min_age", "flags", "customer_flags", "note_words"), frozenset({"why", "why_en"})),
}


@dataclass(frozen=True)
class Rule:
    code: str
    enabled: bool
    reason: str
    reason_en: str
    to_tier: int | None = None
    to_level: int | None = None
    level_up: int = 0
    risk: float = 0.0
    kinds: frozenset[str] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def get(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)


@dataclass
class CaseFacts:
    """What the rules look at, filled by the caller (no database here)."""

    now: datetime
    kind: str = "complaint"
    tier: int = 1
    authority_level: int = 1
    sla_state: str = "on_track"
    due_at: datetime | None = None
    segment: str | None = None
    age: int | None = None
    birth_year: int | None = None  # used when ``age`` is None: age = now's year − birth year
    customer_flags: Sequence[str] = ()  # e.g. attribute keys that are true: vip, vulnerable
    customer_notes: Sequence[str] = ()  # the customer's notes (decrypted), scanned for note_words
    regulator_referred: bool = False
    #: when each contact on the case's topic happened (the first one included)
    repeat_contact_times: Sequence[datetime] = ()
    latest_contact_id: int | str | None = None
    latest_emotions: Mapping[str, float] = field(default_factory=dict)
    latest_flags: Sequence[str] = ()
    latest_text: str | None = None  # masked text of the latest contact (or the case's own text)


@dataclass(frozen=True)
class Firing:
    rule: str
    cause: str
    reason_zh: str
    reason_en: str
    to_tier: int | None  # a tier above the case's, else None
    to_level: int | None  # an authority level above the case's, else None
    risk: float = 0.0
    detail: Mapping[str, Any] = field(default_factory=dict)


# -- evaluation ------------------------------------------------------------------------------
def evaluate(rules: RuleSet, facts: CaseFacts, *, max_level: int = 4, tz: str | None = None) -> list[Firing]:
    """Every enabled rule that holds for ``facts``, in the order of :data:`CODES`.

    ``max_level``: the top of the authority pyramid (``level_up`` stops there); ``tz``: the
    zone in which reasons show times (default ``XINSHENG_DISPLAY_TIMEZONE``).
    """
    zone = ZoneInfo(tz or _display_timezone())
    out = []
    for rule in rules.rules:
        if not rule.enabled or (rule.kinds is not None and facts.kind not in rule.kinds):
            continue
        hit = _CHECKS[rule.code](rule, facts, zone)
        if hit is not None:
            cause, values, detail = hit
            out.append(_firing(rule, facts, cause, values, detail, max_level))
    return out


Hit = tuple[str, dict[str, Any], dict[str, Any]]


def _firing(rule: Rule, facts: CaseFacts, cause: str, values: dict[str, Any], detail: dict[str, Any],
            max_level: int) -> Firing:
    zh = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    en = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    level = max(rule.to_level or 0, facts.authority_level + rule.level_up if rule.level_up else 0)
    level = min(level, max_level)
    return Firing(rule=rule.code, cause=cause, reason_zh=rule.reason.format_map(zh),
                  reason_en=rule.reason_en.format_map(en),
                  to_tier=rule.to_tier if rule.to_tier and rule.to_tier > facts.tier else None,
                  to_level=level if level > facts.authority_level else None, risk=rule.risk, detail=detail)


def _sla_breach(rule: Rule, f: CaseFacts, zone: ZoneInfo) -> Hit | None:
    breached = f.sla_state == "breached" or (f.due_at is not None and f.now >= f.due_at)
    if not breached:
        return None
    if f.due_at is None:
        return "due:unknown", {"due_at": ("时限", "the deadline")}, {}
    due = _utc(f.due_at)
    shown = due.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return f"due:{due.strftime('%Y-%m-%dT%H:%MZ')}", {"due_at": shown}, {"due_at": due.isoformat()}


def _repeat_contact(rule: Rule, f: CaseFacts, zone: ZoneInfo) -> Hit | None:
    need, days = rule.params["contacts"], rule.params["within_days"]
    times = sorted(_utc(t) for t in f.repeat_contact_times if _utc(t) <= _utc(f.now))
    window, best, lo = timedelta(days=days), 0, 0
    for hi, t in enumerate(times):  # the most contacts inside any window of `days`
        while t - times[lo] > window:
            lo += 1
        best = max(best, hi - lo + 1)
    if best < need:
        return None
    return "case", {"count": best, "days": days}, {"contacts": best}


def _strong_emotion(rule: Rule, f: CaseFacts, zone: ZoneInfo) -> Hit | None:
    scores = [(float(f.latest_emotions.get(e) or 0.0), e) for e in rule.params["emotions"]]
    score, emotion = max(scores, default=(0.0, ""))
    if score < rule.params["threshold"]:
        return None
    zh, en = EMOTION_LABELS.get(emotion, (emotion, emotion))
    cause = f"interaction:{f.latest_contact_id}" if f.latest_contact_id is not None else "interaction:latest"
    return cause, {"emotion": zh, "emotion_en": en, "score": f"{score:.2f}"}, {"emotion": emotion, "score": score}


def _vip(rule: Rule, f: CaseFacts, zone: ZoneInfo) -> Hit | None:
    if f.segment in rule.params["segments"]:
        zh, en = SEGMENT_LABELS.get(f.segment, (f.segment, f.segment))
    elif set(f.customer_flags) & set(rule.params["customer_flags"]):
        zh, en = "VIP", "VIP"
    else:
        return None
    return "case", {"segment": zh, "segment_en": en}, {"segment": f.segment}


def _regulatory_risk(rule: Rule, f: CaseFacts, zone: ZoneInfo) -> Hit | None:
    text = f.latest_text or ""
    low = text.lower()  # substring first (fast), then whole-word check for Latin words
    found = [w for w, lw, rx in rule.params["_patterns"] if lw in low and (rx is None or rx.search(text))]
    zh, en = list(found), list(found)
    flags = [x for x in rule.params["flags"] if x in f.latest_flags]
    if flags:
        zh.append("文本分析标记"), en.append("flagged by the text analysis")
    if rule.params["regulator_referred"] and f.regulator_referred:
        zh.append("监管转办"), en.append("referred by the regulator")
    if not zh:
        return None
    return "case", {"words": ("、".join(zh), ", ".join(en))}, {"words": found, "flags": flags}


def _vulnerable(rule: Rule, f: CaseFacts, zone: ZoneInfo) -> Hit | None:
    zh, en = [], []
    age = f.age if f.age is not None else (f.now.year - f.birth_year if f.birth_year else None)
    if age is not None and age >= rule.params["min_age"]:
        zh.append(f"{age}岁"), en.append(f"aged {age}")
    if any(x in f.latest_flags for x in rule.params["flags"]):
        zh.append("文本分析标记"), en.append("flagged by the text analysis")
    marked = [x for x in f.customer_flags if x in rule.params["customer_flags"]]
    if marked:
        zh.append("客户标记：" + "、".join(marked)), en.append("customer marked " + ", ".join(marked))
    if any(w in note for note in f.customer_notes for w in rule.params["note_words"]):
        zh.append("客户备注提示特殊需要"), en.append("a customer note shows special needs")
    if not zh:
        return None
    return "case", {"why": "；".join(zh), "why_en": "; ".join(en)}, {"age": age, "customer_flags": marked}


_CHECKS: dict[str, Callable[[Rule, CaseFacts, ZoneInfo], Hit | None]] = {
    "sla_breach": _sla_breach, "repeat_contact": _repeat_contact, "strong_emotion": _strong_emotion,
    "vip": _vip, "regulatory_risk": _regulatory_risk, "vulnerable": _vulnerable,
}


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


def _display_timezone() -> str:
    from xinsheng.config import get_settings

    return get_settings().display_timezone


def _word_pattern(word: str) -> re.Pattern[str] | None:
    """Latin words match whole words, case-insensitively (``sue`` not in ``issue``): their
    pattern; other words match anywhere (None: the substring test suffices)."""
    if re.fullmatch(r"[A-Za-z0-9 ]+", word) and not word.isdigit():
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", re.IGNORECASE)
    return None


# -- loading -------------------------------------------------------------------------------
def load_rules(text: str | None = None, *, source: str | Path | None = None) -> RuleSet:
    """The rules in ``text`` (or the file ``source``, or the shipped ``escalation_rules.yaml``);
    a broken file raises :class:`ConfigFileError` with the file, line and problem. A rule
    the file leaves out is off."""
    text, name = read_source(text, source, SHIPPED)
    r = Reader(name)
    top = r.keys(parse(text, name), 1, "the rules file", ("version", "rules"), ("rules",))
    found = r.keys(top["rules"], top.line_of("rules"), "rules", CODES)
    return RuleSet(tuple(_rule(r, found, code) for code in CODES if code in found))


def _rule(r: Reader, found: YDict, code: str) -> Rule:
    own, placeholders = _RULE_KEYS[code]
    e = r.keys(found[code], found.line_of(code), code, _ACTION_KEYS + own, ("reason", "reason_en"))
    for key in ("reason", "reason_en"):
        _check_template(r, e, key, code, placeholders)
    kinds = _strs(r, e, "kinds", code, None)
    if kinds is not None:
        for k in kinds:
            if k not in ("complaint", "request", "inquiry"):
                raise r.fail(e.line_of("kinds"), f"{code} kinds: unknown {k!r} (complaint, request, inquiry)")
    return Rule(code=code, enabled=r.boolean(e, "enabled", code, True), reason=str(e["reason"]),
                reason_en=str(e["reason_en"]), to_tier=r.integer(e, "to_tier", code, None, lo=2, hi=3),
                to_level=r.integer(e, "to_level", code, None, lo=1), level_up=r.integer(e, "level_up", code, 0, lo=0) or 0,
                risk=r.number(e, "risk", code, 0.0, 0.0, 100.0) or 0.0,
                kinds=frozenset(kinds) if kinds is not None else None, params=_PARAMS[code](r, e, code))


def _check_template(r: Reader, e: YDict, key: str, code: str, placeholders: frozenset[str]) -> None:
    text = r.text(e, key, code) or ""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise r.fail(e.line_of(key), f"{code} {key}: not a valid template ({exc}); write {{{{ and }}}} for braces") from None
    unknown = sorted(n for n in names if n not in placeholders)
    if unknown:
        offers = ", ".join("{%s}" % p for p in sorted(placeholders))
        raise r.fail(e.line_of(key), f"{code} {key}: unknown placeholder {{{unknown[0]}}} (this rule offers {offers})")


def _strs(r: Reader, e: YDict, key: str, where: str, default: list[str] | None) -> list[str] | None:
    if key not in e:
        return default
    value = e[key]
    if not isinstance(value, list) or any(isinstance(v, (dict, list, bool)) or v is None for v in value):
        raise r.fail(e.line_of(key), f"{where} '{key}' must be a list of words or codes")
    return [str(v) for v in value]


def _p_repeat(r: Reader, e: YDict, code: str) -> dict[str, Any]:
    return {"contacts": r.integer(e, "contacts", code, 3, lo=2), "within_days": r.integer(e, "within_days", code, 7, lo=1)}


def _p_emotion(r: Reader, e: YDict, code: str) -> dict[str, Any]:
    emotions = _strs(r, e, "emotions", code, ["anger", "anxiety"]) or []
    for x in emotions:
        if x not in EMOTIONS:
            raise r.fail(e.line_of("emotions"), f"{code} emotions: unknown {x!r} (one of {', '.join(EMOTIONS)})")
    return {"emotions": emotions, "threshold": r.number(e, "threshold", code, 0.6, 0.0, 1.0)}


def _p_vip(r: Reader, e: YDict, code: str) -> dict[str, Any]:
    return {"segments": _strs(r, e, "segments", code, ["private"]), "customer_flags": _strs(r, e, "customer_flags", code, [])}


def _p_regulatory(r: Reader, e: YDict, code: str) -> dict[str, Any]:
    words = (_strs(r, e, "words", code, []) or []) + (_strs(r, e, "words_en", code, []) or [])
    if any(not w.strip() for w in words):
        raise r.fail(e.line_of("words"), f"{code}: an empty word would match every text")
    return {"words": words, "_patterns": [(w, w.lower(), _word_pattern(w)) for w in words],
            "flags": _strs(r, e, "flags", code, ["regulatory_risk"]),
            "regulator_referred": r.boolean(e, "regulator_referred", code, True)}


def _p_vulnerable(r: Reader, e: YDict, code: str) -> dict[str, Any]:
    notes = _strs(r, e, "note_words", code, []) or []
    if any(not w.strip() for w in notes):
        raise r.fail(e.line_of("note_words"), f"{code}: an empty note word would match every note")
    return {"min_age": r.integer(e, "min_age", code, 65, lo=0, hi=150),
            "flags": _strs(r, e, "flags", code, ["vulnerable_customer"]),
            "customer_flags": _strs(r, e, "customer_flags", code, ["vulnerable"]), "note_words": notes}


_PARAMS: dict[str, Callable[[Reader, YDict, str], dict[str, Any]]] = {
    "sla_breach": lambda r, e, code: {}, "repeat_contact": _p_repeat, "strong_emotion": _p_emotion,
    "vip": _p_vip, "regulatory_risk": _p_regulatory, "vulnerable": _p_vulnerable,
}


@lru_cache(maxsize=8)
def _cached(path: str | None) -> RuleSet:
    return load_rules(source=path)


def default_rules() -> RuleSet:
    """The rules of ``XINSHENG_CASES_RULES`` (else the shipped ones), cached per file."""
    from xinsheng.config import get_settings

    path = getattr(get_settings(), "cases_rules", None)
    return _cached(str(path) if path else None)


default_rules.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
