"""Customers and contacts through the real ingest path, with the IVR hook installed."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from xinsheng.ingest.readers import records_from_list
from xinsheng.ingest.service import ingest_records

CN = timezone(timedelta(hours=8))
_n = itertools.count(1)


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=CN)


def customer(ref: str, birth_year: int = 1985, segment: str = "mass", **over) -> dict:
    return {"customer_ref": ref, "name": "赵磊", "birth_year": birth_year, "segment": segment, **over}


def ivr_choice(ref: str | None, option: str, when: datetime, node: str = "root") -> dict:
    return {"external_id": f"ivr-{next(_n)}", "source": "test", "customer_ref": ref, "channel": "ivr",
            "event": "menu_selected", "started_at": when.isoformat(), "outcome": "resolved",
            "attributes": {"menu_node": node, "menu_option": option}}


def app_event(ref: str, event: str, when: datetime) -> dict:
    return {"external_id": f"app-{next(_n)}", "source": "test", "customer_ref": ref, "channel": "app",
            "event": event, "started_at": when.isoformat()}


def ingest(engine, customers: list[dict] = (), contacts: list[dict] = ()) -> None:
    from xinsheng.ivr.flows import install

    install()
    if customers:
        report = ingest_records(records_from_list(list(customers)), "customers", engine)
        assert report.rejected == 0, report.errors
    if contacts:
        report = ingest_records(records_from_list(list(contacts)), "interactions", engine)
        assert report.rejected == 0, report.errors
