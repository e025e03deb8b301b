"""Editable zh/en notification templates (``data/templates.yaml`` or the bank's own file).

A file that cannot be used is refused with the file, the line or purpose, and the problem.
Rendering fills the placeholders from the event's context: dates in the display time zone,
labels in the message's language, and every text value through the personal-data masker,
so a body never carries a phone number, card or name in clear.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from xinsheng.config import get_settings
from xinsheng.errors import InvalidInput, XinshengError

SHIPPED = Path(__file__).parent / "data" / "templates.yaml"
LANGS = ("zh", "en")
OVER_LIMIT = ("postpone", "cancel")
#: the purposes the product sends; a bank's file must have them all (and may add more)
REQUIRED = ("case_accepted", "case_escalated", "case_decided", "case_closed", "case_progress",
            "survey_invitation")


class TemplateError(XinshengError):
    """A templates file that cannot be used; the message names the file and the problem."""

    code = "invalid_templates"
    status = 422


@dataclass(frozen=True)
class Template:
    purpose: str
    over_limit: str
    text: dict[str, str]  # lang → text with {placeholders}
    fields: frozenset[str]


@dataclass(frozen=True)
class Templates:
    purposes: dict[str, Template]
    labels: dict[str, dict[str, dict[str, str]]]  # key → value → lang → label

    def get(self, purpose: str) -> Template:
        try:
            return self.purposes[purpose]
        except KeyError:
            raise InvalidInput(
                f"purpose: unknown notification purpose {purpose!r} (known: {', '.join(sorted(self.purposes))})",
                data={"field": "purpose"},
            ) from None

    def render(self, purpose: str, lang: str, context: dict[str, Any], tz: ZoneInfo) -> str:
        """The body of ``purpose`` in ``lang``; a missing placeholder value names the field."""
        from xinsheng.privacy.display import mask_text

        tpl = self.get(purpose)
        missing = sorted(f for f in tpl.fields if context.get(f) is None)
        if missing:
            raise InvalidInput(f"context: {purpose} needs {', '.join(missing)}", data={"field": "context"})
        values = {f: self._value(f, context[f], lang, tz) for f in tpl.fields}
        return mask_text(tpl.text[lang].format_map(values))

    def _value(self, key: str, value: Any, lang: str, tz: ZoneInfo) -> str:
        if isinstance(value, datetime):
            return value.astimezone(tz).date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        label = self.labels.get(key, {}).get(str(value))
        return label[lang] if label else str(value)


def load_templates(path: str | Path | None = None) -> Templates:
    """The templates in ``path`` (the configured or shipped file when None)."""
    path = Path(path or get_settings().notify_templates or SHIPPED)
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> Templates:
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise TemplateError(f"templates {path}: cannot read it ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise TemplateError(f"templates {path}: not valid YAML{at}") from None
    try:
        return _from_dict(data)
    except TemplateError as exc:
        raise TemplateError(f"templates {path}: {exc.message}") from None


def _from_dict(data: Any) -> Templates:
    if not isinstance(data, dict) or not isinstance(data.get("purposes"), dict):
        raise TemplateError("needs a mapping under 'purposes'")
    purposes = {str(code): _template(str(code), node) for code, node in data["purposes"].items()}
    missing = [p for p in REQUIRED if p not in purposes]
    if missing:
        raise TemplateError(f"purposes missing: {', '.join(missing)}")
    labels = data.get("labels") or {}
    if not isinstance(labels, dict):
        raise TemplateError("'labels' must be a mapping")
    for key, values in labels.items():
        for value, names in (values or {}).items():
            if not isinstance(names, dict) or any(not isinstance(names.get(lang), str) for lang in LANGS):
                raise TemplateError(f"label {key}.{value} needs 'zh' and 'en' texts")
    return Templates(purposes, {str(k): {str(v): n for v, n in (vals or {}).items()} for k, vals in labels.items()})


def _template(code: str, node: Any) -> Template:
    if not isinstance(node, dict):
        raise TemplateError(f"purpose {code}: needs 'zh', 'en' and 'over_limit'")
    if node.get("over_limit") not in OVER_LIMIT:
        raise TemplateError(f"purpose {code}: 'over_limit' must be one of {', '.join(OVER_LIMIT)}")
    fields: set[str] = set()
    for lang in LANGS:
        text = node.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise TemplateError(f"purpose {code}: needs a '{lang}' text")
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            raise TemplateError(f"purpose {code} ({lang}): {exc}") from None
        bad = [f for f in names if not f.isidentifier()]
        if bad:
            raise TemplateError(f"purpose {code} ({lang}): placeholder {{{bad[0]}}} must be a plain name")
        fields |= names
    return Template(code, node["over_limit"], {lang: node[lang] for lang in LANGS}, frozenset(fields))
