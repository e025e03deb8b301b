"""Errors in the page's language: an error page's message, and form errors beside their field.

The JSON API keeps the English ``message`` of a ``XinshengError``; a page shows
``error_text(exc, t, me)`` instead: the catalogue's words for the error (from the error's
own ``key``, or recognised by its code and data), or, in Chinese, the general message for
its status — never the English text.

``field_errors(exc, t)`` turns pydantic's validation errors (and ``InvalidInput`` with a
``field``) into ``{field: message}`` for the form to show beside each field.
"""
from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape
from pydantic import ValidationError

from xinsheng.errors import InvalidInput, XinshengError
from xinsheng.web.i18n import Translator

#: ``value_error`` messages of the schemas (and ``InvalidInput`` texts), by pattern → catalogue key
VALUE_ERRORS: list[tuple[re.Pattern, str, str | None]] = [
    (re.compile(r"valid_to must be after valid_from"), "fe_valid_to_after", "valid_to"),
    (re.compile(r"unknown (channel|category|role|scope)"), "fe_choice", None),
    (re.compile(r"timestamp has no UTC offset"), "fe_datetime", None),
    (re.compile(r"^username: .* is taken"), "fe_username_taken", "username"),
    (re.compile(r"^username: 2"), "fe_username_format", "username"),
    (re.compile(r"^role: 'system'"), "fe_system_role", "role"),
    (re.compile(r"^authority_level: 1 to 9"), "fe_range", "authority_level"),
    (re.compile(r"^scope: a system token"), "fe_scope_needed", "scope"),
    (re.compile(r"^name: 1"), "fe_required", "name"),
    (re.compile(r"^expires_days: at least"), "fe_at_least", "expires_days"),
    (re.compile(r"a whole number"), "fe_whole_number", None),
]
_PARAMS = {"fe_range": {"lo": 1, "hi": 9}, "fe_at_least": {"n": 1}}
#: pydantic's English messages (as carried in ``"field: message"`` texts) → catalogue key
PYDANTIC_TEXTS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^Field required"), "fe_required"),
    (re.compile(r"at least 1 character"), "fe_required"),
    (re.compile(r"at least (?P<n>\d+) character"), "fe_min_chars"),
    (re.compile(r"at most (?P<n>\d+) character"), "fe_max_chars_n"),
    (re.compile(r"valid (datetime|date)"), "fe_datetime"),
    (re.compile(r"valid integer"), "fe_whole_number"),
    (re.compile(r"^Input should be '.*' or '"), "fe_choice"),
    (re.compile(r"^Extra inputs are not permitted"), "fe_unknown_column"),
]


def _pydantic_message(err: dict, t: Translator) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    got = len(err["input"]) if isinstance(err.get("input"), str) else ""
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return t("fe_required")
    if kind == "string_too_short":
        return t.fmt("fe_min_chars", n=ctx.get("min_length"))
    if kind in ("string_too_long", "too_long"):
        return t.fmt("fe_max_chars", n=ctx.get("max_length"), got=got)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return t("fe_whole_number")
    if kind in ("greater_than_equal", "greater_than"):
        return t.fmt("fe_at_least", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return t.fmt("fe_at_most", n=ctx.get("le", ctx.get("lt")))
    if kind.startswith("date_") or kind == "date_parsing":
        return t("fe_date")
    if kind.startswith("datetime"):
        return t("fe_datetime")
    if kind in ("enum", "literal_error"):
        return t("fe_choice")
    return _known_text(str(err.get("msg", "")), t)[0]


def _known_text(text: str, t: Translator, **params: Any) -> tuple[str, str | None]:
    """(message, field) for an English validation text: the catalogue's words when known."""
    for pattern, key, field in VALUE_ERRORS:
        if pattern.search(text):
            found = re.search(r"'([^']*)' is taken", text)
            name = {"name": found.group(1)} if found else {}
            return t.fmt_data(key, **{**_PARAMS.get(key, {}), **name, **params}), field
    for pattern, key in PYDANTIC_TEXTS:
        found = pattern.search(text)
        if found:
            return t.fmt(key, **found.groupdict()), None
    return (text if t.lang == "en" else t("fe_invalid")), None


def record_problem(text: str, t: Translator) -> str:
    """A ``"field: problem"`` text (an import's rejected record) in ``t``'s language."""
    field, sep, problem = text.partition(": ")
    if sep and re.fullmatch(r"[a-z_][a-z_0-9.]*", field):
        shown, _ = _known_text(text, t)
        if shown == text:  # English, unknown: keep it whole
            return text
        return _field_text(t, field, _known_text(problem, t)[0])
    return _known_text(text, t)[0]


def _field_text(t: Translator, field: str, problem: str) -> Markup:
    """「标题」：必填 / Title: required (``problem`` may carry marked data)."""
    return t.fmt_data("err_field", field=Markup(escape(t(f"f_{field}", field))),
                      problem=problem if isinstance(problem, Markup) else Markup(escape(problem)))


def field_errors(exc: Exception, t: Translator) -> dict[str, str]:
    """``{field: message}`` of a pydantic ``ValidationError`` or an ``InvalidInput`` naming a field."""
    out: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
            message = _pydantic_message(err, t)
            field = loc[0] if loc else (_known_text(str(err.get("msg", "")), t)[1] or "form")
            out.setdefault(field, message)
        return out
    if isinstance(exc, InvalidInput):
        message, known_field = _known_text(exc.message, t)
        out[exc.data.get("field") or known_field or "form"] = message
        return out
    if isinstance(exc, XinshengError):
        out["form"] = error_text(exc, t)
    return out


def why_scope(t: Translator, me) -> str:
    from xinsheng.config import get_settings

    scope = getattr(me, "row_scope", None) if me is not None and me.can("customers.read") else None
    key = {"served": "why_scope_served", "complaints": "why_scope_complaints",
           "clients": "why_scope_clients"}.get(scope or "", "why_scope_none")
    return t.fmt(key, days=get_settings().serving_days)


def error_text(exc: Exception, t: Translator, me=None, *, path: str = "") -> str:
    """What an error page says about ``exc`` in ``t``'s language."""
    status = getattr(exc, "status", None) or getattr(exc, "status_code", 500)
    if not isinstance(exc, XinshengError):
        if status == 404:
            return t.fmt_data("err_no_page", path=path)
        return t(f"err_status_{status}", t("err_status_400"))
    key = getattr(exc, "key", None)
    if key:
        return t.fmt(key, **(getattr(exc, "params", None) or {}))
    data = exc.data or {}
    known = _recognised(exc, data, t, me)
    if known is not None:
        return known
    if t.lang == "en":
        return exc.message
    return t(f"err_status_{status}", t("err_status_400"))


def _recognised(exc: XinshengError, data: dict, t: Translator, me) -> str | None:
    code = exc.code
    if code == "forbidden":
        if "permission" in data:
            role = t.role(me.role) if me is not None else ""
            return t.fmt("err_forbidden_role", role=role, what=t(f"perm_{data['permission']}"))
        if data.get("csrf"):
            return t("err_cross_site" if exc.message.startswith("cross-site") else "err_csrf")
        if "customer_ref" in data:
            return t.fmt_data("err_not_served", ref=data["customer_ref"], why=Markup(escape(why_scope(t, me))))
    if code == "not_found":
        for field, key, param in (("customer_ref", "err_no_customer", "ref"), ("article_id", "err_no_article", "id"),
                                  ("username", "err_no_user", "name"), ("token_id", "err_no_token", "id"),
                                  ("case_ref", "err_no_case", "ref")):
            if field in data:
                return t.fmt_data(key, **{param: data[field]})
    if code == "invalid_transition" and "status" in data:
        action = re.match(r"cannot (\w+)", exc.message)
        return t.fmt("err_workflow", status=t(f"kb_st_{data['status']}", data["status"]),
                     action=t(f"kb_{action.group(1)}", action.group(1)) if action else "")
    if "ref" in data and "exists already" in exc.message:
        return t.fmt_data("err_article_exists", ref=data["ref"])
    if code == "invalid_input":
        if exc.message == "you cannot disable yourself":
            return t("err_not_yourself")
        field = data.get("field")
        problem, known_field = _known_text(exc.message, t)
        field = field or known_field
        if field:
            return _field_text(t, field, problem)
    return None
