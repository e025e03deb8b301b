"""Rule segments as data (data/segments.yaml, or the bank's ``XINSHENG_HOME/segments/segments.yaml``):
parsed with line numbers, refused with the line when bad, evaluated on a customer's facts."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from xinsheng.errors import InvalidInput

CONDITIONS = {"segment_in": list, "aum_min": (int, float), "aum_max": (int, float), "age_min": int,
              "age_max": int, "new_days": int, "aum_known": bool}


class SegmentRuleError(InvalidInput):
    """A rule file that cannot be used; ``data`` names the line."""


@dataclass(frozen=True)
class Rule:
    code: str
    label: dict[str, str]
    all: dict
    any: tuple[dict, ...]


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping(loader, node):
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _fail(msg: str, line: int | None) -> SegmentRuleError:
    return SegmentRuleError(f"segment rules line {line}: {msg}", data={"field": "segments", "line": line})


def _conditions(raw: dict, line: int) -> dict:
    out = {}
    for key, value in raw.items():
        if key == "__line__":
            continue
        kind = CONDITIONS.get(key)
        if kind is None:
            raise _fail(f"unknown condition {key!r} (one of {', '.join(CONDITIONS)})", raw.get("__line__", line))
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise _fail(f"{key} has the wrong type", raw.get("__line__", line))
        out[key] = value
    return out


def parse_rules(text: str) -> list[Rule]:
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(f"not valid YAML ({getattr(exc, 'problem', exc)})", mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise _fail("the file needs a list under 'rules:'", 1)
    rules, seen = [], set()
    for r in raw["rules"]:
        line = r.get("__line__") if isinstance(r, dict) else None
        if not isinstance(r, dict) or not isinstance(r.get("code"), str) or r["code"] in seen:
            raise _fail("each rule needs a code of its own", line)
        label = r.get("label")
        if not isinstance(label, dict) or not isinstance(label.get("zh"), str):
            raise _fail("label needs at least {zh: ...}", line)
        anys = r.get("any") or []
        if not isinstance(anys, list) or not all(isinstance(a, dict) for a in anys):
            raise _fail("any: a list of condition sets", line)
        plain = {k: v for k, v in r.items() if k not in ("code", "label", "any")}
        seen.add(r["code"])
        rules.append(Rule(code=r["code"], label={k: str(v) for k, v in label.items() if k != "__line__"},
                          all=_conditions(plain, line), any=tuple(_conditions(a, line) for a in anys)))
    return rules


def active_rules() -> list[Rule]:
    from xinsheng.config import get_settings

    own = Path(get_settings().home) / "segments" / "segments.yaml"
    text = own.read_text("utf-8") if own.is_file() else \
        resources.files("xinsheng.segments").joinpath("data/segments.yaml").read_text("utf-8")
    return parse_rules(text)


def _holds(cond: dict, f: dict) -> bool:
    aum, age, days = f.get("aum"), f.get("age"), f.get("days_known")
    checks = {
        "segment_in": lambda v: f.get("segment") in v,
        "aum_known": lambda v: (aum is not None) == v,
        "aum_min": lambda v: aum is not None and aum >= v,
        "aum_max": lambda v: aum is not None and aum <= v,
        "age_min": lambda v: age is not None and age >= v,
        "age_max": lambda v: age is not None and age <= v,
        # the living profile's lifecycle when there is one, else how long the bank has known them
        "new_days": lambda v: f["lifecycle"] == "new" if f.get("lifecycle") else (days is not None and days < v),
    }
    return all(checks[k](v) for k, v in cond.items())


def matches(rule: Rule, facts: dict) -> bool:
    """Whether a customer's facts (segment, aum, age, days_known, lifecycle) fall in ``rule``."""
    return _holds(rule.all, facts) and (not rule.any or any(_holds(c, facts) for c in rule.any))
