"""A holdings record (CONTRACT.md "Profiles and next-best-action"), checked with errors a
person can act on: ``balance_cny: not a number 'abc'``, ``category: unknown category …``."""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xinsheng.profiles.models import CATEGORIES
from xinsheng.redaction import excerpt

MAX_BALANCE = Decimal("1e15")


class HoldingIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    customer_ref: str = Field(min_length=1, max_length=64)
    as_of: date
    product: str = Field(min_length=1, max_length=64)
    category: str
    balance_cny: Decimal
    risk_level: int | None = Field(None, ge=1, le=5)

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        """CSV's empty cells mean "absent"."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("as_of", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            try:
                return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
            except ValueError:
                raise ValueError(f"not an ISO 8601 date: {excerpt(value)}") from None
        return value

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value: Any) -> Any:
        text = str(value).strip().lower() if value is not None else value
        if text not in CATEGORIES:
            raise ValueError(f"unknown category {excerpt(str(value))}; expected one of {', '.join(CATEGORIES)}")
        return text

    @field_validator("balance_cny", mode="before")
    @classmethod
    def _balance(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"not a number: {value!r}")
        try:
            number = Decimal(str(value).strip().replace(",", "")) if isinstance(value, str) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValueError(f"not a number: {excerpt(str(value))}") from None
        if not number.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError("not a finite number")
        if number < 0:
            raise ValueError(f"negative balance ({number}); loans and cards carry the amount owed as a positive number")
        if number >= MAX_BALANCE:
            raise ValueError("too large")
        return number.quantize(Decimal("0.01"))

    def check_not_future(self, tz: str) -> None:
        today = datetime.now(ZoneInfo(tz)).date()
        if self.as_of > today:
            raise ValueError(f"as_of: {self.as_of.isoformat()} is in the future (today is {today.isoformat()})")
