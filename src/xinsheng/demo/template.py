"""A tiny template language for compositional texts.

``[甲|乙|]`` picks one alternative (an empty one is allowed), ``{slot}`` is filled by a
slot function from :mod:`xinsheng.demo.slots`. Alternatives may contain slots but no
nested brackets. Templates are parsed once and cached.
"""
from __future__ import annotations

import random
import re
from typing import Any, Callable

__all__ = ["fill", "Ctx"]

_TOKEN = re.compile(r"\[([^\[\]]*)\]|\{(\w+)\}")

# A parsed template is a tuple of parts: str (literal), ("s", name) or ("c", (alts...)),
# where each alternative is itself a tuple of str / ("s", name) parts.
_CACHE: dict[str, tuple | str] = {}


class Ctx(dict):
    """Per-text context: values shared by all slots of one text (the date, the version …)."""

    def __init__(self, rng: random.Random, **values: Any) -> None:
        super().__init__(values)
        self.rng = rng


def _parse_flat(text: str) -> tuple:
    parts: list = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append(("s", m.group(1)))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def _parse(template: str) -> tuple:
    parts: list = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            parts.append(template[pos:m.start()])
        if m.group(1) is not None:
            parts.append(("c", tuple(_parse_flat(alt) for alt in m.group(1).split("|"))))
        else:
            parts.append(("s", m.group(2)))
        pos = m.end()
    if pos < len(template):
        parts.append(template[pos:])
    return tuple(parts)


def _render(parts: tuple, ctx: Ctx, slots: dict[str, Callable[[Ctx], str]], out: list[str]) -> None:
    rng = ctx.rng
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "s":
            out.append(slots[part[1]](ctx))
        else:
            alts = part[1]
            _render(alts[int(rng.random() * len(alts))], ctx, slots, out)


def fill(template: str, ctx: Ctx, slots: dict[str, Callable[[Ctx], str]]) -> str:
    """Expand ``template`` with random alternatives and slot values."""
    parts = _CACHE.get(template)
    if parts is None:
        parts = _parse(template)
        if all(isinstance(p, str) for p in parts):
            parts = "".join(parts)  # a plain literal: no choices, no slots
        _CACHE[template] = parts
    if isinstance(parts, str):
        return parts
    out: list[str] = []
    _render(parts, ctx, slots, out)
    return "".join(out)
