"""The IVR menu tree as data: parse, validate, and the static order.

A tree is YAML (``ivr/data/menu.yaml`` ships the built-in one; an IVR designer saves
versions of it in ``ivr_tree_versions``). :func:`parse_tree` refuses a broken tree with
every problem found, each naming where it is and why (a loop, a missing node, the complaint
option removed or moved off the root, a label without Chinese or English …).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from xinsheng.errors import InvalidInput

DATA = Path(__file__).parent / "data" / "menu.yaml"
LANGS = ("zh", "en")
#: options that must stay at the root, pinned (contract: complaint always at the top level)
MUST_AT_ROOT = ("complaint",)
REQUIRES = ("open_case",)


@dataclass(frozen=True)
class Option:
    code: str
    label: dict[str, str]
    goto: str | None = None
    pinned: bool = False
    requires: str | None = None


@dataclass(frozen=True)
class Node:
    code: str
    prompt: dict[str, str]
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class MenuTree:
    root: str
    nodes: dict[str, Node]
    elderly_max: int = 5
    elderly_agent_position: int = 2
    source: str = field(default="", compare=False)

    def node(self, code: str) -> Node | None:
        return self.nodes.get(code)


@dataclass(frozen=True)
class Problem:
    """One reason a tree is refused: ``where`` (a path like ``nodes.root.options[3].goto``),
    ``key`` (catalogue key of the reason, ``ivr_tree_*``) and its ``params``."""
    where: str
    key: str
    params: dict = field(default_factory=dict)


class TreeInvalid(InvalidInput):
    """The tree cannot be used; ``problems`` lists why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.where}: {describe(p, 'en')}" for p in problems),
                         key="ivr_tree_invalid", params={"n": len(problems)})


def describe(problem: Problem, lang: str = "zh") -> str:
    from xinsheng.ivr.i18n import TEXTS

    return TEXTS[problem.key][lang].format(**problem.params)


def _text(raw: object, where: str, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "ivr_tree_no_text"))
        return {}
    for lang in LANGS:
        if not isinstance(raw.get(lang), str) or not raw[lang].strip():
            problems.append(Problem(f"{where}.{lang}", "ivr_tree_missing_lang", {"lang": lang}))
    return {lang: str(raw.get(lang) or "") for lang in LANGS}


def _option(raw: object, where: str, problems: list[Problem]) -> Option | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"].strip():
        problems.append(Problem(f"{where}.code", "ivr_tree_no_code"))
        return None
    requires = raw.get("requires")
    if requires is not None and requires not in REQUIRES:
        problems.append(Problem(f"{where}.requires", "ivr_tree_bad_requires", {"value": requires}))
    goto = raw.get("goto")
    return Option(code=raw["code"].strip(), label=_text(raw.get("label"), f"{where}.label", problems),
                  goto=str(goto) if goto is not None else None, pinned=bool(raw.get("pinned", False)),
                  requires=requires)


def _node(code: str, raw: object, problems: list[Problem]) -> Node:
    where = f"nodes.{code}"
    if not isinstance(raw, dict):
        problems.append(Problem(where, "ivr_tree_no_options"))
        return Node(code, {}, ())
    options: list[Option] = []
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or not raw_options:
        problems.append(Problem(f"{where}.options", "ivr_tree_no_options"))
        raw_options = []
    for i, item in enumerate(raw_options):
        opt = _option(item, f"{where}.options[{i}]", problems)
        if opt is None:
            continue
        if any(o.code == opt.code for o in options):
            problems.append(Problem(f"{where}.options[{i}].code", "ivr_tree_duplicate", {"code": opt.code}))
            continue
        options.append(opt)
    return Node(code, _text(raw.get("prompt"), f"{where}.prompt", problems), tuple(options))


def _loops(tree: MenuTree) -> list[Problem]:
    """Every option whose ``goto`` leads back to a node on the path to it (depth-first)."""
    found: list[Problem] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(code: str, path: list[str]) -> None:
        state[code] = 1
        for i, opt in enumerate(tree.nodes[code].options):
            target = opt.goto
            if target is None or target not in tree.nodes:
                continue
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target] if target in path else [code, target]
                found.append(Problem(f"nodes.{code}.options[{i}].goto", "ivr_tree_loop",
                                     {"path": " → ".join(cycle)}))
            elif state.get(target) is None:
                visit(target, path + [target])
        state[code] = 2

    if tree.root in tree.nodes:
        visit(tree.root, [tree.root])
    return found


def _checks(tree: MenuTree) -> list[Problem]:
    problems: list[Problem] = []
    root = tree.nodes.get(tree.root)
    if root is None:
        return [Problem("root", "ivr_tree_missing_node", {"node": tree.root})]
    for code, node in tree.nodes.items():
        for i, opt in enumerate(node.options):
            if opt.goto is not None and opt.goto not in tree.nodes:
                problems.append(Problem(f"nodes.{code}.options[{i}].goto", "ivr_tree_missing_node",
                                        {"node": opt.goto}))
    for must in MUST_AT_ROOT:
        opt = root.option(must)
        if opt is None:
            problems.append(Problem(f"nodes.{tree.root}.options", "ivr_tree_removed", {"code": must}))
        elif not opt.pinned:
            problems.append(Problem(f"nodes.{tree.root}.options", "ivr_tree_unpinned", {"code": must}))
    problems += _loops(tree)
    if not 2 <= tree.elderly_max <= 9:
        problems.append(Problem("elderly.max_options", "ivr_tree_elderly_max", {"value": tree.elderly_max}))
    return problems


def parse_tree(source: str) -> MenuTree:
    """The tree in ``source`` (YAML), or :class:`TreeInvalid` with every problem."""
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TreeInvalid([Problem(f"line {mark.line + 1}" if mark else "yaml", "ivr_tree_yaml",
                                   {"error": str(getattr(exc, "problem", exc))})]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes"), dict) or not raw["nodes"]:
        raise TreeInvalid([Problem("nodes", "ivr_tree_no_nodes")])
    problems: list[Problem] = []
    nodes = {str(code): _node(str(code), body, problems) for code, body in raw["nodes"].items()}
    elderly = raw.get("elderly") if isinstance(raw.get("elderly"), dict) else {}
    try:
        tree = MenuTree(root=str(raw.get("root") or "root"), nodes=nodes,
                        elderly_max=int(elderly.get("max_options", 5)),
                        elderly_agent_position=int(elderly.get("agent_position", 2)), source=source)
    except (TypeError, ValueError):
        raise TreeInvalid([Problem("elderly", "ivr_tree_elderly_max", {"value": elderly})]) from None
    problems += _checks(tree)
    if problems:
        raise TreeInvalid(problems)
    return tree


@lru_cache(maxsize=1)
def builtin_tree() -> MenuTree:
    return parse_tree(DATA.read_text(encoding="utf-8"))


def offered(node: Node, *, open_case: bool) -> list[Option]:
    """The node's options a caller may be offered, in the static order."""
    return [o for o in node.options if o.requires is None or (o.requires == "open_case" and open_case)]
