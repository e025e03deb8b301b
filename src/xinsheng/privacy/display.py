"""How personal data is shown to a role that need not see it: masked, never blank.

Names keep their first character (王建国 → 王**), so an agent can still say 王先生;
free texts and attribute values go through the VOC masker (phones, IDs, cards,
e-mails, stated names), and attributes whose key names a contact detail are masked
whole.
"""
from __future__ import annotations

from typing import Any

from xinsheng.privacy.crypto import is_encrypted
from xinsheng.voc.masking import mask_pii

PII_KEYS = ("phone", "mobile", "tel", "email", "id_number", "id_card", "cn_id", "card", "address",
            "wechat", "name", "contact")


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    chars = [c for c in name.strip()]
    return chars[0] + "*" * max(1, len(chars) - 1) if chars else name


def mask_text(text: str | None) -> str | None:
    return mask_pii(text).text if text else text


def mask_tail(value: str, keep: int = 4) -> str:
    """``6222020200112233445`` → ``***************3445``."""
    return "*" * max(0, len(value) - keep) + value[-keep:] if len(value) > keep else "*" * len(value)


#: what an attribute value stored encrypted shows to a viewer who may not decrypt it
ENCRYPTED_MASK = "******"


def mask_attributes(value: Any, key: str = "") -> Any:
    """A copy of ``value`` with contact details masked, at any depth; a value stored
    encrypted stays unread (:data:`ENCRYPTED_MASK`)."""
    if is_encrypted(value):
        return ENCRYPTED_MASK
    if isinstance(value, dict):
        return {k: mask_attributes(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_attributes(v, key) for v in value]
    if isinstance(value, str):
        if any(p in key.lower() for p in PII_KEYS):
            return mask_tail(value)
        return mask_text(value)
    return value
