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
    "tool_nba_uplift": {"zh": "推荐效果", "en": "Offer uplift"},
    "tool_nba_uplift_d": {"zh": "每项推荐的接受率：推荐组对比对照组，提升及置信区间",
                          "en": "Acceptance per offer, treated against hold-out, uplift with its interval"},
    "nu_title": {"zh": "推荐效果（对照组比较）", "en": "Offer uplift against the hold-out group"},
    "nu_intro": {"zh": "每项推荐的目标客群（符合其客群与年龄）分为推荐组与对照组（约 {share}% 的客户，不做推荐）。"
                       "接受率 = 接受的客户 ÷ 目标客群人数；提升 = 推荐组接受率 − 对照组接受率，附 95% 置信区间。",
                 "en": "Each offer's target group (its segments and ages) splits into the treated and the hold-out "
                       "group (about {share}% of customers, offered nothing). Acceptance = customers who accepted "
                       "÷ target group; uplift = treated − hold-out acceptance, with its 95% interval."},
    "nu_none": {"zh": "尚无推荐结果记录。", "en": "No offer outcomes recorded yet."},
    "nu_action": {"zh": "推荐项", "en": "Offer"},
    "nu_target": {"zh": "目标客群（推荐组 / 对照组）", "en": "Target group (treated / hold-out)"},
    "nu_offered": {"zh": "已推荐", "en": "Offered"},
    "nu_accepted": {"zh": "已接受（推荐组 / 对照组）", "en": "Accepted (treated / hold-out)"},
    "nu_acc_treated": {"zh": "推荐组接受率", "en": "Treated acceptance"},
    "nu_acc_holdout": {"zh": "对照组接受率", "en": "Hold-out acceptance"},
    "nu_uplift": {"zh": "提升（百分点）", "en": "Uplift (points)"},
    "nu_ci": {"zh": "95% 置信区间", "en": "95% interval"},
    "nu_complained": {"zh": "投诉", "en": "Complaints"},
    "nu_chart": {"zh": "各推荐项的提升及 95% 置信区间（百分点）", "en": "Uplift per offer with its 95% interval (points)"},
}


def say(lang: str, key: str, **params) -> str:
    entry = TEXTS["nba_" + key]
    return entry.get(lang, entry["zh"]).format(**params)
