"""Bank-initiated contacts: SMS notices, e-mailed statements, outbound sales and reminder calls.

Outbound wealth-sales calls carry quality-check ground truth in ``attributes["qa"]``:
whether the mandatory risk disclosure was said and whether a forbidden promise
("保本保收益") was made.
"""
from __future__ import annotations

import random

from xinsheng.demo.people import Profile
from xinsheng.demo.phrases import BANK
from xinsheng.demo.rand import wpick
from xinsheng.demo.world import DAY, World

__all__ = ["sms_notice", "statement_email", "outbound_call", "NO_MARKETING"]

NO_MARKETING = ("不喜欢营销短信", "不接受电话营销", "请勿推销信用卡")
_SIGN = f"【{BANK}】"
_PRODUCTS = ("“稳享”30天持有期理财", "“睿盈”一年期理财", "养老理财产品", "“鑫福”周周享", "乾元-恒赢理财")


def _tail(rng: random.Random) -> str:
    return f"{rng.randint(0, 9999):04d}"


def _sms_text(world: World, rng: random.Random, profile: Profile, kind: str, t: int) -> str:
    d = world.date_of(world.day_of(t))
    hh, mm = (t % DAY) // 3600, (t % 3600) // 60
    amount = rng.choice((rng.randint(1, 500) * 10, rng.randint(1, 99) * 100, rng.randint(100, 20000)))
    if kind == "transaction_alert":
        way = rng.choice(("支出", "收入", "消费", "转入"))
        balance = rng.randint(100, max(200, min(profile.aum, 900_000)))
        return (f"{_SIGN}您尾号{_tail(rng)}的储蓄卡{d.month}月{d.day}日{hh:02d}:{mm:02d}{way}人民币"
                f"{amount:,.2f}元，活期余额{balance:,.2f}元。")
    if kind == "verification_code":
        action = rng.choice(("转账", "登录手机银行", "绑定新设备", "修改密码", "快捷支付"))
        return f"{_SIGN}验证码{rng.randint(0, 999999):06d}，您正在进行{action}操作，5分钟内有效，切勿告知他人。"
    if kind == "marketing":
        return rng.choice((
            f"{_SIGN}{rng.choice(_PRODUCTS)}火热发售，业绩比较基准{rng.choice(('2.8%', '3.1%', '3.5%'))}，详询您的理财经理。拒收请回复R",
            f"{_SIGN}尊敬的客户，信用卡分期享费率优惠，最低每期0.{rng.randint(25, 60)}%，点击链接了解。退订回TD",
            f"{_SIGN}专属福利：本月消费满{rng.choice((500, 1000, 2000))}元抽取好礼，详情见手机银行活动专区。退订回TD",
        ))
    if kind == "bill_reminder":
        return f"{_SIGN}您尾号{_tail(rng)}的信用卡本期账单{amount:,.2f}元，最后还款日{d.month}月{min(28, d.day + 10)}日，请按时还款。"
    return f"{_SIGN}您的定期存款将于近日到期，到期后将按约定自动转存，如需调整请登录手机银行或联系理财经理。"


def sms_notice(world: World, rng: random.Random, profile: Profile, t: int, kind: str | None = None) -> dict:
    """An outbound SMS notice (transaction alert, code, marketing, bill or maturity reminder)."""
    if kind is None:
        kind = wpick(rng, ("transaction_alert", "verification_code", "marketing", "bill_reminder",
                            "maturity_reminder"), (50, 25, 12, 8, 5))
        if kind == "marketing" and any(n in profile.notes for n in NO_MARKETING):
            kind = "transaction_alert"
        if kind == "bill_reminder" and "credit_card" not in profile.products:
            kind = "transaction_alert"
    return world.add(t, "sms", "notice_sent", profile=profile, direction="outbound",
                     text=_sms_text(world, rng, profile, kind, t), outcome="delivered",
                     attributes={"notice": kind})


def statement_email(world: World, rng: random.Random, profile: Profile, t: int) -> dict:
    """An outbound e-mail telling the customer the monthly statement is ready."""
    d = world.date_of(world.day_of(t))
    month = d.month - 1 or 12
    text = f"尊敬的{profile.name[0]}{'先生' if profile.gender == 'M' else '女士'}：您好！您的{month}月电子对账单已生成，请查收附件。{_SIGN}"
    return world.add(t, "email", "statement_sent", profile=profile, direction="outbound", text=text,
                     outcome="delivered", attributes={"notice": "statement"})


def _sales_transcript(rng: random.Random, profile: Profile, disclose: bool, promise: bool) -> str:
    honorific = "先生" if profile.gender == "M" else "女士"
    product = rng.choice(_PRODUCTS)
    lines = [
        f"坐席：您好，请问是{profile.name[0]}{honorific}吗？我是{BANK}远程银行中心的客户经理，"
        f"看到您有一笔资金快到期了，想给您介绍一款{product}。",
        "客户：" + rng.choice(("收益稳不稳？", "会不会亏本？", "我年纪大了，只想要安全的。", "大概能有多少收益？")),
    ]
    answer = f"这款产品业绩比较基准是{rng.choice(('2.9%', '3.2%', '3.6%'))}。"
    if promise:
        answer += rng.choice(("您放心，这个产品保本保收益，绝对不会亏的。", "跟存款一样安全，稳赚不赔。"))
    if disclose:
        answer += "需要提醒您，理财非存款，产品有风险，投资须谨慎，过往业绩不代表未来表现。"
    lines.append("坐席：" + answer)
    lines.append("客户：" + rng.choice(("好的，我考虑一下。", "那我再想想。", "行，你帮我登记一下吧。", "不用了，谢谢。")))
    lines.append("坐席：好的，感谢您的接听，祝您生活愉快。")
    return "\n".join(lines)


def outbound_call(world: World, rng: random.Random, profile: Profile, t: int) -> dict | None:
    """A wealth-sales call (with QA ground truth) or a repayment / expiry reminder call."""
    if "只接受上午来电" in profile.notes:
        t = (t // DAY) * DAY + world.clock(rng, "morning")
    wants_sales = ("wealth" in profile.products or profile.segment != "mass") and not any(
        n in profile.notes for n in NO_MARKETING)
    agent = world.agent(rng, 1 if profile.segment == "mass" else 2)
    if wants_sales and rng.random() < 0.6:
        disclose, promise = rng.random() < 0.8, rng.random() < 0.12
        return world.add(t, "phone", "marketing_call", profile=profile, seconds=int(rng.uniform(60, 420)),
                         direction="outbound", agent=agent, text=_sales_transcript(rng, profile, disclose, promise),
                         outcome=rng.choice(("resolved", "resolved", "abandoned")),
                         attributes={"call_type": "wealth_sales",
                                     "qa": {"risk_disclosure": disclose, "forbidden_promise": promise}})
    kind = "repayment_reminder" if "credit_card" in profile.products else "id_expiry_reminder"
    answered = rng.random() < 0.7
    return world.add(t, "phone", "reminder_call", profile=profile, seconds=int(rng.uniform(20, 180)) if answered else 0,
                     direction="outbound", agent=agent, outcome="resolved" if answered else "abandoned",
                     attributes={"call_type": kind})
