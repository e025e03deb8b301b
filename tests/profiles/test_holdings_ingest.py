"""``xinsheng ingest FILE --kind holdings`` and ``POST /api/v1/holdings`` as a bank feeds them."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

from sqlalchemy import select

from tests.cases.builders import add_customer, add_private_client
from xinsheng.db import session_scope
from xinsheng.profiles.models import Holding


def xs(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def stored(engine) -> list[tuple]:
    with session_scope(engine) as s:
        return sorted((h.as_of.isoformat(), h.product, h.category, h.balance_cny, h.risk_level)
                      for h in s.scalars(select(Holding)))


CSV = """customer_ref,as_of,product,category,balance_cny,risk_level
C-WANG,2026-09-01,DEP-001,deposit,120000.50,
C-WANG,2026-09-01,WM-R3,wealth,300000,3
C-WANG,2026-09-01,CARD-1,credit_card,-5000,
C-WANG,2026-09-01,GOLD,bullion,1000,
C-WANG,2026-09-02,DEP-001,deposit,lots,
C-WANG,2999-01-01,DEP-001,deposit,1,
C-WANG,2026-09-01,DEP-001,deposit,99,
C-NOBODY,2026-09-01,DEP-001,deposit,1,
C-WANG,2026-10-01,DEP-001,deposit,"1,000",
"""


def test_a_file_with_bad_lines(engine, settings_env, tmp_path):
    add_customer(engine)
    src, rejects = tmp_path / "holdings.csv", tmp_path / "rejects.csv"
    src.write_text(CSV, encoding="utf-8")
    res = xs(["ingest", str(src), "--kind", "holdings", "--rejects", str(rejects), "--json"], settings_env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report["accepted"], report["duplicates"], report["rejected"]) == (3, 0, 6)
    errors = {e["line"]: e["error"] for e in report["errors"]}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9]
    assert errors[4].startswith("balance_cny") and "negative" in errors[4]
    assert errors[5].startswith("category") and "bullion" in errors[5]
    assert errors[6].startswith("balance_cny") and "not a number" in errors[6]
    assert errors[7].startswith("as_of") and "future" in errors[7]
    assert "duplicate snapshot" in errors[8] and "line 2" in errors[8]
    assert errors[9].startswith("customer_ref") and "unknown customer" in errors[9]
    lines = CSV.splitlines()
    assert rejects.read_text(encoding="utf-8").splitlines() == [lines[0], *lines[3:9]]
    assert stored(engine) == [("2026-09-01", "DEP-001", "deposit", Decimal("120000.50"), None),
                              ("2026-09-01", "WM-R3", "wealth", Decimal("300000.00"), 3),
                              ("2026-10-01", "DEP-001", "deposit", Decimal("1000.00"), None)]
    again = json.loads(xs(["ingest", str(src), "--kind", "holdings", "--json"], settings_env).stdout)
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 3, 6)


def test_api_posts_snapshots_and_a_correction_replaces_one(client, engine):
    add_private_client(engine)
    snap = {"customer_ref": "C-LI", "as_of": "2026-09-30", "product": "FUND-9", "category": "fund",
            "balance_cny": 2500000, "risk_level": 4}
    res = client.post("/api/v1/holdings", json=[snap, {**snap, "product": "DEP-1", "category": "deposit",
                                                       "balance_cny": 800000.25, "risk_level": None}])
    assert res.status_code == 200, res.text
    assert res.json() == {"accepted": 2, "duplicates": 0, "rejected": 0, "errors": []}
    assert client.post("/api/v1/holdings", json=snap).json()["duplicates"] == 1
    fixed = client.post("/api/v1/holdings", json={**snap, "balance_cny": 2400000})
    assert fixed.json()["accepted"] == 1
    assert stored(engine) == [("2026-09-30", "DEP-1", "deposit", Decimal("800000.25"), None),
                              ("2026-09-30", "FUND-9", "fund", Decimal("2400000.00"), 4)]
    bad = client.post("/api/v1/holdings", json={**snap, "category": "crypto"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["line"] == 1


def test_holdings_write_needs_the_permission(client_as, engine):
    add_private_client(engine)
    snap = {"customer_ref": "C-LI", "as_of": "2026-09-30", "product": "D", "category": "deposit", "balance_cny": 1}
    assert client_as("agent").post("/api/v1/holdings", json=snap).status_code == 403
    assert client_as("system", scopes=["ingest"]).post("/api/v1/holdings", json=snap).status_code == 200
