"""The home page's "contacts, last 7 days" figure, read through the interactions service."""
from __future__ import annotations

from datetime import timedelta

from tests.factories import T0, elderly_customer_wang, interaction
from xinsheng.db import session_scope
from xinsheng.interactions.service import contacts_in_week_before, latest_contact_at


def test_week_before_the_newest_contact_counts_only_contacts_after_its_start(client, engine):
    client.post("/api/v1/customers", json=elderly_customer_wang())
    # one contact a day, on days 0..9 after T0: the newest is day 9, so the 7 days before it
    # (day 2 exclusive .. day 9) hold days 3, 4, 5, 6, 7, 8, 9 = 7 contacts; day 2 is exactly
    # 7 days before and is not counted.
    records = [interaction(0, start=T0 + timedelta(days=d), external_id=f"d{d}") for d in range(10)]
    assert client.post("/api/v1/interactions", json=records).status_code == 200
    with session_scope(engine) as session:
        latest = latest_contact_at(session)
        assert latest == T0 + timedelta(days=9)
        assert contacts_in_week_before(session, latest) == 7
        assert contacts_in_week_before(session, None) == 0
