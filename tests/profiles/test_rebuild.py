"""``xinsheng profiles rebuild``: data stored before the profiles existed (no hook running)
get the same profile the hook would have kept."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.cases.builders import add_customer, customer_id
from xinsheng.db import session_scope
from xinsheng.profiles.rebuild import rebuild
from xinsheng.profiles.store import read_profile


def test_rebuild_folds_stored_contacts(engine):
    from xinsheng.ingest.service import ingest_records
    from xinsheng.profiles.store import install, uninstall
    from xinsheng.records import records_from_list

    uninstall()  # as before the profiles existed
    add_customer(engine)
    at = datetime.now(timezone.utc) - timedelta(days=3)
    items = [{"external_id": f"w-{i}", "customer_ref": "C-WANG", "channel": "wechat",
              "started_at": (at + timedelta(hours=i)).isoformat()} for i in range(4)]
    try:
        ingest_records(records_from_list(items), "interactions", engine)
    finally:
        install()
    cid = customer_id(engine, "C-WANG")
    with session_scope(engine) as s:
        assert read_profile(s, cid)["features"]["channel_preference"]["source"].startswith("customer record")
    assert rebuild(engine) == 1
    with session_scope(engine) as s:
        pref = read_profile(s, cid)["features"]["channel_preference"]
    assert pref == {"value": "wechat", "source": "contacts: 4 of 4 inbound"}
