"""Reads of customers: one profile, search — shown masked to viewers who need no names."""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from xinsheng.customers.access import restrict, shows_pii
from xinsheng.customers.hooks import open_cases
from xinsheng.customers.models import Customer
from xinsheng.customers.schemas import CaseSummary, CustomerListItem, CustomerPage, CustomerRead
from xinsheng.db import utcnow
from xinsheng.errors import NotFound
from xinsheng.identity.principal import Principal
from xinsheng.interactions.models import Interaction
from xinsheng.interactions.service import channel_counts
from xinsheng.privacy.crypto import keyring, reveal_attributes
from xinsheng.privacy.display import mask_attributes, mask_name, mask_text


def get_customer(session: Session, customer_ref: str) -> Customer:
    """The customer with this reference, or NotFound."""
    customer = session.scalar(
        select(Customer).options(selectinload(Customer.notes)).where(Customer.customer_ref == customer_ref)
    )
    if customer is None:
        raise NotFound(f"no customer {customer_ref!r}", data={"customer_ref": customer_ref})
    return customer


def list_open_cases(session: Session, customer_id: int) -> list:
    """The customer's open cases, newest first (from the cases domain: ``customers.hooks``)."""
    return open_cases(session, customer_id)


def get_profile(session: Session, customer_ref: str, viewer: Principal | None = None, *,
                unmask: bool = False) -> CustomerRead:
    """Profile, preference/taboo notes, open cases and contact counts per channel.

    Name, notes and contact details are masked unless ``viewer`` may see them
    (``customers.pii``) or unmasks them (``customers.unmask``; the caller logs why);
    attribute values stored encrypted are decrypted only then (``******`` otherwise).
    Row-level access is the caller's check (``customers.access``), made before this.
    """
    customer = get_customer(session, customer_ref)
    profile = CustomerRead.model_validate(customer, from_attributes=True)
    profile = profile.model_copy(update={
        "age": utcnow().year - customer.birth_year if customer.birth_year else None,
        "open_cases": [CaseSummary.model_validate(c) for c in list_open_cases(session, customer.id)],
        "contacts_by_channel": channel_counts(session, customer.id),
    })
    if shows_pii(viewer, unmask=unmask):  # the only place attributes are decrypted
        return profile.model_copy(update={"attributes": reveal_attributes(profile.attributes)})
    return mask_profile(profile)


def mask_profile(profile: CustomerRead) -> CustomerRead:
    return profile.model_copy(update={
        "name": mask_name(profile.name), "masked": True,
        "notes": [n.model_copy(update={"text": mask_text(n.text)}) for n in profile.notes],
        "attributes": mask_attributes(profile.attributes),
    })


def _list_item(c: Customer, viewer: Principal | None) -> CustomerListItem:
    item = CustomerListItem.model_validate(c)
    return item if shows_pii(viewer) else item.model_copy(update={"name": mask_name(item.name)})


def _matches(query: str, viewer: Principal):
    """Reference starting with ``query``, or (for viewers who may see names) a name that
    is exactly ``query``: names are encrypted and found by their blind index."""
    match = Customer.customer_ref.startswith(query, autoescape=True)
    if shows_pii(viewer):
        match = or_(match, Customer.name_index.in_(keyring().blind_indexes(query)))
    return match


def search_customers(session: Session, query: str, viewer: Principal, limit: int = 20) -> list[CustomerListItem]:
    """Customers the viewer may see whose reference starts with ``query``, or whose
    name is exactly ``query`` (only for viewers who may see names)."""
    query = query.strip()
    if not query:
        return []
    stmt = restrict(select(Customer).where(_matches(query, viewer)), viewer)
    stmt = stmt.order_by(Customer.customer_ref).limit(limit)
    return [_list_item(c, viewer) for c in session.scalars(stmt)]


def list_customers(session: Session, viewer: Principal, *, q: str = "", segment: str | None = None,
                   limit: int = 50, before: str | None = None) -> CustomerPage:
    """The customers ``viewer`` may see, by ``customer_ref`` in descending order, optionally
    matching ``q`` (as ``search_customers``) and of one ``segment``; ``before`` continues
    after a page (customers whose reference sorts before it)."""
    stmt = restrict(select(Customer), viewer)
    if q.strip():
        stmt = stmt.where(_matches(q.strip(), viewer))
    if segment:
        stmt = stmt.where(Customer.segment == segment)
    if before is not None:
        stmt = stmt.where(Customer.customer_ref < before)
    rows = list(session.scalars(stmt.order_by(Customer.customer_ref.desc()).limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    return CustomerPage(items=[_list_item(c, viewer) for c in rows],
                        next_before=rows[-1].customer_ref if more else None)


def recently_contacted(session: Session, viewer: Principal, limit: int = 12) -> list[CustomerListItem]:
    """Customers the viewer may see with the newest contacts, newest first."""
    visible = restrict(select(Customer.id), viewer)
    if visible.whereclause is None:
        ids = _newest_contacts_customers(session, limit)
    else:  # a row scope: per visible customer, its newest contact (ix_interactions_customer_started)
        last = func.max(Interaction.started_at).label("last")
        ids = list(session.scalars(
            select(Interaction.customer_id).where(Interaction.customer_id.in_(visible))
            .group_by(Interaction.customer_id).order_by(last.desc()).limit(limit)))
    found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [_list_item(found[i], viewer) for i in ids if i in found]


#: contacts read at a time, newest first, while looking for the recently contacted customers
_WALK = 256


def _newest_contacts_customers(session: Session, limit: int) -> list[int]:
    """The first ``limit`` distinct customers met walking the contacts newest first (the
    ``started_at`` index), instead of grouping every contact by customer."""
    ids: dict[int, None] = {}
    after: tuple | None = None
    while len(ids) < limit:
        stmt = (select(Interaction.started_at, Interaction.id, Interaction.customer_id)
                .where(Interaction.customer_id.is_not(None))
                .order_by(Interaction.started_at.desc(), Interaction.id.desc()).limit(_WALK))
        if after is not None:
            stmt = stmt.where(or_(Interaction.started_at < after[0],
                                  and_(Interaction.started_at == after[0], Interaction.id < after[1])))
        rows = session.execute(stmt).all()
        for _, _, customer_id in rows:
            ids.setdefault(customer_id)
        if len(rows) < _WALK:
            break
        after = rows[-1][:2]
    return list(ids)[:limit]


def count_customers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer)) or 0
