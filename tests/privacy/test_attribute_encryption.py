"""Customer attributes that may hold personal data (XINSHENG_PII_ATTRIBUTE_KEYS) are stored
encrypted, at any depth, and decrypted only for viewers who may see personal data.

What is compared: the stored JSON read with plain SQL, and each token decrypted here with
cryptography's Fernet under the key from the environment, against the values posted;
what each role gets against the posted values (or the fixed mask).
"""
from __future__ import annotations

import json
import os

from cryptography.fernet import Fernet
from sqlalchemy import text

from tests.test_cli import run
from xinsheng.config import get_settings

ID_NUMBER, PHONE, EMAIL = "11010519491231002X", "13912345678", "wang.jianguo@example.cn"
ATTRS = {"id_number": ID_NUMBER, "contact": {"Phone": PHONE, "email": EMAIL, "lang": "zh"},
         "aum_cny": 12000000, "passport": None, "cards": [{"address": "郑州市金水路 1 号"}]}


def _stored(engine, ref: str = "C-1") -> tuple[str, dict]:
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT attributes FROM customers WHERE customer_ref = :r"), {"r": ref}).scalar()
    return (raw, json.loads(raw)) if isinstance(raw, str) else (json.dumps(raw, ensure_ascii=False), raw)


def _open(token_doc: dict, keys: str | None = None):
    """Decrypt ``{"$enc": token}`` with cryptography itself (not the product's keyring)."""
    fernets = [Fernet(k) for k in (keys or os.environ["XINSHENG_PII_KEYS"]).split(",")]
    for f in fernets:
        try:
            return json.loads(f.decrypt(token_doc["$enc"].encode()))
        except Exception:  # noqa: BLE001 - try the next key
            continue
    raise AssertionError("no key decrypts the value")


def test_listed_values_are_stored_encrypted_at_any_depth(client, engine):
    assert client.post("/api/v1/customers", json={"customer_ref": "C-1", "attributes": ATTRS}).status_code == 200
    raw, stored = _stored(engine)
    assert ID_NUMBER not in raw and PHONE not in raw and EMAIL not in raw and "金水路" not in raw
    assert _open(stored["id_number"]) == ID_NUMBER
    assert _open(stored["contact"]["Phone"]) == PHONE and _open(stored["contact"]["email"]) == EMAIL
    assert _open(stored["cards"][0]["address"]) == "郑州市金水路 1 号"
    assert stored["contact"]["lang"] == "zh" and stored["aum_cny"] == 12000000 and stored["passport"] is None


def test_only_viewers_who_may_see_personal_data_get_them_decrypted(client, client_as, engine):
    client.post("/api/v1/customers", json={"customer_ref": "C-1", "attributes": ATTRS})
    assert client_as("supervisor").get("/api/v1/customers/C-1").json()["attributes"] == ATTRS
    masked = client_as("analyst").get("/api/v1/customers/C-1").json()["attributes"]
    assert masked["id_number"] == "******" and masked["contact"]["Phone"] == "******"
    assert masked["cards"] == [{"address": "******"}] and masked["aum_cny"] == 12000000
    assert PHONE not in json.dumps(masked) and ID_NUMBER not in json.dumps(masked)
    admin = client_as("admin")
    assert admin.get("/api/v1/customers/C-1").json()["attributes"]["id_number"] == "******"
    unmasked = admin.post("/api/v1/customers/C-1/unmask", json={"reason": "监管调阅 2026-118"}).json()
    assert unmasked["attributes"] == ATTRS


def test_a_key_added_to_the_list_and_a_new_pii_key_are_applied_by_keys_rotate(client, engine, settings_env):
    client.post("/api/v1/customers", json={"customer_ref": "C-1", "attributes": ATTRS})
    old, new = os.environ["XINSHENG_PII_KEYS"], Fernet.generate_key().decode()
    listed = json.dumps([*get_settings().pii_attribute_keys, "aum_cny"])
    env = {**settings_env, "XINSHENG_PII_KEYS": f"{new},{old}", "XINSHENG_PII_ATTRIBUTE_KEYS": listed}
    res = run(["keys", "rotate", "--json"], env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["customers.attributes"] == {"rows": 1, "reencrypted": 4, "newly_encrypted": 1}
    _, stored = _stored(engine)
    assert _open(stored["aum_cny"], new) == 12000000, "now encrypted, under the new key"
    assert _open(stored["id_number"], new) == ID_NUMBER, "re-encrypted: the new key alone opens it"
    again = json.loads(run(["keys", "rotate", "--json"], env).stdout)["customers.attributes"]
    assert again == {"rows": 1, "reencrypted": 0, "newly_encrypted": 0}
