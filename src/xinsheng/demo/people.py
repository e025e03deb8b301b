"""The demo bank's people: customers (with notes), agents and relationship managers."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from xinsheng.demo.names import person_name
from xinsheng.demo.rand import wpick

__all__ = ["Profile", "make_customers", "make_agents", "make_advisors", "NOTES", "REGIONS"]

# (province, city, weight); for municipalities the province is the city.
REGIONS: tuple[tuple[str, str, int], ...] = (
    ("北京市", "北京市", 10), ("上海市", "上海市", 10), ("广东省", "广州市", 7), ("广东省", "深圳市", 8),
    ("浙江省", "杭州市", 6), ("浙江省", "宁波市", 3), ("江苏省", "南京市", 5), ("江苏省", "苏州市", 4),
    ("四川省", "成都市", 5), ("湖北省", "武汉市", 4), ("陕西省", "西安市", 3), ("山东省", "青岛市", 3),
    ("山东省", "济南市", 3), ("福建省", "厦门市", 2), ("福建省", "福州市", 2), ("湖南省", "长沙市", 3),
    ("河南省", "郑州市", 3), ("辽宁省", "沈阳市", 2), ("黑龙江省", "哈尔滨市", 2), ("云南省", "昆明市", 2),
    ("广西壮族自治区", "南宁市", 1), ("安徽省", "合肥市", 2), ("河北省", "石家庄市", 2), ("山西省", "太原市", 1),
    ("江西省", "南昌市", 1), ("贵州省", "贵阳市", 1), ("甘肃省", "兰州市", 1), ("天津市", "天津市", 3),
    ("重庆市", "重庆市", 3), ("新疆维吾尔自治区", "乌鲁木齐市", 1),
)
_REGION_W = tuple(r[2] for r in REGIONS)

# Preference and taboo notes (偏好与禁忌), each with the group it mostly applies to.
NOTES: tuple[tuple[str, str], ...] = (
    ("不能吃螃蟹", "wealthy"), ("对海鲜过敏", "any"), ("三高，不宜饮酒", "elderly"),
    ("糖尿病，不吃甜食", "elderly"), ("牙口不好，不吃硬的食物", "elderly"), ("素食者", "any"),
    ("不喝酒", "any"), ("不收贵重礼品", "wealthy"), ("怕坐飞机，只坐高铁", "wealthy"),
    ("只接受上午来电", "elderly"), ("下午三点后方便接电话", "any"), ("工作日晚上七点后再联系", "young"),
    ("周末不要打电话", "any"), ("不喜欢营销短信", "any"), ("请勿推销信用卡", "any"),
    ("不接受电话营销", "any"), ("只用微信联系", "young"), ("偏好邮件沟通", "young"),
    ("听力不好，请说慢一点", "elderly"), ("视力不好，短信请用大字版", "elderly"),
    ("不会用智能手机", "elderly"), ("行动不便，需上门服务", "elderly"), ("只会说粤语", "elderly"),
    ("普通话不太好，讲四川话", "elderly"), ("喜欢看电影", "any"), ("爱好书法", "elderly"),
    ("喜欢钓鱼", "any"), ("喜欢打高尔夫", "wealthy"), ("喜欢喝茶，偏爱普洱", "wealthy"),
    ("孙子在英国留学", "elderly"), ("女儿在澳洲读书", "wealthy"), ("关注养老规划", "elderly"),
    ("风险厌恶，只买低风险产品", "elderly"), ("不喜欢被叫“阿姨”", "any"), ("忌讳数字4", "any"),
    ("老伴已去世，勿提及", "elderly"), ("不要寄纸质对账单", "young"), ("对上次理财亏损仍有意见", "wealthy"),
    ("讨厌排队，办业务请提前预约", "wealthy"), ("脾气急，需快速回应", "any"), ("节假日不要打扰", "any"),
    ("信佛，不宜送肉类礼品", "any"),
)

_SEGMENT_NOTE_SHARE = {"mass": 0.18, "affluent": 0.45, "private": 0.7}
_PRODUCTS = ("credit_card", "wealth", "fund", "deposit_certificate", "mortgage", "consumer_loan", "fx", "social_security_card")


@dataclass
class Profile:
    """What the generator needs to know about one customer (the record is built from it)."""

    ref: str
    name: str
    pinyin: str
    birth_year: int
    gender: str
    province: str
    city: str
    segment: str
    risk_level: int
    preferred_channel: str
    advisor_ref: str | None
    app_user: bool
    activity: float
    products: list[str]
    notes: list[str]
    aum: int
    ivr_habit: list[float] = field(default_factory=list)
    pii: dict[str, str] = field(default_factory=dict)

    @property
    def elderly(self) -> bool:
        return self.birth_year < 1960

    def record(self, opened: str) -> dict:
        region = self.city if self.province == self.city else self.province + self.city
        return {
            "customer_ref": self.ref,
            "name": self.name,
            "birth_year": self.birth_year,
            "gender": self.gender,
            "region": region,
            "segment": self.segment,
            "risk_level": self.risk_level,
            "preferred_channel": self.preferred_channel,
            "advisor_ref": self.advisor_ref,
            "notes": list(self.notes),
            "attributes": {
                "province": self.province,
                "city": self.city,
                "aum": self.aum,
                "products": list(self.products),
                "app_user": self.app_user,
                "opened": opened,
            },
        }


def _birth_year(rng: random.Random, segment: str, end: date) -> int:
    if rng.random() < (0.2 if segment == "mass" else 0.3):
        return rng.randint(1935, 1959)
    low = 1960 if segment == "mass" else 1958
    high = end.year - (18 if segment == "mass" else 28)
    mode = 1985 if segment == "mass" else 1972
    return max(1960, min(high, int(rng.triangular(low, high, mode))))


def _preferred_channel(rng: random.Random, birth_year: int) -> str:
    if birth_year < 1960:
        options, weights = ("phone", "branch", "wechat", "app"), (45, 35, 10, 10)
    elif birth_year < 1985:
        options, weights = ("app", "phone", "wechat", "web", "branch", "email"), (45, 20, 18, 6, 9, 2)
    else:
        options, weights = ("app", "wechat", "chat", "phone", "web"), (62, 20, 9, 6, 3)
    return wpick(rng, options, weights)


def _products(rng: random.Random, segment: str, age: int) -> list[str]:
    wealthy = segment != "mass"
    chance = {
        "credit_card": 0.75 if wealthy else 0.5,
        "wealth": 0.85 if wealthy else 0.22,
        "fund": 0.6 if wealthy else 0.18,
        "deposit_certificate": 0.5 if wealthy else (0.25 if age >= 60 else 0.06),
        "mortgage": 0.3 if 28 <= age <= 58 else 0.02,
        "consumer_loan": 0.14 if 22 <= age <= 50 else 0.02,
        "fx": 0.45 if wealthy else 0.05,
        "social_security_card": 0.65 if age >= 55 else 0.25,
    }
    return ["debit_card"] + [p for p in _PRODUCTS if rng.random() < chance[p]]


def _aum(rng: random.Random, segment: str) -> int:
    if segment == "private":
        return int(rng.uniform(6e6, 4e7) // 1000 * 1000)
    if segment == "affluent":
        return int(min(5.9e6, 5e5 * rng.lognormvariate(0.6, 0.6)) // 100 * 100)
    return int(min(4.9e5, 3e4 * rng.lognormvariate(0, 1.1)))


def _notes(rng: random.Random, segment: str, elderly: bool) -> list[str]:
    share = _SEGMENT_NOTE_SHARE[segment] + (0.15 if elderly else 0.0)
    if rng.random() >= share:
        return []
    groups = {"any", "elderly" if elderly else "young", "wealthy" if segment != "mass" else "mass"}
    pool = [n for n, g in NOTES if g in groups]
    return rng.sample(pool, rng.choice((1, 1, 1, 2, 2, 3)))


def _risk_level(rng: random.Random, segment: str, age: int) -> int:
    base = wpick(rng, (1, 2, 3, 4, 5), (15, 30, 32, 16, 7))
    if age >= 65:
        base = max(1, base - 1)
    if segment == "private" and rng.random() < 0.4:
        base = min(5, base + 1)
    return base


def _segment(rng: random.Random) -> str:
    return wpick(rng, ("mass", "affluent", "private"), (85, 13, 2))


def make_customers(rng: random.Random, n: int, end: date, advisors: list[dict]) -> list[Profile]:
    """``n`` customer profiles; affluent and private clients get an advisor in their city if any."""
    by_city: dict[str, list[str]] = {}
    for adv in advisors:
        by_city.setdefault(adv["city"], []).append(adv["advisor_ref"])
    all_refs = [a["advisor_ref"] for a in advisors]
    out = []
    for i in range(n):
        segment = _segment(rng)
        birth_year = _birth_year(rng, segment, end)
        age = end.year - birth_year
        gender = rng.choice(("M", "F"))
        name, pinyin = person_name(rng, birth_year, gender)
        province, city, _ = wpick(rng, REGIONS, _REGION_W)
        advisor = None
        if segment != "mass" and all_refs:
            advisor = rng.choice(by_city.get(city) or all_refs)
        out.append(Profile(
            ref=f"C{i + 1:08d}", name=name, pinyin=pinyin, birth_year=birth_year, gender=gender,
            province=province, city=city, segment=segment,
            risk_level=_risk_level(rng, segment, age),
            preferred_channel=_preferred_channel(rng, birth_year), advisor_ref=advisor,
            app_user=rng.random() < (0.45 if birth_year < 1960 else 0.93),
            activity=rng.lognormvariate(0, 0.6), products=_products(rng, segment, age),
            notes=_notes(rng, segment, birth_year < 1960), aum=_aum(rng, segment),
        ))
    return out


_SKILLS = {
    1: ("cards", "credit_card", "digital", "elderly", "general"),
    2: ("wealth", "loans", "fx", "digital", "complaints", "credit_card"),
    3: ("complaints", "wealth", "vip", "fx", "loans"),
}


def make_agents(rng: random.Random, n: int) -> list[dict]:
    """``n`` contact-centre agents: ~70 % tier 1, 20 % tier 2, 10 % tier 3."""
    agents = []
    for i in range(n):
        tier = 1 if i < round(n * 0.7) else (2 if i < round(n * 0.9) else 3)
        name, _ = person_name(rng, rng.randint(1980, 2001), rng.choice(("M", "F", "F")))
        skills = ["general"] if tier == 1 else []
        skills += rng.sample(_SKILLS[tier], 2 if tier == 1 else 3)
        agents.append({"agent_ref": f"A{1001 + i}", "name": name, "tier": tier, "skills": sorted(set(skills))})
    return agents


_BRANCH_PARTS = ("人民路", "中山路", "解放路", "建设路", "金融街", "滨江", "高新区", "开发区", "东城", "西城", "新区", "南湖", "城东", "科技园")


def make_advisors(rng: random.Random, n: int) -> list[dict]:
    """``n`` relationship managers (理财经理 / 客户经理), each in a city branch."""
    advisors = []
    for i in range(n):
        _, city, _ = wpick(rng, REGIONS, _REGION_W) if i >= 8 else REGIONS[i]
        name, _ = person_name(rng, rng.randint(1975, 1998), rng.choice(("M", "F")))
        branch = f"{city.removesuffix('市')}分行{rng.choice(_BRANCH_PARTS)}支行"
        advisors.append({"advisor_ref": f"RM{i + 1:04d}", "name": name, "branch": branch, "city": city})
    return advisors
