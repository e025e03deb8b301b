"""Planting personal data in texts, so that PII masking has real work to do.

Each customer keeps one mobile number, resident ID, card number and e-mail address
(created on first use); anonymous writers get throw-away ones. The planted kinds are
reported with the names the masking contract uses: ``person_name``, ``phone``,
``cn_id``, ``bank_card``, ``email``.
"""
from __future__ import annotations

import random
from datetime import date

from xinsheng.demo import pii
from xinsheng.demo.names import person_name
from xinsheng.demo.people import Profile

__all__ = ["plant_pii", "identity"]

_COMBOS: tuple[tuple[str, ...], ...] = (
    ("person_name",), ("phone",), ("phone",), ("cn_id",), ("bank_card",), ("email",),
    ("person_name", "phone"), ("person_name", "cn_id"), ("bank_card", "phone"), ("person_name", "bank_card"),
)


def identity(rng: random.Random, profile: Profile | None) -> dict[str, str]:
    """The personal data of ``profile`` (created once), or of a made-up stranger."""
    if profile is not None and profile.pii:
        return profile.pii
    if profile is None:
        year = rng.randint(1950, 2000)
        gender = rng.choice(("M", "F"))
        name, py = person_name(rng, year, gender)
        city = None
    else:
        year, gender, name, py, city = profile.birth_year, profile.gender, profile.name, profile.pinyin, profile.city
    birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
    values = {
        "person_name": name,
        "phone": pii.mobile(rng),
        "cn_id": pii.cn_id(rng, birth, gender, city),
        "bank_card": pii.bank_card(rng),
        "email": pii.email(rng, py, year),
    }
    if profile is not None:
        profile.pii = values
    return values


def _card_text(rng: random.Random, card: str) -> str:
    if rng.random() < 0.25:
        return " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    return card


def _phrase(rng: random.Random, kind: str, values: dict[str, str]) -> str:
    v = values[kind]
    if kind == "phone":
        return rng.choice(("我的手机号是{}", "联系电话{}", "电话：{}", "有事打我手机{}", "回电请打{}")).format(v)
    if kind == "cn_id":
        return rng.choice(("我的身份证号是{}", "身份证号码{}", "证件号：{}")).format(v)
    if kind == "bank_card":
        return rng.choice(("卡号是{}", "我的银行卡号{}", "出问题的卡号：{}")).format(_card_text(rng, v))
    return rng.choice(("请回复到我的邮箱{}", "邮箱：{}", "结果发我邮箱{}")).format(v)


def plant_pii(rng: random.Random, text: str, profile: Profile | None) -> tuple[str, list[str]]:
    """``text`` with one or two pieces of personal data woven in, and their kinds."""
    kinds = rng.choice(_COMBOS)
    values = identity(rng, profile)
    head, tail = "", []
    for kind in kinds:
        if kind == "person_name":
            head = rng.choice(("我叫{}，", "我是{}，", "本人{}，")).format(values["person_name"])
        else:
            tail.append(_phrase(rng, kind, values))
    out = head + text
    if tail:
        sep = "" if out[-1:] in "。！？!?" else "。"
        out = out + sep + "，".join(tail) + "。"
    return out, list(kinds)
