"""Slot values for text templates: amounts, dates, products, versions, error codes …

Each slot is a function of the per-text :class:`~xinsheng.demo.template.Ctx`; values that
must agree within one text (the remittance country and its currency) are kept in it.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Callable

from xinsheng.demo.template import Ctx

__all__ = ["SLOTS"]

_CN_NUM = "零一二三四五六七八九十"


def _pick(options: tuple[str, ...]) -> Callable[[Ctx], str]:
    return lambda ctx: options[int(ctx.rng.random() * len(options))]


def _amount(ctx: Ctx) -> str:
    rng = ctx.rng
    style = rng.randrange(5)
    if style == 0:
        return f"{rng.choice((500, 800, 1000, 2000, 3000, 5000, 8000))}元"
    if style == 1:
        return f"{rng.randint(2, 50)}万"
    if style == 2:
        return f"{rng.randint(1, 9)}万{rng.choice(('', '多', '块钱'))}"
    if style == 3:
        return f"{rng.randint(1000, 99999)}元"
    return f"{rng.choice(_CN_NUM[2:])}万块"


def _big_amount(ctx: Ctx) -> str:
    rng = ctx.rng
    return rng.choice((f"{rng.randint(10, 300)}万", f"{rng.randint(1, 9)}00万", f"{rng.randint(20, 99)}万元"))


def _date(ctx: Ctx) -> str:
    rng = ctx.rng
    when = ctx.get("when")
    if when is None or rng.random() < 0.4:
        return rng.choice(("昨天", "前天", "上周五", "上个星期", "本月初", "昨天下午", "今天上午", "大前天"))
    past = when - timedelta(days=rng.randint(1, 12))
    return rng.choice((f"{past.month}月{past.day}日", f"{past.month}月{past.day}号", f"{past.day}号"))


def _version(ctx: Ctx) -> str:
    return ctx.get("version") or "7.2.5"


def _errcode(ctx: Ctx) -> str:
    rng = ctx.rng
    return rng.choice((f"E{rng.randint(1000, 9999)}", f"{rng.choice('AKPS')}-{rng.randint(100, 999)}",
                       f"ERR{rng.randint(10, 99)}{rng.choice('ABCD')}", f"{rng.randint(100000, 999999)}"))


_FX = (("英国", "英镑"), ("美国", "美元"), ("澳大利亚", "澳元"), ("加拿大", "加元"), ("日本", "日元"),
       ("新加坡", "新加坡元"), ("德国", "欧元"), ("新西兰", "新西兰元"), ("香港", "港币"))


def _fx(ctx: Ctx) -> tuple[str, str]:
    pair = ctx.get("_fx")
    if pair is None:
        pair = ctx["_fx"] = ctx.rng.choice(_FX)
    return pair


def _name(ctx: Ctx) -> str:
    return ctx.get("name") or "王建国"


def _city(ctx: Ctx) -> str:
    return (ctx.get("city") or "北京市").removesuffix("市")


def _branch(ctx: Ctx) -> str:
    return _city(ctx) + ctx.rng.choice(("人民路", "中山路", "解放路", "建设路", "高新区", "东城", "南湖", "滨江")) + "支行"


def _card_tail(ctx: Ctx) -> str:
    return f"尾号{ctx.rng.randint(0, 9999):04d}"


def _count(ctx: Ctx) -> str:
    rng = ctx.rng
    return rng.choice((f"{rng.randint(3, 9)}次", "好几次", "三四次", "五六次", "无数次", "两次", "十几次"))


SLOTS: dict[str, Callable[[Ctx], str]] = {
    "amount": _amount,
    "big_amount": _big_amount,
    "date": _date,
    "version": _version,
    "errcode": _errcode,
    "country": lambda ctx: _fx(ctx)[0],
    "currency": lambda ctx: _fx(ctx)[1],
    "name": _name,
    "city": _city,
    "branch": _branch,
    "card_tail": _card_tail,
    "count": _count,
    "days": _pick(("三天", "一个星期", "五个工作日", "半个月", "十多天", "两个星期", "7天", "整整一周")),
    "duration": _pick(("半个小时", "40分钟", "一个多小时", "二十分钟", "两个小时", "快一个小时", "十几分钟")),
    "product": _pick(("“稳享”30天持有期理财", "乾元-恒赢理财", "“天天利”现金管理产品", "“安心”半年定开理财",
                      "“睿盈”一年期理财", "养老理财产品", "“鑫福”周周享", "结构性存款")),
    "fund": _pick(("沪深300指数基金", "新能源主题基金", "医药混合基金", "科技成长基金", "中证500增强基金",
                   "消费精选基金", "半导体ETF联接基金")),
    "phone_model": _pick(("华为Mate60", "iPhone 15", "小米14", "OPPO Reno11", "vivo X100", "荣耀90",
                          "iPhone 12", "华为P40", "红米Note12")),
    "rate": _pick(("1.75%", "2.0%", "1.45%", "2.15%", "1.9%", "1.65%", "2.35%")),
    "fee": _pick(("300元", "680元", "1200元", "88元", "2000元", "580元", "199元")),
    "points": _pick(("2万", "5000", "八万", "12万", "3万多", "一万五")),
    "merchant": _pick(("某电商平台", "境外游戏网站", "一家不认识的商户", "外地的加油站", "海外购物网站",
                       "一个直播平台", "某外卖平台")),
    "agent_name": _pick(("小李", "工号3021的客服", "那个姓王的客服", "一位女客服", "小张", "工号1187的坐席",
                         "刘经理", "客服小陈")),
    "loan_kind": _pick(("消费贷", "经营贷", "装修贷", "车贷", "信用贷", "公积金贷款")),
    "loss": _pick(("15%", "20%多", "三成", "将近一半", "十几个点", "8%", "快30%")),
    "people": _pick(("30多个人", "五十多号", "二十几个人", "四十多人", "六十多个号")),
    "months": _pick(("三个月", "半年", "两个月", "大半年", "四个多月")),
    "term": _pick(("三年期", "一年期", "两年期", "五年期")),
    "hour": _pick(("上午九点", "早上八点多", "中午十二点", "下午两点", "下午四点多", "晚上七点", "晚上十点多")),
}
