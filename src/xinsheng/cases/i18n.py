"""The cases pages' words in Chinese and English (merged into ``web.i18n.TEXTS``).

Every state, action, rule code, root-cause code, kind, SLA state, authority level and
tier has an entry, so a code never reaches a page untranslated; ``label(t, group, code)``
looks one up and falls back to the code itself for a code a bank added to its data files.
"""
from __future__ import annotations

from functools import lru_cache

TEXTS: dict[str, dict[str, str]] = {
    # --- navigation and page titles ---
    "cs_cases": {"zh": "工单", "en": "Cases"},
    "cs_monitor": {"zh": "投诉监控", "en": "Complaint monitor"},
    "cs_config": {"zh": "工单规则配置", "en": "Case settings"},
    # --- queue page ---
    "cs_q_mine": {"zh": "我的工单", "en": "My cases"},
    "cs_q_tier": {"zh": "本层级待领取", "en": "Unassigned in my tier"},
    "cs_q_all": {"zh": "全部工单", "en": "All cases"},
    "cs_empty_mine": {"zh": "您名下没有未结工单：分派给您或由您领取的工单会出现在这里。",
                      "en": "No open cases are assigned to you: cases assigned to you or that you take appear here."},
    "cs_empty_tier": {"zh": "{tier}没有待领取的工单：升级到本层级、尚未分派的工单会出现在这里。",
                      "en": "Nothing waiting in {tier}: open cases escalated to this tier and not yet assigned appear here."},
    "cs_empty_tierless": {"zh": "您的角色不属于服务层级，没有层级队列。",
                          "en": "Your role is not a service tier, so it has no tier queue."},
    "cs_empty_all": {"zh": "没有您可查看的未结工单。", "en": "No open cases that you may see."},
    "cs_order_note": {"zh": "按风险从高到低、剩余时间从少到多排列；剩余时间按工作时间计算。",
                      "en": "Highest risk first, then least time left; time left is counted in working time."},
    "cs_case": {"zh": "工单", "en": "Case"},
    "cs_ref": {"zh": "工单号", "en": "Case number"},
    "cs_title": {"zh": "标题", "en": "Title"},
    "cs_customer": {"zh": "客户", "en": "Customer"},
    "cs_kind": {"zh": "类型", "en": "Kind"},
    "cs_status": {"zh": "状态", "en": "Status"},
    "cs_tier": {"zh": "服务层级", "en": "Tier"},
    "cs_level": {"zh": "授权层级", "en": "Authority level"},
    "cs_topic": {"zh": "话题", "en": "Topic"},
    "cs_owner": {"zh": "处理人", "en": "Handler"},
    "cs_unassigned": {"zh": "未分派", "en": "unassigned"},
    "cs_time_left": {"zh": "剩余时间（工作时间）", "en": "Time left (working time)"},
    "cs_sla": {"zh": "时限状态", "en": "SLA"},
    "cs_repeats": {"zh": "重复来电", "en": "Repeat contacts"},
    "cs_escalations": {"zh": "升级记录", "en": "Escalations"},
    "cs_risk": {"zh": "风险", "en": "Risk"},
    "cs_accepted_at": {"zh": "受理时间", "en": "Accepted"},
    "cs_ack_due": {"zh": "确认时限", "en": "Acknowledge by"},
    "cs_acknowledged_at": {"zh": "已确认", "en": "Acknowledged"},
    "cs_due": {"zh": "办结时限", "en": "Decide by"},
    "cs_extensions": {"zh": "已延期次数", "en": "Extensions"},
    "cs_channel": {"zh": "来源渠道", "en": "Channel"},
    "cs_opened_by": {"zh": "创建人", "en": "Opened by"},
    "cs_regulator": {"zh": "监管转办", "en": "Referred by the regulator"},
    "cs_resolution": {"zh": "处理意见", "en": "Resolution"},
    "cs_compensation": {"zh": "补偿金额（元）", "en": "Compensation (CNY)"},
    "cs_root_cause": {"zh": "根本原因（溯源整改）", "en": "Root cause"},
    "cs_customer_accepted": {"zh": "客户是否接受", "en": "Customer accepted"},
    "cs_yes": {"zh": "是", "en": "yes"},
    "cs_no": {"zh": "否", "en": "no"},
    "cs_open_case_link": {"zh": "查看工单", "en": "Open the case"},
    # --- case page ---
    "cs_facts": {"zh": "工单信息", "en": "Case facts"},
    "cs_clocks": {"zh": "时限", "en": "Clocks"},
    "cs_events": {"zh": "处理记录", "en": "Actions and notes"},
    "cs_no_events": {"zh": "暂无处理记录", "en": "No actions yet"},
    "cs_customer_text": {"zh": "客户原话", "en": "The customer's words"},
    "cs_handoff": {"zh": "交接摘要", "en": "Hand-off summary"},
    "cs_ho_topics": {"zh": "涉及话题", "en": "Topics"},
    "cs_ho_sentences": {"zh": "客户关键原话", "en": "The customer's key sentences"},
    "cs_ho_tried": {"zh": "已做过的处理", "en": "Already tried"},
    "cs_ho_contacts": {"zh": "相关接触 {n} 次，其中重复来电 {r} 次", "en": "Contacts on this case: {n}, repeat contacts: {r}"},
    "cs_ho_none": {"zh": "暂无", "en": "none yet"},
    "cs_ho_contact": {"zh": "{channel}接触，结果：{outcome}", "en": "{channel} contact, outcome: {outcome}"},
    "cs_ho_contact_agent": {"zh": "{channel}接触（坐席 {agent}），结果：{outcome}",
                            "en": "{channel} contact (agent {agent}), outcome: {outcome}"},
    "cs_no_timeline": {"zh": "该工单没有关联客户，无接触时间线。", "en": "This case has no customer, so there is no timeline."},
    "cs_kb": {"zh": "知识推荐（按工单内容）", "en": "Suggested answers (for the case's text)"},
    "cs_kb_none": {"zh": "工单没有可用于推荐的文字", "en": "The case has no text to suggest answers for"},
    "cs_actions": {"zh": "可执行的操作", "en": "What you can do"},
    "cs_no_actions": {"zh": "您的角色或授权层级在该工单当前状态下没有可执行的操作。",
                      "en": "Your role or authority level allows no action on this case in its current state."},
    "cs_done": {"zh": "已完成：{action}", "en": "Done: {action}"},
    "cs_user": {"zh": "分派给（用户名）", "en": "Assign to (username)"},
    "cs_to_tier": {"zh": "升级到服务层级", "en": "Escalate to tier"},
    "cs_to_level": {"zh": "或升级到授权层级", "en": "or to authority level"},
    "cs_keep": {"zh": "（不变）", "en": "(unchanged)"},
    "cs_reason": {"zh": "原因", "en": "Reason"},
    "cs_note_text": {"zh": "备注内容", "en": "Note"},
    "cs_choose": {"zh": "请选择", "en": "Choose"},
    "cs_authority_hint": {"zh": "您的授权：{level}，可决定补偿上限 {limit}", "en": "Your authority: {level}, compensation up to {limit}"},
    "cs_no_limit": {"zh": "不设上限", "en": "no limit"},
    "cs_cny": {"zh": "{n} 元", "en": "CNY {n}"},
    "cs_escalate_instead": {"zh": "可改为升级处理：", "en": "You can escalate instead:"},
    "cs_verification_note": {"zh": "客户申请核实时重新打开，工单上移一个授权层级。",
                             "en": "Reopen when the customer asks for verification; the case moves one authority level up."},
    # --- open a case (customer page) ---
    "cs_new": {"zh": "新建工单", "en": "Open a case"},
    "cs_new_submit": {"zh": "创建工单", "en": "Open the case"},
    "cs_new_text": {"zh": "客户诉求（原话或摘要）", "en": "What the customer wants (their words or a summary)"},
    "cs_no_topic": {"zh": "（不指定）", "en": "(none)"},
    "cs_from_contact": {"zh": "来源接触", "en": "From contact"},
    "cs_no_contact": {"zh": "（无）", "en": "(none)"},
    "cs_customer_cases": {"zh": "客户的工单", "en": "The customer's cases"},
    # --- errors shown beside a form ---
    "cs_err_forbidden": {"zh": "无权执行：{message}", "en": "Not allowed: {message}"},
    "cs_err_authority": {"zh": "超出您的授权（{mine}）：补偿 {amount} 元需由 {needed} 决定。可升级到该层级处理。",
                         "en": "Above your authority ({mine}): compensation of CNY {amount} must be decided by {needed}. You can escalate to that level."},
    "cs_err_case_level": {"zh": "该工单须由 {needed} 或以上授权层级决定，您的授权为 {mine}。请升级工单或转交该层级。",
                          "en": "This case is decided at {needed} or above; your authority is {mine}. Escalate the case or hand it to that level."},
    "cs_err_extend_level": {"zh": "本次延期须由 {needed} 批准（您的授权为 {mine}）。请升级工单。",
                            "en": "This extension must be approved by {needed} (your authority is {mine}). Escalate the case."},
    "cs_err_level": {"zh": "须由 {needed} 处理（您的授权为 {mine}）。", "en": "This needs {needed} (your authority is {mine})."},
    "cs_err_recusal_verification": {"zh": "回避：您曾对该工单作出决定，客户申请核实后须由更高层级复核。",
                                    "en": "Recusal: you decided this case before the customer asked for verification; a higher level verifies it."},
    "cs_err_escalate_up": {"zh": "升级只能向上：工单已在{where}。", "en": "Escalation goes up only: the case is at {where} already."},
    "cs_err_extend_late": {"zh": "办结时限已过，延期须在时限届满前申请。", "en": "The deadline has passed; an extension is approved before it."},
    "cs_err_no_extension": {"zh": "该工单的时限策略已无可用的延期次数。", "en": "The case's SLA policy allows no further extension."},
    "cs_err_already": {"zh": "该工单已确认受理，无需重复操作。", "en": "The case was acknowledged already."},
    "cs_err_no_user": {"zh": "没有该用户，或其角色不处理工单", "en": "no active user of a role that works cases has this name"},
    "cs_err_recusal": {"zh": "回避：该投诉涉及您本人的接触记录（坐席工号 {agent}），您不能作出决定，请转交他人。",
                       "en": "Recusal: this complaint involves your own contacts (agent {agent}); you may not decide it, hand it to someone else."},
    "cs_err_state": {"zh": "工单当前状态为「{status}」，不能执行「{action}」。", "en": "The case is {status}: {action} is not possible now."},
    "cs_err_field": {"zh": "「{field}」有误：{message}", "en": "{field}: {message}"},
    "cs_err_required": {"zh": "必填", "en": "required"},
    "cs_err_amount": {"zh": "请输入 0 或更大的金额（数字）", "en": "enter an amount of 0 or more (a number)"},
    # --- monitor ---
    "cs_pyramid": {"zh": "未结工单金字塔（授权层级 × 服务层级）", "en": "Open cases by authority level and tier (the pyramid)"},
    "cs_sla_states": {"zh": "时限状态（未结工单）", "en": "SLA state of open cases"},
    "cs_ageing": {"zh": "工单账龄（工作日）", "en": "Age of open cases (working days)"},
    "cs_by_rule": {"zh": "按规则统计的自动升级", "en": "Escalations by rule"},
    "cs_root_causes": {"zh": "已结投诉的根本原因", "en": "Root causes of closed complaints"},
    "cs_total": {"zh": "合计", "en": "Total"},
    "cs_count": {"zh": "数量", "en": "Count"},
    "cs_day": {"zh": "日期", "en": "Day"},
    "cs_rule": {"zh": "规则", "en": "Rule"},
    "cs_window": {"zh": "统计期", "en": "Window"},
    "cs_last_days": {"zh": "近 {n} 天", "en": "last {n} days"},
    "cs_as_of": {"zh": "统计时间", "en": "As of"},
    "cs_no_data": {"zh": "暂无数据", "en": "No data"},
    "cs_wd": {"zh": "{a}–{b} 个工作日", "en": "{a}–{b} working days"},
    "cs_wd_plus": {"zh": "{a} 个工作日以上", "en": "{a}+ working days"},
    "cs_open_total": {"zh": "未结工单", "en": "Open cases"},
    # --- config editor ---
    "cs_cfg_intro": {"zh": "在此编辑工单的数据文件。保存前会校验，有误时指出行号与问题，不会保存。",
                     "en": "Edit the cases data files (YAML) here. They are checked before saving; a broken file is refused with its line and problem and not saved."},
    "cs_cfg_file": {"zh": "文件", "en": "File"},
    "cs_cfg_source": {"zh": "当前来源", "en": "Now in use"},
    "cs_cfg_shipped": {"zh": "系统默认文件", "en": "the shipped file"},
    "cs_cfg_edited": {"zh": "{at} 编辑的版本", "en": "the copy edited at {at}"},
    "cs_cfg_save": {"zh": "校验并保存", "en": "Check and save"},
    "cs_cfg_saved": {"zh": "已保存，新规则立即生效。", "en": "Saved; the new settings apply now."},
    "cs_cfg_error": {"zh": "第 {line} 行有误，未保存：", "en": "Line {line} is wrong; nothing was saved:"},
    "cs_cfg_error_noline": {"zh": "文件有误，未保存：", "en": "The file is broken; nothing was saved:"},
    "cs_cfg_calendar": {"zh": "工作日历（节假日与调休）", "en": "Business calendar (holidays and make-up working days)"},
    "cs_cfg_policies": {"zh": "时限策略", "en": "SLA policies"},
    "cs_cfg_authority": {"zh": "授权矩阵（投诉金字塔）", "en": "Authority matrix (the complaint pyramid)"},
    "cs_cfg_rules": {"zh": "升级规则", "en": "Escalation rules"},
    "cs_cfg_templates": {"zh": "客户通知模板", "en": "Customer notification templates"},
    # --- kinds ---
    "cs_kind_complaint": {"zh": "投诉", "en": "Complaint"},
    "cs_kind_request": {"zh": "业务办理", "en": "Request"},
    "cs_kind_inquiry": {"zh": "咨询", "en": "Inquiry"},
    # --- states ---
    "cs_st_open": {"zh": "待处理", "en": "Open"},
    "cs_st_in_progress": {"zh": "处理中", "en": "In progress"},
    "cs_st_pending_customer": {"zh": "待客户回复", "en": "Waiting for the customer"},
    "cs_st_decided": {"zh": "已出处理意见", "en": "Decided"},
    "cs_st_closed": {"zh": "已结案", "en": "Closed"},
    # --- SLA states ---
    "cs_sla_on_track": {"zh": "正常", "en": "On track"},
    "cs_sla_warning": {"zh": "临近超时", "en": "Warning"},
    "cs_sla_breached": {"zh": "已超时", "en": "Breached"},
    # --- tiers and authority levels ---
    "cs_tier_1": {"zh": "一线（前台坐席）", "en": "Tier 1 (front line)"},
    "cs_tier_2": {"zh": "二线（业务支持）", "en": "Tier 2 (business support)"},
    "cs_tier_3": {"zh": "三线（专家坐席）", "en": "Tier 3 (expert)"},
    "cs_level_1": {"zh": "L1 一线", "en": "L1 front line"},
    "cs_level_2": {"zh": "L2 班组长", "en": "L2 team lead"},
    "cs_level_3": {"zh": "L3 投诉中心", "en": "L3 complaint centre"},
    "cs_level_4": {"zh": "L4 总行／监管转办", "en": "L4 head office / regulator-referred"},
    # --- actions (forms and buttons) and events (the history) ---
    "cs_act_open": {"zh": "创建工单", "en": "Opened"},
    "cs_act_opened": {"zh": "创建工单", "en": "Opened"},
    "cs_act_acknowledge": {"zh": "确认受理", "en": "Acknowledge"},
    "cs_act_acknowledged": {"zh": "已确认受理", "en": "Acknowledged"},
    "cs_act_assign": {"zh": "分派", "en": "Assign"},
    "cs_act_assigned": {"zh": "已分派", "en": "Assigned"},
    "cs_act_escalate": {"zh": "升级", "en": "Escalate"},
    "cs_act_escalated": {"zh": "已升级", "en": "Escalated"},
    "cs_act_note": {"zh": "添加备注", "en": "Add a note"},
    "cs_act_extend": {"zh": "延长时限", "en": "Extend the deadline"},
    "cs_act_extended": {"zh": "已延长时限", "en": "Deadline extended"},
    "cs_act_decide": {"zh": "作出处理决定", "en": "Decide"},
    "cs_act_decided": {"zh": "已作出处理决定", "en": "Decided"},
    "cs_act_close": {"zh": "结案", "en": "Close"},
    "cs_act_closed": {"zh": "已结案", "en": "Closed"},
    "cs_act_reopen": {"zh": "重新打开（客户申请核实）", "en": "Reopen (verification)"},
    "cs_act_reopened": {"zh": "已重新打开", "en": "Reopened"},
    "cs_act_await_customer": {"zh": "等待客户回复", "en": "Wait for the customer"},
    "cs_act_awaiting_customer": {"zh": "等待客户回复", "en": "Waiting for the customer"},
    "cs_act_resume": {"zh": "恢复处理", "en": "Resume"},
    "cs_act_resumed": {"zh": "已恢复处理", "en": "Resumed"},
    "cs_act_repeat_contact": {"zh": "客户重复来电", "en": "Repeat contact"},
    "cs_act_contact": {"zh": "关联接触", "en": "Contact attached"},
    "cs_act_rule": {"zh": "规则触发升级", "en": "Escalated by a rule"},
    "cs_act_sla_warning": {"zh": "时限预警", "en": "SLA warning"},
    "cs_act_sla_breach": {"zh": "时限超时", "en": "SLA breached"},
    "cs_act_warned": {"zh": "时限预警", "en": "SLA warning"},
    "cs_act_breached": {"zh": "时限超时", "en": "SLA breached"},
    "cs_act_notified": {"zh": "已通知客户", "en": "Customer notified"},
    "cs_act_ack_breached": {"zh": "确认受理超时", "en": "Acknowledgement overdue"},
    # --- escalation rules ---
    "cs_rule_sla_breach": {"zh": "超出时限", "en": "SLA breach"},
    "cs_rule_repeat_contact": {"zh": "重复来电", "en": "Repeat contact"},
    "cs_rule_strong_emotion": {"zh": "情绪激烈", "en": "Strong emotion"},
    "cs_rule_vip": {"zh": "贵宾／私人银行客户", "en": "VIP / private banking"},
    "cs_rule_regulatory_risk": {"zh": "监管与舆情风险", "en": "Regulatory risk"},
    "cs_rule_vulnerable": {"zh": "特殊群体客户", "en": "Vulnerable customer"},
    "cs_rule_manual": {"zh": "人工升级", "en": "Escalated by hand"},
    # --- root causes (溯源整改) ---
    "cs_rc_product_design": {"zh": "产品设计", "en": "Product design"},
    "cs_rc_process": {"zh": "业务流程", "en": "Process"},
    "cs_rc_system_fault": {"zh": "系统故障", "en": "System fault"},
    "cs_rc_staff_conduct": {"zh": "员工行为", "en": "Staff conduct"},
    "cs_rc_communication": {"zh": "沟通解释不到位", "en": "Communication"},
    "cs_rc_third_party": {"zh": "第三方原因", "en": "Third party"},
    "cs_rc_customer_misunderstanding": {"zh": "客户误解", "en": "Customer misunderstanding"},
    "cs_rc_other": {"zh": "其他", "en": "Other"},
}

# --- events (the case history; past tense where the language needs it) ---
TEXTS.update({f"cs_ev_{k}": {"zh": zh, "en": en} for k, (zh, en) in {
    "open": ("创建工单", "Opened"), "acknowledge": ("确认受理", "Acknowledged"), "assign": ("分派", "Assigned"),
    "escalate": ("升级", "Escalated"), "note": ("备注", "Note"), "extend": ("延长办结时限", "Deadline extended"),
    "decide": ("作出处理决定", "Decided"), "close": ("结案", "Closed"), "reopen": ("重新打开（核实）", "Reopened for verification"),
    "await_customer": ("等待客户回复", "Waiting for the customer"), "resume": ("恢复处理", "Resumed"),
    "contact": ("客户再次来电", "Customer contacted again"), "repeat_contact": ("客户重复来电", "Repeat contact"),
    "sla_warning": ("时限预警", "SLA warning"), "sla_breach": ("时限超时", "SLA breached"),
    "ack_breach": ("确认受理超时", "Acknowledgement overdue"), "notify": ("通知客户", "Customer notified"),
}.items()})

#: group -> key prefix, for ``label``
GROUPS = {"kind": "cs_kind_", "status": "cs_st_", "sla": "cs_sla_", "tier": "cs_tier_",
          "level": "cs_level_", "action": "cs_act_", "event": "cs_ev_", "rule": "cs_rule_", "root_cause": "cs_rc_"}
ROOT_CAUSES = ("product_design", "process", "system_fault", "staff_conduct", "communication",
               "third_party", "customer_misunderstanding", "other")
RULES = ("sla_breach", "repeat_contact", "strong_emotion", "vip", "regulatory_risk", "vulnerable")


def label(t, group: str, code) -> str:
    """The word for ``code`` of ``group`` (kind, status, sla, tier, level, action, event, rule,
    root_cause) in the translator's language; a code the catalogue lacks (one a bank added to
    its data files) is shown readably and marked as data, never as a raw key."""
    from markupsafe import Markup

    if code is None or code == "":
        return ""
    key = f"{GROUPS[group]}{code}"
    found = t(key, "")
    if found:
        return found
    readable = str(code).replace("_", " ")
    return Markup('<span class="code" data-user-content>{}</span>').format(readable)


def label_text(t, group: str, code) -> str:
    """``label`` as plain text (for charts and messages): an unknown code readably."""
    if code is None or code == "":
        return ""
    return t(f"{GROUPS[group]}{code}", "") or str(code).replace("_", " ")


@lru_cache(maxsize=2)
def _topic_labels(taxonomy: str | None) -> dict[str, dict[str, str]]:
    from xinsheng.voc.topics import Taxonomy

    try:
        leaves = Taxonomy.load(taxonomy).leaves
    except Exception:  # a broken bank taxonomy is reported by the VOC engine; show codes here
        return {"zh": {}, "en": {}}
    return {"zh": {leaf.code: leaf.label for leaf in leaves},
            "en": {leaf.code: leaf.label_en for leaf in leaves}}


def topic_label(code: str | None, lang: str) -> str:
    """A VOC topic code (``wealth.redemption``) as the taxonomy names it in ``lang``."""
    if not code:
        return ""
    from xinsheng.config import get_settings

    tax = get_settings().voc_taxonomy
    return _topic_labels(str(tax) if tax else None).get(lang, {}).get(code, code)


def topic_choices(lang: str) -> list[tuple[str, str]]:
    """(code, label) of every topic of the taxonomy, for the open-a-case form."""
    from xinsheng.config import get_settings

    tax = get_settings().voc_taxonomy
    return sorted(_topic_labels(str(tax) if tax else None).get(lang, {}).items())
