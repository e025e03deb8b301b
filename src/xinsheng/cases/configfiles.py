"""The cases domain's data files (calendar, SLA policies, authority, escalation rules).

All four are YAML a bank edits, so a broken file must be refused with its name, the line
and the problem. :func:`parse` reads YAML keeping every mapping key's and list item's line
(:class:`YDict`, :class:`YList`), and the ``need_*`` helpers check values and raise
:class:`ConfigFileError` pointing at that line.

The YAML dialect is deliberately plain: dates (``2025-10-01``) and clock times (``17:30``,
which YAML 1.1 would read as the base-60 number 1050) stay strings and are parsed here, so
a bad date is reported with its line rather than as a Python traceback.
"""
from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import yaml

from xinsheng.errors import InputFileError

__all__ = ["ConfigFileError", "YDict", "YList", "parse", "read_source", "data_path"]

DATA = Path(__file__).parent / "data"


class ConfigFileError(InputFileError):
    """A cases data file that cannot be used: the message names the file, the line and the problem."""

    code = "invalid_config_file"

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        at = f", line {line}" if line else ""
        super().__init__(f"{source}{at}: {problem}", data={"source": source, "line": line, "problem": problem})
        self.source, self.line, self.problem = source, line, problem


class YDict(dict):
    """A YAML mapping that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """A YAML sequence that remembers its own line and each item's line (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """Safe YAML without timestamps and base-60 numbers (they stay strings)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> YDict:
    loader.flatten_mapping(node)
    out = YDict()
    out.line, out.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise _Refused(line, "a key must be a plain value") from None
        if key in out:
            raise _Refused(line, f"'{key}' is given twice (first at line {out.key_lines[key]})")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> YList:
    out = YList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


class _Refused(Exception):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem


def data_path(name: str) -> Path:
    """The shipped data file ``cases/data/<name>``."""
    return DATA / name


def read_source(text: str | None, source: str | Path | None, shipped: str) -> tuple[str, str]:
    """``(text, source name)``: ``text`` as given, else the file ``source``, else the shipped file."""
    if text is not None:
        return text, str(source or "<text>")
    path = Path(source) if source else data_path(shipped)
    try:
        return path.read_text("utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        problem = getattr(exc, "strerror", None) or str(exc)
        raise ConfigFileError(str(path), None, f"cannot read the file ({problem})") from None


def parse(text: str, source: str) -> YDict:
    """The YAML document in ``text`` as a :class:`YDict`; anything else is refused."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _Refused as exc:
        raise ConfigFileError(source, exc.line, exc.problem) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigFileError(source, mark.line + 1 if mark else None, f"not valid YAML ({what})") from None
    if not isinstance(data, YDict):
        raise ConfigFileError(source, 1, "the file must be a YAML mapping (key: value lines)")
    return data


class Reader:
    """Checks values of one file and refuses bad ones with the file name and the line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, line: int | None, problem: str) -> ConfigFileError:
        return ConfigFileError(self.source, line, problem)

    def keys(self, d: Any, line: int, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> YDict:
        """``d`` as a mapping with only ``allowed`` keys and every ``required`` one."""
        if not isinstance(d, YDict):
            raise self.fail(line, f"{where} must be a mapping (key: value)")
        allowed = set(allowed)
        for key in d:
            if key not in allowed:
                raise self.fail(d.line_of(key), f"unknown key '{key}' in {where} (known: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in d:
                raise self.fail(d.line, f"{where} needs '{key}'")
        return d

    def list(self, d: YDict, key: str, where: str) -> YList:
        value = d.get(key)
        if value is None:
            empty = YList()
            empty.line, empty.item_lines = d.line_of(key), []
            return empty
        if not isinstance(value, YList):
            raise self.fail(d.line_of(key), f"'{key}' in {where} must be a list")
        return value

    def text(self, d: YDict, key: str, where: str, default: str | None = None) -> str | None:
        value = d.get(key, default)
        if value is None:
            return None
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            raise self.fail(d.line_of(key), f"'{key}' in {where} must be text")
        return str(value)

    def boolean(self, d: YDict, key: str, where: str, default: bool) -> bool:
        value = d.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(d.line_of(key), f"'{key}' in {where} must be true or false, not {value!r}")
        return value

    def integer(self, d: YDict, key: str, where: str, default: int | None, lo: int | None = None,
                hi: int | None = None) -> int | None:
        value = d.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(d.line_of(key), f"'{key}' in {where} must be a whole number, not {value!r}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            span = f"from {lo} to {hi}" if hi is not None else f"at least {lo}"
            raise self.fail(d.line_of(key), f"'{key}' in {where} must be {span}, not {value}")
        return value

    def number(self, d: YDict, key: str, where: str, default: float | None, lo: float, hi: float) -> float | None:
        value = d.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise self.fail(d.line_of(key), f"'{key}' in {where} must be a number from {lo} to {hi}, not {value!r}")
        return float(value)

    def amount(self, value: Any, line: int, where: str) -> Decimal | None:
        """A CNY amount ≥ 0, or None for ``null`` / ``unlimited``."""
        if value is None or value == "unlimited":
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            amount = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            raise self.fail(line, f"{where} must be an amount in CNY or 'unlimited', not {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise self.fail(line, f"{where} must be an amount of 0 or more, not {value}")
        return amount

    def date(self, value: Any, line: int, where: str) -> date:
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                raise ValueError("not in the form YYYY-MM-DD")
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise self.fail(line, f"{where}: {value!r} is not a valid date ({exc})") from None

    def clock(self, value: Any, line: int, where: str) -> time:
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
                raise ValueError("not in the form HH:MM")
            hh, mm = (int(x) for x in value.strip().split(":"))
            return time(hh, mm)
        except ValueError as exc:
            raise self.fail(line, f"{where}: {value!r} is not a valid clock time ({exc})") from None
