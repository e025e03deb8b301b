"""Ingest of NDJSON and CSV files: bad records reported, good ones kept, idempotent."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.factories import elderly_customer_wang, interaction
from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import session_scope
from xinsheng.ingest.files import ingest_file
from xinsheng.ingest.schemas import MAX_TEXT_LENGTH
from xinsheng.interactions.models import Interaction


def _ndjson(path, records: list) -> None:
    lines = [r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode() for r in records]
    path.write_bytes(b"\n".join(lines) + b"\n")


def _count(engine, model=Interaction) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


BAD_LINES = {
    2: (interaction(2, started_at="2026-13-45T10:00:00+08:00"), "not an ISO 8601 timestamp"),
    3: (interaction(3, channel="fax"), "unknown channel 'fax'"),
    4: (interaction(4, ended_at="2026-09-01T00:00:00+08:00"), "is before started_at"),
    5: ({k: v for k, v in interaction(5).items() if k != "external_id"}, "external_id: is required"),
    6: (interaction(6, text="长" * (MAX_TEXT_LENGTH + 1)), "text: too long"),
    7: (b'{"external_id": "ext-7", "channel": "app",', "invalid JSON"),
    8: ('{"external_id": "ext-8", "channel": "app", "text": "转账失败"}'.encode("gbk"), "not valid UTF-8"),
    9: (b"[1, 2, 3]", "expected a JSON object"),
    10: (interaction(10, started_at="2026-10-01T09:00:00"), "has no UTC offset"),
}


def test_bad_records_are_reported_with_line_and_reason_and_good_ones_kept(engine, tmp_path):
    records = [interaction(1)] + [BAD_LINES[n][0] for n in range(2, 11)] + [interaction(11)]
    src, rejects = tmp_path / "in.ndjson", tmp_path / "rejects.ndjson"
    _ndjson(src, records)

    report = ingest_file(src, "interactions", engine, rejects=rejects)

    assert (report.accepted, report.duplicates, report.rejected) == (2, 0, 9)
    by_line = {e["line"]: e for e in report.errors}
    for line, (_, reason) in BAD_LINES.items():
        assert reason in by_line[line]["error"], (line, by_line[line])
    assert by_line[3]["external_id"] == "ext-3"
    original = src.read_bytes().split(b"\n")
    assert rejects.read_bytes().split(b"\n")[:-1] == [original[n - 1] for n in range(2, 11)]
    assert _count(engine) == 2


def test_rerun_and_duplicate_resends_store_one_copy(engine, tmp_path):
    src = tmp_path / "in.jsonl"
    _ndjson(src, [interaction(n) for n in range(50)] + [interaction(7)])
    first = ingest_file(src, "interactions", engine, batch_size=8)
    second = ingest_file(src, "interactions", engine, batch_size=8)
    assert (first.accepted, first.duplicates) == (50, 1)
    assert (second.accepted, second.duplicates) == (0, 51)
    assert _count(engine) == 50


def test_same_external_id_in_another_source_is_a_different_contact(engine, tmp_path):
    src = tmp_path / "in.ndjson"
    _ndjson(src, [interaction(1, source="app-logs"), interaction(1, source="cti")])
    assert ingest_file(src, "interactions", engine).accepted == 2


def test_unknown_customer_gets_a_placeholder_that_a_customer_record_fills_in(engine, tmp_path):
    contacts, people = tmp_path / "c.ndjson", tmp_path / "p.ndjson"
    _ndjson(contacts, [interaction(1, customer_ref="C-WANG"), interaction(2, customer_ref=None)])
    ingest_file(contacts, "interactions", engine)
    with session_scope(engine) as s:
        wang = s.scalar(select(Customer).where(Customer.customer_ref == "C-WANG"))
        assert wang.is_placeholder and wang.name is None
        anonymous = s.scalar(select(Interaction).where(Interaction.external_id == "ext-2"))
        assert anonymous.customer_id is None
    _ndjson(people, [elderly_customer_wang()])
    ingest_file(people, "customers", engine)
    with session_scope(engine) as s:
        wang = s.scalar(select(Customer).where(Customer.customer_ref == "C-WANG"))
        assert not wang.is_placeholder and wang.name == "王建国" and wang.birth_year == 1948
        assert _count(engine, Customer) == 1


def test_text_is_stored_masked_never_raw(engine, tmp_path):
    src = tmp_path / "in.ndjson"
    _ndjson(src, [interaction(1, text="我的手机13812345678，卡号6222020200112233445还是转不了账")])
    ingest_file(src, "interactions", engine)
    with session_scope(engine) as s:
        stored = s.scalar(select(Interaction))
    assert "13812345678" not in stored.text and "〔手机号〕" in stored.text
    assert {p["type"] for p in stored.pii} >= {"phone"}


CSV_HEADER = "customer_ref,name,birth_year,gender,segment,risk_level,preferred_channel,notes,attributes\n"


def test_csv_customers_with_notes_attributes_and_bad_rows(engine, tmp_path):
    good = 'C-LI,李雪梅,1975,F,private,4,wechat,怕坐飞机|不能吃螃蟹,"{""aum_cny"": 12000000}"\n'
    bad_year = "C-X,张三,1800,M,mass,2,phone,,\n"
    bad_channel = "C-Y,赵四,1980,M,mass,2,fax,,\n"
    bad_json = 'C-Z,钱五,1980,M,mass,2,app,,"{not json}"\n'
    gbk_row = "C-G,孙六,1980,M,mass,2,app,,\n".encode("gbk")
    short_row = "C-S,周七\n"
    src, rejects = tmp_path / "customers.csv", tmp_path / "rejects.csv"
    src.write_bytes((CSV_HEADER + good + bad_year + bad_channel + bad_json).encode()
                    + gbk_row + short_row.encode())

    report = ingest_file(src, "customers", engine, rejects=rejects)

    assert (report.accepted, report.rejected) == (1, 5)
    reasons = {e["line"]: e["error"] for e in report.errors}
    assert "birth_year" in reasons[3] and "preferred_channel" in reasons[4]
    assert "attributes: not valid JSON" in reasons[5] and "not valid UTF-8" in reasons[6]
    assert "2 columns, the header has 9" in reasons[7]
    assert rejects.read_bytes() == (CSV_HEADER + bad_year + bad_channel + bad_json).encode() \
        + gbk_row + short_row.encode()
    with session_scope(engine) as s:
        li = s.scalar(select(Customer).where(Customer.customer_ref == "C-LI"))
        notes = s.scalars(select(CustomerNote.text).where(CustomerNote.customer_id == li.id)).all()
    assert li.attributes == {"aum_cny": 12000000} and sorted(notes) == ["不能吃螃蟹", "怕坐飞机"]


def test_csv_interactions_with_quoted_multiline_text(engine, tmp_path):
    src = tmp_path / "contacts.csv"
    src.write_text(
        "external_id,customer_ref,channel,started_at,ended_at,text,attributes\n"
        'e1,C-WANG,phone,2026-10-01T09:00:00+08:00,2026-10-01T09:05:00+08:00,"客户：转账失败\n坐席：请稍等","{""wait_seconds"": 42}"\n'
        "e2,,ivr,2026-10-01T10:00:00+08:00,,,\n", encoding="utf-8")
    report = ingest_file(src, "interactions", engine)
    assert (report.accepted, report.rejected) == (2, 0)
    with session_scope(engine) as s:
        e1 = s.scalar(select(Interaction).where(Interaction.external_id == "e1"))
    assert e1.text == "客户：转账失败\n坐席：请稍等" and e1.attributes == {"wait_seconds": 42}


def test_customer_upsert_keeps_fields_a_partial_record_omits(engine, tmp_path):
    src = tmp_path / "c.ndjson"
    _ndjson(src, [elderly_customer_wang()])
    ingest_file(src, "customers", engine)
    _ndjson(src, [{"customer_ref": "C-WANG", "region": "北京市"}])
    ingest_file(src, "customers", engine)
    with session_scope(engine) as s:
        wang = s.scalar(select(Customer).where(Customer.customer_ref == "C-WANG"))
        notes = s.scalars(select(CustomerNote.text).where(CustomerNote.customer_id == wang.id)).all()
    assert wang.region == "北京市" and wang.name == "王建国" and len(notes) == 2
