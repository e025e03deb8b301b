"""Validation of ingested records, with errors a person can act on.

Field names and rules follow CONTRACT.md's "Ingest records". CSV rows arrive as
strings: empty cells mean "absent", ``notes`` is ``|``-separated and ``attributes``
is a JSON string; both are decoded here so the two formats share one path.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import (
    AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator,
)

from xinsheng.customers.models import CHANNELS
from xinsheng.redaction import excerpt, scrub

MAX_TEXT_LENGTH = 20_000


def _json_object(value: Any, field: str) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return value


def _has_nul(value: Any) -> bool:
    """A NUL character anywhere (PostgreSQL cannot store it in text or JSON)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _check_nul(record: BaseModel) -> None:
    for name in type(record).model_fields:
        if _has_nul(getattr(record, name)):
            raise ValueError(f"{name}: contains a NUL character (\\u0000)")


def _utc(value: datetime | None, field: str) -> datetime | None:
    """In UTC (offsets beyond ±16 h exist in ISO 8601 but not in PostgreSQL), 1900–2200."""
    if value is None:
        return None
    try:
        value = value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{field}: out of range") from None
    if not 1900 <= value.year <= 2200:
        raise ValueError(f"{field}: year {value.year} is out of range (1900–2200)")
    return value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        """Empty strings (CSV's empty cells) mean "absent"."""
        if isinstance(data, dict):
            return {k: _blank_to_none(v) for k, v in data.items() if v is not None and v != ""}
        return data


class CustomerIn(_Record):
    """A customer record (upsert by ``customer_ref``)."""

    customer_ref: str = Field(min_length=1, max_length=64)
    name: str | None = Field(None, max_length=200)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    gender: Literal["F", "M"] | None = None
    region: str | None = Field(None, max_length=64)
    segment: str | None = Field(None, max_length=32)
    risk_level: int | None = Field(None, ge=1, le=5)
    preferred_channel: Literal[CHANNELS] | None = None  # type: ignore[valid-type]
    advisor_ref: str | None = Field(None, max_length=64)
    notes: list[str] | None = None
    attributes: dict = Field(default_factory=dict)

    @field_validator("notes", mode="before")
    @classmethod
    def _notes(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [n.strip() for n in value.split("|") if n.strip()]
        return value

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes(cls, value: Any) -> dict:
        return _json_object(value, "attributes")

    @model_validator(mode="after")
    def _storable(self) -> CustomerIn:
        _check_nul(self)
        return self


class InteractionIn(BaseModel):
    """One contact at one touchpoint.

    Checked mostly by pydantic's native (Rust) validators, which matter at tens of
    thousands of records per second; ``describe_validation_error`` words their errors.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    external_id: str = Field(min_length=1, max_length=128)
    source: str | None = Field(None, max_length=64)
    customer_ref: str | None = Field(None, max_length=64)
    channel: Literal[CHANNELS]  # type: ignore[valid-type]
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    direction: Literal["inbound", "outbound"] | None = None
    event: str | None = Field(None, max_length=64)
    agent_ref: str | None = Field(None, max_length=64)
    text: str | None = Field(None, max_length=MAX_TEXT_LENGTH)
    outcome: str | None = Field(None, max_length=32)
    attributes: dict | None = None

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes(cls, value: Any) -> Any:
        return _json_object(value, "attributes") if isinstance(value, str) else value

    @model_validator(mode="after")
    def _order(self) -> InteractionIn:
        _check_nul(self)
        self.started_at = _utc(self.started_at, "started_at")
        self.ended_at = _utc(self.ended_at, "ended_at")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError(
                f"ended_at {self.ended_at.isoformat()} is before started_at {self.started_at.isoformat()}"
            )
        return self


_TIMESTAMP_ERRORS = {"datetime_parsing", "datetime_from_date_parsing", "datetime_type", "datetime_object_invalid"}


def _problem(err: dict) -> str:
    """The problem of one field; a submitted value appears only as a short excerpt
    (``redaction.excerpt``): a rejected record may carry an ID number or a whole chat."""
    kind, value = err["type"], err.get("input")
    if kind == "missing" or (value is None and kind.endswith("_type")):
        return "is required"
    if kind == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length")
        return f"too long ({len(value or '')} characters; at most {limit})"
    if kind == "literal_error" and err["loc"] == ("channel",):
        return f"unknown channel {excerpt(value)}; expected one of {', '.join(CHANNELS)}"
    if kind == "timezone_aware":
        return f"timestamp {excerpt(value)} has no UTC offset (e.g. +08:00)"
    if kind in _TIMESTAMP_ERRORS:
        return f"not an ISO 8601 timestamp: {excerpt(value)}"
    return scrub(err["msg"].removeprefix("Value error, "), value)


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field and its problem, e.g. ``channel: unknown channel 'fax'``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {_problem(err)}"
        for err in exc.errors(include_url=False)
    )


def validation_details(exc: ValidationError) -> list[dict]:
    """The same errors as a list of ``{"field", "problem"}`` for API responses."""
    line = describe_validation_error(exc)
    return [
        {"field": part.split(": ", 1)[0], "problem": part.split(": ", 1)[1] if ": " in part else part}
        for part in line.split("; ")
    ]
