"""The rule file (质检规则) a QA supervisor edits: loading and checking it, with line numbers.

A file that does not parse, names an unknown concept or kind, or holds a regular expression
that does not compile is refused with ``RuleFileError`` naming its line.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from xinsheng.errors import InputFileError

__all__ = ["Concept", "Rule", "RuleSet", "RuleFileError", "load_rules", "default_rules", "DEFAULT_RULES"]

DEFAULT_RULES = Path(__file__).parent / "data" / "rules.yaml"
KINDS = ("mandatory", "forbidden", "care")
SPEAKERS = ("agent", "customer", "any")
_LINE = "__line__"


class RuleFileError(InputFileError):
    """A rule file that cannot be used; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        where = f"{path}, line {line}" if line else path
        super().__init__(f"rule file {where}: {problem}", data={"line": line, "problem": problem})
        self.line = line
        self.problem = problem


class _LineLoader(yaml.SafeLoader):
    """Records each mapping's first line under ``__line__``."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


@dataclass
class Concept:
    """A named meaning: alternatives, each one regex or several that must share a clause."""

    name: str
    patterns: list[list[re.Pattern[str]]]


@dataclass
class Rule:
    code: str
    kind: str
    weight: float
    label_zh: str
    label_en: str
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass
class RuleSet:
    concepts: dict[str, Concept]
    rules: list[Rule]
    negation: re.Pattern[str]
    negation_window: int
    source: str
    version: str = ""  # the first 12 hex digits of the file's SHA-256: which rules made a check
    review_sample: float = 0.0  # share of passing calls drawn into the review queue at random

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)


def _compile(path: str, line: int, text: Any) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise RuleFileError(path, line, f"a pattern must be a non-empty string, not {text!r}")
    try:
        return re.compile(text)
    except re.error as exc:
        raise RuleFileError(path, line, f"pattern {text!r} does not compile: {exc}") from None


def _locate(text: str, needle: str, default: int) -> int:
    """The 1-based line of the first occurrence of ``needle`` in ``text`` after line ``default``."""
    lines = text.splitlines()
    for i in range(max(default - 1, 0), len(lines)):
        if needle and needle[:24] in lines[i]:
            return i + 1
    return default


def _concept(path: str, name: str, items: Any, line: int, text: str = "") -> Concept:
    if not isinstance(items, list) or not items:
        raise RuleFileError(path, line, f"concept {name!r} must be a non-empty list of patterns")
    patterns = []
    for item in items:
        if isinstance(item, dict):
            parts = item.get("all")
            if not isinstance(parts, list) or not parts:
                raise RuleFileError(path, item.get(_LINE, line), f"concept {name!r}: expected {{all: [pattern, ...]}}")
            patterns.append([_compile(path, item[_LINE], p) for p in parts])
        else:
            patterns.append([_compile(path, _locate(text, str(item), line), item)])
    return Concept(name, patterns)


def _check_refs(path: str, rule: Rule, concepts: dict[str, Concept]) -> None:
    for key in ("needed_when", "require", "forbid"):
        ref = rule.options.get(key)
        if ref is None:
            continue
        line = ref.get(_LINE, rule.line) if isinstance(ref, dict) else rule.line
        if not isinstance(ref, dict) or "concept" not in ref:
            raise RuleFileError(path, line, f"rule {rule.code!r}: {key} needs a concept")
        for name in (ref["concept"], ref.get("before")):
            if name is not None and name not in concepts:
                raise RuleFileError(path, line, f"rule {rule.code!r}: unknown concept {name!r}")
        if ref.get("speaker", "any") not in SPEAKERS:
            raise RuleFileError(path, line, f"rule {rule.code!r}: speaker must be one of {', '.join(SPEAKERS)}")
    excused = rule.options.get("excused_by")
    if excused is not None and excused not in concepts:
        raise RuleFileError(path, rule.line, f"rule {rule.code!r}: unknown concept {excused!r}")


def _rule(path: str, raw: Any, concepts: dict[str, Concept]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleFileError(path, 0, f"each rule must be a mapping, not {raw!r}")
    line = raw.get(_LINE, 0)
    code, kind = raw.get("code"), raw.get("kind")
    if not isinstance(code, str) or not code:
        raise RuleFileError(path, line, "a rule needs a code")
    if kind not in KINDS:
        raise RuleFileError(path, line, f"rule {code!r}: kind must be one of {', '.join(KINDS)}")
    weight = raw.get("weight", 10)
    if not isinstance(weight, (int, float)) or not 0 <= weight <= 100:
        raise RuleFileError(path, line, f"rule {code!r}: weight must be a number from 0 to 100")
    options = {k: v for k, v in raw.items() if k not in ("code", "kind", "weight", "label_zh", "label_en", _LINE)}
    rule = Rule(code, kind, float(weight), str(raw.get("label_zh", code)), str(raw.get("label_en", code)), options, line)
    _check_refs(path, rule, concepts)
    return rule


def parse_rules(text: str, path: str = "<rules>") -> RuleSet:
    """Checks and compiles a rule file's text."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleFileError(path, mark.line + 1 if mark else 0, str(exc.problem or exc)) from None
    except yaml.YAMLError as exc:
        raise RuleFileError(path, 0, str(exc)) from None
    if not isinstance(data, dict):
        raise RuleFileError(path, 1, "the file must be a mapping with concepts and rules")
    raw_concepts, raw_rules = data.get("concepts"), data.get("rules")
    if not isinstance(raw_concepts, dict) or not isinstance(raw_rules, list):
        raise RuleFileError(path, data.get(_LINE, 1), "the file needs a 'concepts' mapping and a 'rules' list")
    cline = raw_concepts.get(_LINE, 0)
    concepts = {n: _concept(path, n, v, _locate(text, f"{n}:", cline), text) for n, v in raw_concepts.items() if n != _LINE}
    rules = [_rule(path, r, concepts) for r in raw_rules]
    codes = [r.code for r in rules]
    dup = next((r for i, r in enumerate(rules) if r.code in codes[:i]), None)
    if dup is not None:
        raise RuleFileError(path, dup.line, f"rule {dup.code!r} appears twice")
    negation = _compile(path, data.get(_LINE, 0), data.get("negation", "不|没|无|非|别"))
    window = data.get("negation_window", 8)
    if not isinstance(window, int) or window < 0:
        raise RuleFileError(path, data.get(_LINE, 0), "negation_window must be a whole number ≥ 0")
    sample = data.get("review_sample", 0.0)
    if not isinstance(sample, (int, float)) or not 0 <= sample <= 1:
        raise RuleFileError(path, _locate(text, "review_sample", 1), "review_sample must be a share from 0 to 1")
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return RuleSet(concepts, rules, negation, window, path, version, float(sample))


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The rule file at ``path`` (the shipped one when None)."""
    p = Path(path) if path else DEFAULT_RULES
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read rule file {p}: {exc}") from None
    return parse_rules(text, str(p))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return load_rules(DEFAULT_RULES)
