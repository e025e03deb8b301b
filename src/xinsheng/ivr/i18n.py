"""The IVR domain's words in Chinese and English: reasons the ranker gives, tree problems,
routing reasons and the IVR page (merged into ``web.i18n.TEXTS`` by the page module)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # --- reasons an option is offered where it is (said to the caller) ---
    "ivr_why_open_case": {"zh": "您的工单 {ref} 正在处理中", "en": "Your case {ref} is in progress"},
    "ivr_why_month_start": {"zh": "您常在月初办理{label}", "en": "You often use {label} at the start of the month"},
    "ivr_why_month_end": {"zh": "您常在月末办理{label}", "en": "You often use {label} at the end of the month"},
    "ivr_why_weekday": {"zh": "您常在{weekday}办理{label}", "en": "You often use {label} on {weekday}s"},
    "ivr_why_hour": {"zh": "您常在这个时段办理{label}", "en": "You often use {label} at this time of day"},
    "ivr_why_habit": {"zh": "您常选择{label}", "en": "You often choose {label}"},
    "ivr_why_recent": {"zh": "您最近选择过{label}", "en": "You chose {label} recently"},
    "ivr_why_app_transfer_failed": {"zh": "您{minutes}分钟前在手机银行转账未成功",
                                    "en": "Your app transfer failed {minutes} minutes ago"},
    "ivr_why_redemption": {"zh": "您的理财赎回款尚未到账", "en": "Your wealth redemption has not arrived yet"},
    "ivr_why_elderly_agent": {"zh": "为您优先提供人工服务", "en": "An agent is offered early for you"},
    "ivr_greet_default": {"zh": "欢迎致电心声银行。", "en": "Welcome to Xinsheng Bank."},
    "ivr_greet_top": {"zh": "欢迎致电心声银行。{reason}，已将“{label}”放在第一位。",
                      "en": "Welcome to Xinsheng Bank. {reason}, so {label} comes first."},
    "ivr_greet_elderly": {"zh": "欢迎致电心声银行，我们会放慢语速，随时可转人工服务。",
                          "en": "Welcome to Xinsheng Bank. We will speak slowly, and an agent is always one key away."},
    "ivr_no_node": {"zh": "没有菜单节点 {node}", "en": "No menu node {node}"},
    # --- routing ---
    "ivr_route_private": {"zh": "私人银行客户，转私人银行专席", "en": "Private banking client: the private banking desk"},
    "ivr_route_case_owner": {"zh": "转工单 {case_ref} 的处理人", "en": "To the handler of case {case_ref}"},
    "ivr_route_case_tier": {"zh": "工单 {case_ref} 在第{tier}层级处理", "en": "Case {case_ref} is handled in tier {tier}"},
    "ivr_route_anger": {"zh": "客户近期情绪强烈，转资深坐席", "en": "Strong anger lately: an experienced agent"},
    "ivr_route_vulnerable": {"zh": "需要特别关照的客户，转资深坐席",
                             "en": "A customer who needs extra care: an experienced agent"},
    "ivr_route_elderly": {"zh": "老年客户，转适老服务专席", "en": "An elderly customer: the seniors' desk"},
    "ivr_route_skill": {"zh": "按最近选择的“{label}”转对应技能组", "en": "By the recent choice “{label}”: its skill group"},
    "ivr_route_default": {"zh": "转综合服务队列", "en": "The general queue"},
    # --- tree problems (beside the editor's field) ---
    "ivr_tree_invalid": {"zh": "菜单树有 {n} 处问题，未保存。", "en": "The menu tree has {n} problems and was not saved."},
    "ivr_tree_yaml": {"zh": "不是有效的 YAML：{error}", "en": "Not valid YAML: {error}"},
    "ivr_tree_no_nodes": {"zh": "缺少节点（nodes）", "en": "No nodes"},
    "ivr_tree_no_options": {"zh": "节点没有选项", "en": "The node has no options"},
    "ivr_tree_no_code": {"zh": "选项缺少代码（code）", "en": "The option has no code"},
    "ivr_tree_no_text": {"zh": "缺少中英文文字", "en": "Chinese and English text missing"},
    "ivr_tree_missing_lang": {"zh": "缺少{lang}文字", "en": "Text in {lang} missing"},
    "ivr_tree_duplicate": {"zh": "选项代码 {code} 在同一节点重复", "en": "Option code {code} appears twice in the node"},
    "ivr_tree_bad_requires": {"zh": "未知的条件 {value}（只可为 open_case）", "en": "Unknown condition {value} (only open_case)"},
    "ivr_tree_missing_node": {"zh": "指向不存在的节点 {node}", "en": "Leads to node {node}, which does not exist"},
    "ivr_tree_loop": {"zh": "菜单形成循环：{path}", "en": "The menu loops: {path}"},
    "ivr_tree_removed": {"zh": "选项 {code} 必须保留在第一层菜单", "en": "Option {code} must stay at the top level"},
    "ivr_tree_unpinned": {"zh": "选项 {code} 必须固定位置（pinned: true）", "en": "Option {code} must be pinned (pinned: true)"},
    "ivr_tree_elderly_max": {"zh": "老年模式每层选项数须在 2 到 9 之间（现为 {value}）",
                             "en": "Options per level in elderly mode must be 2 to 9 (now {value})"},
}

WEEKDAYS = {"zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
            "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}


def say(key: str, lang: str, **params: object) -> str:
    lang = lang if lang in ("zh", "en") else "zh"
    return TEXTS[key][lang].format(**params)
