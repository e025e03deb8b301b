"""The article editor's form: what was typed (kept on a refusal), and its fields as the schema takes them.

``form_values`` are the form's own strings (a refused form shows exactly them again);
``fields(typed)`` converts them for ``ArticleCreate``/``ArticleUpdate`` and raises
``FieldProblems`` for values no schema could read (a date that is no date).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request

from xinsheng.config import get_settings

TEXT_FIELDS = ("title", "question", "paraphrases", "body", "category", "products", "owner", "note",
               "valid_from", "valid_to")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class FieldProblems(ValueError):
    """Form values that cannot be converted: ``{field: catalogue key}``."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{f}: {k}" for f, k in errors.items()))
        self.errors = errors


async def form_values(request: Request) -> dict:
    """The submitted form, as typed."""
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in TEXT_FIELDS}
    values["channels"] = [str(c) for c in form.getlist("channels") if c]
    return values


def typed_of(article) -> dict:
    """The form's values for ``article`` (empty for a new one)."""
    if article is None:
        return {**dict.fromkeys(TEXT_FIELDS, ""), "channels": []}
    tz = ZoneInfo(get_settings().display_timezone)

    def local(value: datetime | None) -> str:
        return value.astimezone(tz).strftime(LOCAL_FORMAT) if value else ""

    return {"title": article.title, "question": article.question, "paraphrases": "\n".join(article.paraphrases),
            "body": article.body, "category": article.category or "", "products": "|".join(article.products),
            "owner": article.owner or "", "note": "", "channels": list(article.channels),
            "valid_from": local(article.valid_from), "valid_to": local(article.valid_to)}


def fields(values: dict) -> dict:
    """``values`` for the article schemas: stripped, empty optional ones as None, local times
    in the bank's display time zone."""
    out = {k: values[k].strip() for k in ("title", "question", "paraphrases", "body", "category", "products",
                                          "owner", "note")}
    out["channels"] = values["channels"]
    for key in ("category", "owner", "note"):
        out[key] = out[key] or None
    problems = {}
    for key in ("valid_from", "valid_to"):
        try:
            out[key] = _local(values[key])
        except ValueError:
            problems[key] = "fe_datetime"
    if problems:
        raise FieldProblems(problems)
    return out


def _local(value: str) -> datetime | None:
    """A ``datetime-local`` form value, in the bank's display time zone."""
    if not value.strip():
        return None
    return datetime.fromisoformat(value.strip()).replace(tzinfo=ZoneInfo(get_settings().display_timezone))
