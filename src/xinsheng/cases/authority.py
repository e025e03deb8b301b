"""The pyramid of complaint authority, as data (``cases/data/authority.yaml``).

Levels 1, 2, 3 … from the bottom, each with what it may decide (apology, fee waiver, refund,
goodwill), the largest compensation it may grant in CNY (``None``: no limit) and how many
deadline extensions it may approve. A decision above a handler's level is refused with
:class:`~xinsheng.errors.Forbidden` naming the lowest level that may take it, and
``data={"required_level": n}`` so the caller can offer escalation.

A person's level is their own ``authority_level`` when set, else their role's default
(``role_levels`` in the file; roles not listed: 1). A level above the top counts as the top.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from xinsheng.cases.configfiles import ConfigFileError, Reader, YDict, parse, read_source
from xinsheng.errors import Forbidden, InvalidInput

__all__ = ["DECISIONS", "AuthorityLevel", "AuthorityMatrix", "load_authority", "default_authority",
           "effective_level", "parse_amount", "ConfigFileError"]

SHIPPED = "authority.yaml"

#: decision code → (zh, en)
DECISIONS: dict[str, tuple[str, str]] = {
    "apology": ("致歉", "an apology"),
    "fee_waiver": ("免费/减免", "a fee waiver"),
    "refund": ("退款", "a refund"),
    "goodwill": ("补偿", "goodwill compensation"),
}


@dataclass(frozen=True)
class AuthorityLevel:
    level: int
    label: str
    label_en: str
    may_decide: frozenset[str]
    compensation_limit_cny: Decimal | None  # None: no limit
    extensions: int = 0  # how many extensions of one case this level may approve

    def allows(self, amount: Decimal) -> bool:
        return self.compensation_limit_cny is None or amount <= self.compensation_limit_cny


@dataclass(frozen=True)
class AuthorityMatrix:
    levels: tuple[AuthorityLevel, ...]
    role_levels: dict[str, int] = field(default_factory=dict)

    @property
    def top(self) -> int:
        return self.levels[-1].level

    def level(self, n: int) -> AuthorityLevel:
        """Level ``n`` (a number above the top counts as the top)."""
        if n < 1:
            raise ValueError("authority levels start at 1")
        return self.levels[min(n, self.top) - 1]

    def label(self, level: int, lang: str = "zh") -> str:
        """``投诉中心`` / ``complaint centre`` for level 3 of the shipped file."""
        lv = self.level(level)
        return lv.label_en if lang == "en" else lv.label

    def effective_level(self, role: str | None, user_level: int | None = None) -> int:
        """A person's level: their own ``user_level`` when set, else their role's default."""
        if user_level is not None:
            return max(1, min(int(user_level), self.top))
        return self.role_levels.get(role or "", 1)

    def required_level(self, amount: Decimal | float | int | str = 0, decision: str | None = None) -> int:
        """The lowest level that may grant ``amount`` CNY (of ``decision``, when given).

        Raises :class:`Forbidden` (``required_level: None``) when no level may, and
        :class:`InvalidInput` for a negative or non-numeric amount or an unknown decision.
        """
        value = parse_amount(amount)
        if decision is not None and decision not in DECISIONS:
            raise InvalidInput(f"decision: unknown {decision!r}; one of {', '.join(DECISIONS)}",
                               data={"field": "decision"})
        for lv in self.levels:
            if lv.allows(value) and (decision is None or decision in lv.may_decide):
                return lv.level
        if decision is not None and not any(decision in lv.may_decide for lv in self.levels):
            raise Forbidden(f"no authority level may decide {DECISIONS[decision][1]}",
                            data={"required_level": None, "amount_cny": str(value)})
        raise Forbidden(f"{_what(value, decision)} exceeds what any authority level may decide "
                        f"(the highest, level {self.top}, may grant up to {_cny(self.levels[-1].compensation_limit_cny)} CNY)",
                        data={"required_level": None, "amount_cny": str(value)})

    def check_decision(self, level: int, compensation_cny: Decimal | float | int | str = 0,
                       decision: str | None = None) -> None:
        """Refuse (:class:`Forbidden`) a decision above ``level``; the message names who may take it."""
        need = self.required_level(compensation_cny, decision)
        if level < need:
            value = parse_amount(compensation_cny)
            raise Forbidden(
                f"{_what(value, decision)} needs authority level {need} ({self.label(need, 'en')}); escalate the case",
                data={"required_level": need, "amount_cny": str(value)},
            )

    def extension_level(self, n: int) -> int | None:
        """The lowest level that may approve the ``n``-th extension (1-based); None: no level may."""
        return next((lv.level for lv in self.levels if lv.extensions >= n), None)


def parse_amount(value: Any, field_name: str = "compensation_cny") -> Decimal:
    """A compensation amount in CNY as a Decimal ≥ 0; else :class:`InvalidInput` naming the field."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{field_name}: an amount in CNY is required, not {value!r}", data={"field": field_name})
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidOperation
            amount = Decimal(repr(value))
        else:
            amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field_name}: {value!r} is not a number", data={"field": field_name}) from None
    if not amount.is_finite():
        raise InvalidInput(f"{field_name}: {value!r} is not a number", data={"field": field_name})
    if amount < 0:
        raise InvalidInput(f"{field_name}: must be 0 or more, not {value}", data={"field": field_name})
    return amount


def _cny(amount: Decimal | None) -> str:
    if amount is None:
        return "unlimited"
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount.normalize():,}"


def _what(amount: Decimal, decision: str | None) -> str:
    if decision is None:
        return f"a compensation of {_cny(amount)} CNY"
    en = DECISIONS[decision][1]
    return f"{en} of {_cny(amount)} CNY" if amount > 0 else en


# -- loading -------------------------------------------------------------------------------
def load_authority(text: str | None = None, *, source: str | Path | None = None) -> AuthorityMatrix:
    """The pyramid in ``text`` (or the file ``source``, or the shipped ``authority.yaml``);
    a broken file raises :class:`ConfigFileError` with the file, line and problem."""
    text, name = read_source(text, source, SHIPPED)
    r = Reader(name)
    top = r.keys(parse(text, name), 1, "the authority file", ("version", "levels", "role_levels"), ("levels",))
    entries = r.list(top, "levels", "the authority file")
    if not entries:
        raise r.fail(top.line_of("levels"), "'levels' needs at least one level")
    levels = tuple(_level(r, e, entries.line_of(i), i + 1) for i, e in enumerate(entries))
    for lower, upper in zip(levels, levels[1:]):
        _check_order(r, entries, lower, upper)
    roles = _roles(r, top, len(levels))
    return AuthorityMatrix(levels, roles)


def _level(r: Reader, entry: Any, line: int, expected: int) -> AuthorityLevel:
    where = f"level {expected}"
    e = r.keys(entry, line, where, ("level", "label", "label_en", "may_decide", "compensation_limit_cny",
                                    "extensions"), ("level", "label", "compensation_limit_cny"))
    if r.integer(e, "level", where, None) != expected:
        raise r.fail(e.line_of("level"), f"levels must be numbered 1, 2, 3 … in order; expected {expected}, "
                                         f"found {e['level']!r}")
    label = r.text(e, "label", where) or ""
    decide = r.list(e, "may_decide", where)
    for i, code in enumerate(decide):
        if code not in DECISIONS:
            raise r.fail(decide.line_of(i), f"{where}: unknown decision {code!r} (known: {', '.join(DECISIONS)})")
    limit = r.amount(e["compensation_limit_cny"], e.line_of("compensation_limit_cny"),
                     f"{where} compensation_limit_cny")
    return AuthorityLevel(expected, label, r.text(e, "label_en", where) or label, frozenset(decide), limit,
                          r.integer(e, "extensions", where, 0, lo=0) or 0)


def _check_order(r: Reader, entries: Any, lower: AuthorityLevel, upper: AuthorityLevel) -> None:
    line = entries.line_of(upper.level - 1)
    lo, hi = lower.compensation_limit_cny, upper.compensation_limit_cny
    if lo is None and hi is not None or (lo is not None and hi is not None and hi < lo):
        raise r.fail(line, f"level {upper.level} may grant less ({_cny(hi)} CNY) than level {lower.level} "
                           f"({_cny(lo)} CNY); a higher level must be able to do what a lower one may")
    missing = lower.may_decide - upper.may_decide
    if missing:
        raise r.fail(line, f"level {upper.level} may not decide {', '.join(sorted(missing))}, "
                           f"which level {lower.level} may")
    if upper.extensions < lower.extensions:
        raise r.fail(line, f"level {upper.level} may approve fewer extensions than level {lower.level}")


def _roles(r: Reader, top: YDict, n: int) -> dict[str, int]:
    from xinsheng.identity.permissions import ROLES

    if top.get("role_levels") is None:
        return {}
    roles = r.keys(top["role_levels"], top.line_of("role_levels"), "role_levels", ROLES)
    out = {}
    for role in roles:
        level = r.integer(roles, role, "role_levels", None, lo=1, hi=n)
        if level is None:
            raise r.fail(roles.line_of(role), f"role_levels: '{role}' needs a level from 1 to {n}")
        out[str(role)] = level
    return out


@lru_cache(maxsize=8)
def _cached(path: str | None) -> AuthorityMatrix:
    return load_authority(source=path)


def default_authority() -> AuthorityMatrix:
    """The pyramid of ``XINSHENG_CASES_AUTHORITY`` (else the shipped one), cached per file."""
    from xinsheng.config import get_settings

    path = getattr(get_settings(), "cases_authority", None)
    return _cached(str(path) if path else None)


default_authority.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]


def effective_level(role: str | None, user_level: int | None = None) -> int:
    """A person's authority level under the default pyramid (see :meth:`AuthorityMatrix.effective_level`)."""
    return default_authority().effective_level(role, user_level)
