"""The IVR page over HTTP: a caller's menu and why, the tree editor (versioned, audited,
broken trees refused beside the field with the input kept), the A/B share."""
import re

from sqlalchemy import select

from tests.ivr.builders import at, customer, ingest, ivr_choice
from xinsheng.audit.models import AuditEntry
from xinsheng.db import session_scope
from xinsheng.ivr.tree import DATA

TRANSFERS = ["2026-09-01", "2026-10-02", "2026-11-03"]


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-code="([a-z_]+)">', html)


def test_the_caller_view_shows_the_menu_and_why(engine, client_as):
    ingest(engine, [customer("C-T")], [ivr_choice("C-T", "transfer", at(d)) for d in TRANSFERS])
    page = client_as("ivr_designer").get("/ivr", params={"caller": "C-T", "at": "2026-12-02T10:00:00+08:00"})
    assert page.status_code == 200
    assert _rows(page.text)[:2] == ["transfer", "balance"]
    assert "您常在月初办理转账汇款" in page.text and "个性化菜单" in page.text
    en = client_as("ivr_designer").get("/ivr", params={"caller": "C-T", "at": "2026-12-02T10:00:00+08:00", "lang": "en"})
    assert "You often use Transfers and remittances at the start of the month" in en.text
    bad = client_as("ivr_designer").get("/ivr", params={"caller": "C-T", "at": "tomorrow"})
    assert bad.status_code == 422 and 'id="error-at"' in bad.text and 'value="tomorrow"' in bad.text


def test_a_broken_tree_is_refused_beside_the_field_and_a_good_one_is_versioned_and_audited(engine, client_as):
    designer = client_as("ivr_designer")
    source = DATA.read_text(encoding="utf-8")
    broken = source.replace("      - {code: complaint, label: {zh: 投诉建议, en: Complaints and suggestions}, pinned: true}\n", "")
    r = designer.post("/ivr/tree", data={"source": broken, "note": "去掉投诉"})
    assert r.status_code == 422
    assert "选项 complaint 必须保留在第一层菜单" in r.text and 'id="error-source"' in r.text
    assert "去掉投诉" in r.text and "pinned: true}\n      - {code: agent" not in r.text  # the typed tree kept
    r = designer.post("/ivr/tree", data={"source": source.replace("余额查询", "查余额"), "note": "改名"},
                      follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ivr?saved=1")
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "ivr.tree.save")).one()
        assert entry.target_ref == "1"
    ivr = client_as("system", scopes=["ivr"])
    assert ivr.get("/api/v1/ivr/menu").json()["options"][0]["label"] == "查余额"


def test_the_ab_share_is_set_by_a_designer_only(engine, client_as):
    designer = client_as("ivr_designer")
    bad = designer.post("/ivr/ab", data={"share": "150"})
    assert bad.status_code == 422 and 'id="error-share"' in bad.text and 'value="150"' in bad.text
    assert designer.post("/ivr/ab", data={"share": "20"}, follow_redirects=False).status_code == 303
    assert "当前对照组比例：20%" in designer.get("/ivr").text
    assert client_as("system", scopes=["ivr"]).post("/ivr/ab", data={"share": "0"}).status_code == 403
    assert client_as("agent").get("/ivr").status_code == 403


def test_the_page_compares_the_ab_groups(engine, client_as):
    import hashlib
    from datetime import datetime, timedelta, timezone

    def bucket(ref):
        return int.from_bytes(hashlib.sha256(f"xinsheng-ivr-ab:{ref}".encode()).digest()[:8], "big") / 2**64

    refs = [f"C-P{i}" for i in range(50)]
    s_ref, p_ref = next(r for r in refs if bucket(r) < 0.5), next(r for r in refs if bucket(r) >= 0.5)
    when = datetime.now(timezone.utc) - timedelta(days=3)
    ingest(engine, [customer(s_ref), customer(p_ref)],
           [ivr_choice(s_ref, "balance", when), ivr_choice(p_ref, "balance", when), ivr_choice(p_ref, "card", when)])
    designer = client_as("ivr_designer")
    assert 'id="ab-empty"' in designer.get("/ivr").text  # share 0: nobody in the control group
    designer.post("/ivr/ab", data={"share": "50"})
    page = designer.get("/ivr").text
    assert "对照组（标准菜单） (n=1)" in page and "个性化组 (n=2)" in page
    # every builder call is resolved: 100 % in both groups, difference 0
    assert re.search(r'data-metric="self_service">.*?100\.0% .*?100\.0% .*?\+0\.0%', page, re.S)
