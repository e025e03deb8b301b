"""Error answers and log lines that name the field and the problem, never the value.

A request that fails validation may carry a password, a customer's ID number or a whole
chat: FastAPI's own 422 answer echoes every submitted value (``input``), so a sign-in
with a 1,000-character password returned the password in clear. Here each problem is
described by its field path and pydantic's message (which states the rule: "at most 1000
characters"), with any occurrence of the submitted value taken out; a value is shown, if
at all, as a short excerpt (:func:`excerpt`), and never for a secret field.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: a field whose name contains one of these carries a secret: nothing of its value is shown
SECRET_PARTS = ("password", "passwd", "secret", "token", "csrf", "key", "authorization", "cookie")
#: at most this many characters of a submitted value appear in an error message
EXCERPT_CHARS = 12
MAX_PROBLEM = 200
MAX_SEGMENT = 40
MAX_ERRORS = 20
_LONG_DIGITS = re.compile(r"\d{7,}")


def excerpt(value: Any, n: int = EXCERPT_CHARS) -> str:
    """``'13812345678'`` → ``'1381…'``: a short, quoted beginning of ``value`` that
    shows which value was meant without repeating it (digits are cut shorter)."""
    text = value if isinstance(value, str) else repr(value)
    keep = min(n, 4) if any(c.isdigit() for c in text[:n]) else n
    return repr(text[:keep] + "…") if len(text) > keep else repr(text)


def is_secret(field: str) -> bool:
    name = field.lower()
    return any(part in name for part in SECRET_PARTS)


def _segment(part: Any) -> str:
    """One step of a field path; a user-chosen key (an extra field) is clipped and long
    digit runs (a phone or ID number used as a key) are elided."""
    text = _LONG_DIGITS.sub("…", str(part))
    return text if len(text) <= MAX_SEGMENT else text[: MAX_SEGMENT - 1] + "…"


def field_path(loc: Sequence[Any]) -> str:
    return ".".join(_segment(p) for p in loc) or "body"


def _values(value: Any, depth: int = 0) -> Iterable[str]:
    """The strings a submitted value consists of (for taking them out of a message)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, dict) and depth < 3:
        for v in list(value.values())[:50]:
            yield from _values(v, depth + 1)
    elif isinstance(value, (list, tuple)) and depth < 3:
        for v in value[:50]:
            yield from _values(v, depth + 1)


def scrub(message: str, value: Any, *, secret: bool = False) -> str:
    """``message`` without the submitted ``value`` in it (nor its repr): each string or
    number in it longer than an excerpt, or holding a long number, is replaced by its
    excerpt (a secret's by a placeholder, whatever its length)."""
    out = message
    for text in sorted(set(_values(value)), key=len, reverse=True):
        if len(text) < 3 or (not secret and len(text) <= EXCERPT_CHARS and not _LONG_DIGITS.search(text)):
            continue  # short and no long number: no more than an excerpt would show
        for form in (repr(text), text):
            if form in out:
                out = out.replace(form, "(the value sent)" if secret else excerpt(text))
    return out if len(out) <= MAX_PROBLEM else out[: MAX_PROBLEM - 1] + "…"


def describe(error: dict) -> dict:
    """One pydantic/FastAPI validation error as ``{"field", "problem"}``, without its input."""
    field = field_path(error.get("loc") or ())
    problem = str(error.get("msg") or error.get("type") or "invalid").removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    if error.get("type") == "json_invalid" and ctx.get("error"):
        problem = f"not valid JSON ({ctx['error']})"
    return {"field": field, "problem": scrub(problem, error.get("input"), secret=is_secret(field))}


def invalid_input_body(errors: Sequence[dict]) -> dict:
    """The 422 answer for request validation errors, in xinsheng's error shape."""
    described = [describe(e) for e in errors[:MAX_ERRORS]]
    first = described[0] if described else {"field": "body", "problem": "invalid"}
    more = len(errors) - 1
    message = f"{first['field']}: {first['problem']}" + (f" (and {more} more)" if more > 0 else "")
    return {"error": "invalid_input", "message": message, "data": {"errors": described}}


class QueryStringFilter(logging.Filter):
    """Drops the query string from uvicorn's access-log lines: ``/customers?q=王建国`` is
    logged as ``/customers?…``, because a query carries what people search for (names,
    phone numbers, customer references)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def redact_access_log() -> None:
    """Install :class:`QueryStringFilter` on uvicorn's access logger (once)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QueryStringFilter) for f in access.filters):
        access.addFilter(QueryStringFilter())
