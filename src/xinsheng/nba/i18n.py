"""The next-best-action words in Chinese and English (merged into ``web.i18n.TEXTS`` by the pages)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nba_no_risk_assessment": {"zh": "适当性：客户尚无风险评估，不能推荐 R{risk} 产品",
                               "en": "Suitability: the customer has no risk assessment, so no R{risk} product"},
    "nba_unsuitable": {"zh": "适当性：产品风险 R{risk} 高于客户风险评估 R{own}",
                       "en": "Suitability: product risk R{risk} is above the customer's assessed R{own}"},
    "nba_suitable": {"zh": "产品风险 R{risk} 不高于客户风险评估 R{own}",
                     "en": "Product risk R{risk} within the customer's assessed R{own}"},
    "nba_complained": {"zh": "客户曾就此项投诉，不再推荐", "en": "The customer complained about it: never again"},
    "nba_declined": {"zh": "客户已于 {date} 婉拒，{days} 天内不再推荐",
                     "en": "Declined on {date}: not again within {days} days"},
    "nba_cooldown": {"zh": "已于 {date} 推荐过，{days} 天内不重复",
                     "en": "Offered on {date}: not repeated within {days} days"},
    "nba_fatigue": {"zh": "接触疲劳：每 {days} 天最多 {n} 项推荐",
                    "en": "Contact fatigue: at most {n} offers every {days} days"},
    "nba_holdout": {"zh": "对照组客户：不做推荐（用于衡量效果）",
                    "en": "Hold-out group: no offer is made (to measure uplift)"},
    "nba_note_likes": {"zh": "客户备注：{note}", "en": "Customer note: {note}"},
    "nba_segment": {"zh": "符合客群：{segment}", "en": "Fits the segment: {segment}"},
    "nba_age": {"zh": "适合 {age} 岁客户", "en": "Suits a customer aged {age}"},
    "nba_catalogue_priority": {"zh": "目录优先级", "en": "Catalogue priority"},
    "nba_seg_mass": {"zh": "大众客户", "en": "mass"},
    "nba_seg_affluent": {"zh": "贵宾客户", "en": "affluent"},
    "nba_seg_private": {"zh": "私人银行客户", "en": "private banking"},
    "nba_title": {"zh": "推荐与关怀", "en": "Next best actions"},
    "nba_excluded": {"zh": "已排除", "en": "Left out"},
    "nba_none": {"zh": "暂无合适的推荐", "en": "Nothing suitable to offer now"},
    "nba_kind_product": {"zh": "产品", "en": "Product"},
    "nba_kind_service": {"zh": "服务", "en": "Service"},
    "nba_kind_care": {"zh": "关怀", "en": "Care"},
    "nba_offered": {"zh": "已推荐", "en": "Offered"},
    "nba_accepted": {"zh": "已接受", "en": "Accepted"},
    "nba_declined_btn": {"zh": "婉拒", "en": "Declined"},
    "nba_complained_btn": {"zh": "投诉", "en": "Complained"},
    "nba_recorded": {"zh": "已记录：{outcome}", "en": "Recorded: {outcome}"},
}


def say(lang: str, key: str, **params) -> str:
    entry = TEXTS["nba_" + key]
    return entry.get(lang, entry["zh"]).format(**params)
