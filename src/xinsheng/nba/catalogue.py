"""The next-best-action catalogue: bank-editable YAML, checked when loaded.

A file that does not parse, or an offer with a bad field, is refused with its line
(``CatalogueError``), so a typo in the bank's file never silently drops an offer.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from xinsheng.errors import InvalidInput

KINDS = ("product", "service", "care")
SEGMENTS = ("mass", "affluent", "private")
CATEGORIES = ("deposit", "wealth", "fund", "insurance", "loan", "credit_card", "other")
RISKY = ("wealth", "fund")


class CatalogueError(InvalidInput):
    """A catalogue that cannot be used; ``data`` names the line."""


@dataclass(frozen=True)
class Offer:
    code: str
    label: dict[str, str]
    kind: str
    priority: float = 0.5
    segments: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    holds_any: tuple[str, ...] = ()
    holds_none: tuple[str, ...] = ()
    category: str | None = None
    risk_level: int | None = None
    avoid: tuple[str, ...] = ()
    likes: tuple[str, ...] = ()
    cooldown_days: int = 30

    def name(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("zh") or self.code


@dataclass(frozen=True)
class Catalogue:
    offers: tuple[Offer, ...]
    max_offers: int
    fatigue_days: int
    declined_days: int
    holdout_share: float
    holdout_salt: str

    @property
    def by_code(self) -> dict[str, Offer]:
        return {o.code: o for o in self.offers}


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line (1-based) under ``__line__``."""


def _mapping(loader, node):
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _fail(msg: str, line: int | None) -> CatalogueError:
    return CatalogueError(f"catalogue line {line}: {msg}" if line else f"catalogue: {msg}",
                          data={"field": "catalogue", "line": line})


def _tuple(raw: dict, key: str, allowed: tuple[str, ...] | None, line: int) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(f"{key} must be a list of names", line)
    bad = [v for v in value if allowed is not None and v not in allowed]
    if bad:
        raise _fail(f"{key}: unknown {', '.join(bad)} (one of {', '.join(allowed)})", line)
    return tuple(value)


def _int(raw: dict, key: str, line: int, low: int, high: int) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(f"{key} must be a whole number from {low} to {high}", line)
    return value


def _offer(raw, seen: set[str]) -> Offer:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise _fail("each offer is a mapping of fields", line)
    code, kind, label = raw.get("code"), raw.get("kind"), raw.get("label")
    if not isinstance(code, str) or not code or code in seen:
        raise _fail(f"code missing or repeated: {code!r}", line)
    if kind not in KINDS:
        raise _fail(f"kind must be one of {', '.join(KINDS)}", line)
    if not isinstance(label, dict) or not isinstance(label.get("zh"), str):
        raise _fail("label needs at least {zh: ...}", line)
    category = raw.get("category")
    if category is not None and category not in CATEGORIES:
        raise _fail(f"category must be one of {', '.join(CATEGORIES)}", line)
    risk = _int(raw, "risk_level", line, 1, 5)
    if category in RISKY and risk is None:
        raise _fail(f"a {category} product needs its risk_level (1–5)", line)
    priority = raw.get("priority", 0.5)
    if isinstance(priority, bool) or not isinstance(priority, (int, float)) or not 0 <= priority <= 1:
        raise _fail("priority must be a number from 0 to 1", line)
    seen.add(code)
    return Offer(code=code, label={k: str(v) for k, v in label.items() if k != "__line__"}, kind=kind,
                 priority=float(priority), segments=_tuple(raw, "segments", SEGMENTS, line),
                 min_age=_int(raw, "min_age", line, 0, 130), max_age=_int(raw, "max_age", line, 0, 130),
                 holds_any=_tuple(raw, "holds_any", CATEGORIES, line),
                 holds_none=_tuple(raw, "holds_none", CATEGORIES, line), category=category, risk_level=risk,
                 avoid=_tuple(raw, "avoid", None, line), likes=_tuple(raw, "likes", None, line),
                 cooldown_days=_int(raw, "cooldown_days", line, 0, 3650) or 0)


def parse_catalogue(text: str) -> Catalogue:
    """The catalogue in ``text``; CatalogueError naming the line when it cannot be used."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(f"not valid YAML ({getattr(exc, 'problem', exc)})", mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("offers"), list):
        raise _fail("the file needs a list of offers under 'offers:'", 1)
    fatigue, holdout = raw.get("fatigue") or {}, raw.get("holdout") or {}
    seen: set[str] = set()
    offers = tuple(_offer(o, seen) for o in raw["offers"])
    share = holdout.get("share", 0.1)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share < 1:
        raise _fail("holdout.share must be a number from 0 to below 1", holdout.get("__line__"))
    fline = fatigue.get("__line__")
    return Catalogue(offers=offers, max_offers=_int(fatigue, "max_offers", fline, 1, 100) or 3,
                     fatigue_days=_int(fatigue, "days", fline, 1, 3650) or 30,
                     declined_days=_int(fatigue, "declined_days", fline, 0, 3650) or 90,
                     holdout_share=float(share), holdout_salt=str(holdout.get("salt", "nba")))


def load_catalogue(path: Path) -> Catalogue:
    return parse_catalogue(path.read_text("utf-8"))


@lru_cache(maxsize=1)
def shipped_catalogue() -> Catalogue:
    """The catalogue shipped in nba/data."""
    return parse_catalogue(resources.files("xinsheng.nba").joinpath("data/catalogue.yaml").read_text("utf-8"))


def active_catalogue() -> Catalogue:
    """The bank's own file, ``XINSHENG_HOME/nba/catalogue.yaml``, when there is one; else the shipped one."""
    from xinsheng.config import get_settings

    own = Path(get_settings().home) / "nba" / "catalogue.yaml"
    if not own.is_file():
        return shipped_catalogue()
    st = own.stat()
    return _own_catalogue(str(own), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _own_catalogue(path: str, mtime_ns: int, size: int) -> Catalogue:
    """The bank's file, parsed again only when it changed (a bad edit is refused with its line)."""
    return load_catalogue(Path(path))
