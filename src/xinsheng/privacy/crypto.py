"""Personal data at rest: Fernet field encryption and keyed blind indexes (cryptography).

``XINSHENG_PII_KEYS`` holds Fernet keys, comma-separated, the first current: values are
encrypted with the first and decrypted with any (``MultiFernet``), so a new key is put
first and ``xinsheng keys rotate`` re-encrypts the rows. Encrypted values cannot be
searched, so exact-name search uses a *blind index*: an HMAC-SHA256 of the normalised
value under a key derived (HKDF) from each Fernet key.

Customer ``attributes`` (free JSON) are stored with the values of the keys listed in
``XINSHENG_PII_ATTRIBUTE_KEYS`` (phone, ID number, e-mail, address …, at any depth)
encrypted as ``{"$enc": "<Fernet token>"}`` (:class:`EncryptedAttributes`); they are read
back encrypted and decrypted only for a viewer who may see personal data
(:func:`reveal_attributes`, called by ``customers.service.get_profile``).

Outside the demo there is no default key: a missing key stops the server and every
command that touches personal data. In demo mode (``XINSHENG_MODE=demo``) a key is
generated once into ``XINSHENG_HOME/pii.key`` (permissions 0600).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import JSON, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from xinsheng.config import get_settings
from xinsheng.errors import XinshengError

log = logging.getLogger(__name__)
KEY_FILE = "pii.key"


class PIIKeyError(XinshengError):
    code = "pii_key"
    status = 500


@dataclass(frozen=True)
class Keyring:
    """The configured keys: encrypt with the first, decrypt with any."""

    keys: tuple[bytes, ...]

    @property
    def fernet(self) -> MultiFernet:
        return _multi(self.keys)

    def encrypt(self, value: str) -> str:
        return self.fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise PIIKeyError(
                "personal data cannot be decrypted: the key that encrypted it is not in "
                "XINSHENG_PII_KEYS (keep old keys after the current one until `xinsheng keys rotate` ran)"
            ) from None

    def is_current(self, token: str) -> bool:
        try:
            Fernet(self.keys[0]).decrypt(token.encode("ascii"))
            return True
        except InvalidToken:
            return False

    def rotate(self, token: str) -> str:
        return self.fernet.rotate(token.encode("ascii")).decode("ascii")

    def blind_index(self, value: str) -> str:
        """The current key's index of ``value`` (what is stored)."""
        return _hmac(_index_key(self.keys[0]), value)

    def blind_indexes(self, value: str) -> list[str]:
        """The index of ``value`` under every key (what a search matches, mid-rotation too)."""
        return [_hmac(_index_key(k), value) for k in self.keys]


@lru_cache(maxsize=8)
def _multi(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


@lru_cache(maxsize=8)
def _index_key(key: bytes) -> bytes:
    raw = base64.urlsafe_b64decode(key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"xinsheng blind index v1").derive(raw)


def normalise(value: str) -> str:
    """NFKC, no white space, case-folded: 王 建国 and 王建国 index alike."""
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _parse_keys(raw: str) -> tuple[bytes, ...]:
    keys = tuple(k.strip().encode("ascii") for k in raw.split(",") if k.strip())
    for n, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise PIIKeyError(f"XINSHENG_PII_KEYS: key {n} is not a Fernet key "
                            "(make one with `xinsheng keys generate`)") from None
    return keys


def demo_key(home: Path) -> bytes:
    """The demo's key, generated once under ``home`` with permissions 0600."""
    path = Path(home) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key())
    log.warning("demo mode: generated a personal-data key in %s", path)
    return path.read_bytes().strip()


@lru_cache(maxsize=8)
def _keyring_for(raw: str, mode: str, home: str) -> Keyring:
    keys = _parse_keys(raw)
    if not keys:
        if mode != "demo":
            raise PIIKeyError(
                "XINSHENG_PII_KEYS is not set: personal data is encrypted at rest and there is no "
                "default key. Make one with `xinsheng keys generate` and set it, or set "
                "XINSHENG_MODE=demo for a demo (a key is then generated under XINSHENG_HOME)"
            )
        keys = (demo_key(Path(home)),)
    return Keyring(keys)


def keyring() -> Keyring:
    """The configured keyring; raises when no key is configured outside demo mode."""
    s = get_settings()
    return _keyring_for(s.pii_keys.get_secret_value(), s.mode, str(s.home))


class EncryptedText(TypeDecorator):
    """A text column stored Fernet-encrypted; reads decrypt, writes encrypt (current key)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else keyring().encrypt(str(value))

    def process_result_value(self, value: str | None, dialect) -> str | None:
        return None if value is None else keyring().decrypt(value)


#: the key of an encrypted attribute value: ``{"$enc": "<Fernet token>"}``
ENC = "$enc"


def is_encrypted(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(ENC), str)


def attribute_keys() -> frozenset[str]:
    """The configured attribute keys whose values are personal data (lower case)."""
    return frozenset(k.strip().lower() for k in get_settings().pii_attribute_keys if k.strip())


def encrypt_attributes(value: Any, keys: frozenset[str], ring: Keyring) -> Any:
    """A copy of ``value`` with the values of ``keys`` (at any depth) encrypted; values
    already encrypted are left as they are."""
    if isinstance(value, list):
        return [encrypt_attributes(v, keys, ring) for v in value]
    if not isinstance(value, dict) or is_encrypted(value):
        return value
    out = {}
    for k, v in value.items():
        if str(k).lower() in keys and v is not None and not is_encrypted(v):
            out[k] = {ENC: ring.encrypt(json.dumps(v, ensure_ascii=False))}
        else:
            out[k] = encrypt_attributes(v, keys, ring)
    return out


def reveal_attributes(value: Any, ring: Keyring | None = None) -> Any:
    """A copy of ``value`` with every encrypted value decrypted (for viewers who may see it)."""
    if is_encrypted(value):
        return json.loads((ring or keyring()).decrypt(value[ENC]))
    if isinstance(value, list):
        return [reveal_attributes(v, ring) for v in value]
    if isinstance(value, dict):
        ring = ring or keyring()
        return {k: reveal_attributes(v, ring) for k, v in value.items()}
    return value


def rotate_attributes(value: Any, ring: Keyring) -> tuple[Any, int]:
    """``value`` with every token under an old key re-encrypted under the current one;
    returns it and how many were re-encrypted."""
    if is_encrypted(value):
        return (value, 0) if ring.is_current(value[ENC]) else ({ENC: ring.rotate(value[ENC])}, 1)
    if isinstance(value, (list, dict)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        done, count = {}, 0
        for k, v in items:
            done[k], n = rotate_attributes(v, ring)
            count += n
        return (done if isinstance(value, dict) else list(done.values())), count
    return value, 0


class EncryptedAttributes(TypeDecorator):
    """A JSON column (JSONB on PostgreSQL) whose personal-data values are stored encrypted.

    Writes encrypt the values of ``XINSHENG_PII_ATTRIBUTE_KEYS``; reads return them still
    encrypted (``{"$enc": …}``): decrypting is the reader's decision (:func:`reveal_attributes`).
    """

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect) -> Any:
        if not value:
            return value
        keys = attribute_keys()
        return encrypt_attributes(value, keys, keyring()) if keys and mentions_keys(value, keys) else value


def mentions_keys(value: Any, keys: frozenset[str]) -> bool:
    """Whether any dict key of ``value`` (any depth) is in ``keys`` (no key needed otherwise)."""
    if isinstance(value, dict):
        return any(str(k).lower() in keys or mentions_keys(v, keys) for k, v in value.items())
    if isinstance(value, list):
        return any(mentions_keys(v, keys) for v in value)
    return False
