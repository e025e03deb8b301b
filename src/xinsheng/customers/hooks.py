"""What the customers domain needs from cases, installed by cases (``cases.access``).

Cases sit above customers (a case belongs to a customer), so customers never import them:
which customers a principal serves through open cases, and a profile's open cases, come
from functions the cases domain installs here when it is imported (the app and the CLI
always import it). Until then no customer is visible through a case (row-level access is
narrowed, never widened) and a profile lists no open case.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from xinsheng.identity.principal import Principal

#: ``fn(p, scope)``: a SELECT of the ids of customers with an open case ``p`` handles in row
#: scope ``scope`` ("served", "complaints"), or None when there is none
CaseCustomers = Callable[[Principal, str], "Select | None"]
#: ``fn(session, customer_id)``: the customer's open cases, newest first (objects a
#: ``customers.schemas.CaseSummary`` validates from)
OpenCases = Callable[[Session, int], list[Any]]

_hooks: dict[str, Callable] = {}


def install(*, case_customers: CaseCustomers, open_cases: OpenCases) -> None:
    _hooks["case_customers"] = case_customers
    _hooks["open_cases"] = open_cases


def case_customers(p: Principal, scope: str) -> Select | None:
    fn = _hooks.get("case_customers")
    return fn(p, scope) if fn else None


def open_cases(session: Session, customer_id: int) -> list[Any]:
    fn = _hooks.get("open_cases")
    return fn(session, customer_id) if fn else []
