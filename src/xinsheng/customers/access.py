"""Row-level access: which customers a principal may see.

* ``all`` — supervisors, analysts (masked), administrators (masked), system tokens
  with the ``customers`` scope.
* ``served`` — front-line agents, business support and experts (tiers 1–3) see a
  customer they are *serving*: one of the customer's contacts in the last
  ``XINSHENG_SERVING_DAYS`` days was handled by their ``agent_ref``, or an open case
  of the customer is theirs or waits unassigned in their tier's queue. (A CTI/IVR
  that posts the contact with ``agent_ref`` when the call is put through opens the
  customer to that agent.)
* ``complaints`` — complaint handlers see customers with an open case they own, or an
  open complaint at or below their authority level.
* ``clients`` — a wealth advisor sees the customers whose ``advisor_ref`` is theirs.

The check runs *before* the record is loaded and gives the same 403 whether or not
the customer exists, so a refusal never tells that a customer number is real.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, exists, false, or_, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.hooks import case_customers
from xinsheng.customers.models import Customer
from xinsheng.db import utcnow
from xinsheng.errors import Forbidden
from xinsheng.identity.principal import Principal
from xinsheng.interactions.models import Interaction


# The clauses are ``Customer.id IN (SELECT customer_id ...)`` rather than correlated EXISTS:
# the database then starts from the agent's own contacts (index on agent_ref, started_at) or
# the open cases instead of probing every customer, which made an agent's home page and
# customer list ~10x slower on the demo bank (5,000 customers, 100,000 contacts).
def _through_cases(p: Principal, scope: str) -> ColumnElement[bool] | None:
    """Customers with an open case ``p`` handles in ``scope`` (the cases domain decides: ``customers.hooks``)."""
    ids = case_customers(p, scope)
    return None if ids is None else Customer.id.in_(ids)


def _served(p: Principal) -> ColumnElement[bool]:
    conds = []
    if p.agent_ref:
        since = utcnow() - timedelta(days=get_settings().serving_days)
        conds.append(Customer.id.in_(select(Interaction.customer_id).where(
            Interaction.agent_ref == p.agent_ref, Interaction.started_at >= since)))
    cases = _through_cases(p, "served")
    if cases is not None:
        conds.append(cases)
    return or_(*conds) if conds else false()


def _complaints(p: Principal) -> ColumnElement[bool]:
    cases = _through_cases(p, "complaints")
    return false() if cases is None else cases


def visible_customers(p: Principal) -> ColumnElement[bool] | None:
    """A WHERE clause over ``Customer`` for what ``p`` may see; None means every customer."""
    if not p.can("customers.read"):
        return false()
    scope = p.row_scope
    if scope == "all":
        return None
    if scope == "served":
        return _served(p)
    if scope == "complaints":
        return _complaints(p)
    if scope == "clients":
        return Customer.advisor_ref == p.advisor_ref if p.advisor_ref else false()
    return false()


def restrict(stmt, p: Principal):
    """``stmt`` (selecting from Customer) limited to what ``p`` may see."""
    clause = visible_customers(p)
    return stmt if clause is None else stmt.where(clause)


def ensure_customer_visible(session: Session, p: Principal, customer_ref: str) -> None:
    """Forbidden unless ``p`` may see ``customer_ref`` (decided before anything is loaded)."""
    clause = visible_customers(p)
    if clause is None:
        return
    if not session.scalar(select(exists().where(Customer.customer_ref == customer_ref, clause))):
        raise Forbidden("this customer is not among those you serve", data={"customer_ref": customer_ref})


def shows_pii(p: Principal | None, *, unmask: bool = False) -> bool:
    """Whether ``p`` sees names, notes and contact details in clear (unmask: a logged action)."""
    if p is None:
        return False
    return p.can("customers.pii") or (unmask and p.can("customers.unmask"))
