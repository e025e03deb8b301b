"""Synthetic personal data for the demo bank: valid-looking, never real.

Resident ID numbers carry a correct GB 11643 check character, bank card numbers
pass the Luhn check (both from ``xinsheng.checksums``, the ones masking uses), mobile
numbers follow the 1[3-9] plan.
"""
from __future__ import annotations

import random
from datetime import date

from xinsheng.checksums import gb11643_check_char, luhn_check_digit

__all__ = [
    "cn_id",
    "bank_card",
    "mobile",
    "email",
    "AREA_CODES",
]


# Administrative division codes (first six digits of a resident ID) by city.
AREA_CODES: dict[str, tuple[str, ...]] = {
    "北京市": ("110101", "110105", "110108"),
    "上海市": ("310101", "310104", "310115"),
    "天津市": ("120101", "120103"),
    "重庆市": ("500103", "500106"),
    "广州市": ("440103", "440106"),
    "深圳市": ("440303", "440305"),
    "杭州市": ("330102", "330106"),
    "宁波市": ("330203", "330212"),
    "南京市": ("320102", "320106"),
    "苏州市": ("320505", "320508"),
    "成都市": ("510104", "510107"),
    "武汉市": ("420102", "420106"),
    "西安市": ("610103", "610113"),
    "青岛市": ("370202", "370212"),
    "济南市": ("370102", "370103"),
    "厦门市": ("350203", "350206"),
    "福州市": ("350102", "350104"),
    "长沙市": ("430103", "430104"),
    "郑州市": ("410102", "410105"),
    "沈阳市": ("210102", "210103"),
    "哈尔滨市": ("230102", "230103"),
    "昆明市": ("530102", "530103"),
    "南宁市": ("450102", "450103"),
    "合肥市": ("340103", "340104"),
    "石家庄市": ("130102", "130104"),
    "太原市": ("140105", "140106"),
    "南昌市": ("360102", "360103"),
    "贵阳市": ("520102", "520103"),
    "兰州市": ("620102", "620103"),
    "乌鲁木齐市": ("650102", "650103"),
}

_CARD_BINS = ("622202", "621700", "622848", "621661", "622588", "621483", "622262", "623668")
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "158", "159", "166", "170", "176", "177", "180", "181", "182", "185",
    "186", "187", "188", "189", "191", "198", "199",
)
_MAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "outlook.com", "gmail.com")


def cn_id(rng: random.Random, birth: date, gender: str | None, city: str | None = None) -> str:
    """An 18-character resident ID (GB 11643) with a valid check character.

    The sequence digit's parity follows ``gender`` (odd: male, even: female).
    """
    codes = AREA_CODES.get(city or "", None) or AREA_CODES["北京市"]
    area = rng.choice(codes)
    seq = rng.randrange(0, 100)
    sex = rng.randrange(0, 10)
    if gender == "M" and sex % 2 == 0:
        sex = (sex + 1) % 10
    elif gender == "F" and sex % 2 == 1:
        sex = (sex + 1) % 10
    first17 = f"{area}{birth:%Y%m%d}{seq:02d}{sex}"
    return first17 + gb11643_check_char(first17)


def bank_card(rng: random.Random) -> str:
    """A 16- or 19-digit UnionPay-style (62…) card number with a valid Luhn digit."""
    length = rng.choice((16, 19, 19))
    body = rng.choice(_CARD_BINS) + "".join(str(rng.randrange(10)) for _ in range(length - 7))
    return body + luhn_check_digit(body)


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def email(rng: random.Random, pinyin: str, birth_year: int | None = None) -> str:
    """An e-mail address built from a name's pinyin."""
    style = rng.randrange(4)
    if style == 0 and birth_year:
        local = f"{pinyin}{birth_year}"
    elif style == 1:
        local = f"{pinyin}{rng.randrange(10, 999)}"
    elif style == 2:
        local = f"{pinyin}_{rng.choice(('cn', 'work', 'home', 'sz', 'bj'))}"
    else:
        return f"{rng.randrange(10_000_000, 2_999_999_999)}@qq.com"
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"
