"""Personal data at rest: names and notes encrypted, found by a blind index, keys rotated;
no default key outside the demo."""
from __future__ import annotations

import os
import stat

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from tests.factories import elderly_customer_wang, private_banking_client_li
from xinsheng.config import get_settings
from xinsheng.privacy.crypto import PIIKeyError, keyring
from xinsheng.privacy.keys import rotate_keys


def _raw(engine, sql: str) -> list:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def test_names_and_notes_are_stored_encrypted_and_read_back_in_clear(client, client_as, engine):
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    rows = _raw(engine, "SELECT customer_ref, name, name_index FROM customers ORDER BY customer_ref")
    assert [r[0] for r in rows] == ["C-LI", "C-WANG"]
    for _, name, index in rows:
        assert name.startswith("gAAAAA") and "王" not in name and "李" not in name and len(index) == 40
    notes = [r[0] for r in _raw(engine, "SELECT text FROM customer_notes")]
    assert notes and not any("飞机" in n or "听力" in n for n in notes)
    assert client.get("/api/v1/customers/C-LI").json()["notes"][0]["text"] == "怕坐飞机"
    found = client_as("supervisor").get("/customers", params={"q": "王 建国"}).text
    assert "C-WANG" in found and "C-LI" not in found, "exact name search through the blind index"


def test_key_rotation_re_encrypts_every_row_and_old_key_can_go(client, client_as, engine, monkeypatch):
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    before = _raw(engine, "SELECT name, name_index FROM customers ORDER BY id")
    old, new = get_settings().pii_keys.get_secret_value(), Fernet.generate_key().decode()
    monkeypatch.setenv("XINSHENG_PII_KEYS", f"{new},{old}")
    get_settings.cache_clear()
    assert 'href="/customers/C-LI"' in client_as("supervisor").get("/customers", params={"q": "李雪梅"}).text, \
        "mid-rotation, search matches the old key's index too"
    report = rotate_keys(engine, batch=1)
    assert report["customers.name"] == {"rows": 2, "reencrypted": 2, "reindexed": 2}
    assert report["customer_notes.text"]["reencrypted"] == report["customer_notes.text"]["rows"] == 4
    assert rotate_keys(engine)["customers.name"]["reencrypted"] == 0, "a second run has nothing to do"
    after = _raw(engine, "SELECT name, name_index FROM customers ORDER BY id")
    assert all(a[0] != b[0] and a[1] != b[1] for a, b in zip(after, before))
    monkeypatch.setenv("XINSHENG_PII_KEYS", new)
    get_settings.cache_clear()
    assert client.get("/api/v1/customers/C-WANG").json()["name"] == "王建国"
    assert "C-WANG" in client_as("supervisor").get("/customers", params={"q": "王建国"}).text
    monkeypatch.setenv("XINSHENG_PII_KEYS", Fernet.generate_key().decode())
    get_settings.cache_clear()
    lost = client.get("/api/v1/customers/C-WANG")
    assert lost.status_code == 500 and "not in XINSHENG_PII_KEYS" in lost.json()["message"]


def test_outside_demo_mode_a_missing_or_bad_key_refuses_to_start(db_url, engine, monkeypatch, tmp_path):
    from xinsheng.app import create_app

    monkeypatch.setenv("XINSHENG_HOME", str(tmp_path))
    monkeypatch.setenv("XINSHENG_PII_KEYS", "")
    get_settings.cache_clear()
    with pytest.raises(PIIKeyError, match="XINSHENG_PII_KEYS is not set"):
        create_app(db_url)
    monkeypatch.setenv("XINSHENG_PII_KEYS", "not-a-key")
    get_settings.cache_clear()
    with pytest.raises(PIIKeyError, match="not a Fernet key"):
        keyring()
    assert not (tmp_path / "pii.key").exists()
    get_settings.cache_clear()


def test_demo_mode_generates_one_private_key(monkeypatch, tmp_path):
    monkeypatch.setenv("XINSHENG_HOME", str(tmp_path))
    monkeypatch.setenv("XINSHENG_PII_KEYS", "")
    monkeypatch.setenv("XINSHENG_MODE", "demo")
    get_settings.cache_clear()
    try:
        token = keyring().encrypt("王建国")
        path = tmp_path / "pii.key"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        first = path.read_bytes()
        get_settings.cache_clear()
        assert keyring().decrypt(token) == "王建国" and path.read_bytes() == first
    finally:
        get_settings.cache_clear()
