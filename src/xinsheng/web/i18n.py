"""The web UI's two languages: Chinese (default) and English.

The language comes from ``?lang=zh|en`` (remembered in a cookie) or the cookie; on the
sign-in page also from the ``lang`` of the page it goes back to (``next``). The entries
for codes (events, emotions, audit actions …) are in ``texts_codes``, those of error
pages, form errors and empty states in ``texts_messages``.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from fastapi import Request
from markupsafe import Markup, escape

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXTS: dict[str, dict[str, str]] = {
    "app_name": {"zh": "心声", "en": "xinsheng"},
    "tagline": {"zh": "银行客户之声与体验管理", "en": "Voice of the customer for banks"},
    "home": {"zh": "首页", "en": "Home"},
    "customers": {"zh": "客户", "en": "Customers"},
    "contacts": {"zh": "接触", "en": "Contacts"},
    "contacts_total": {"zh": "接触总数", "en": "Contacts"},
    "customers_total": {"zh": "客户数", "en": "Customers"},
    "contacts_7d": {"zh": "近7天接触", "en": "Contacts, last 7 days"},
    "volume_chart": {"zh": "各渠道每日接触量", "en": "Daily contacts by channel"},
    "search_customer": {"zh": "查找客户（客户号或姓名）", "en": "Find a customer (number or name)"},
    "search": {"zh": "查找", "en": "Search"},
    "no_results": {"zh": "没有找到客户", "en": "No customer found"},
    "recent_customers": {"zh": "最近联系的客户", "en": "Recently in contact"},
    "profile": {"zh": "客户档案", "en": "Profile"},
    "customer_ref": {"zh": "客户号", "en": "Customer number"},
    "name": {"zh": "姓名", "en": "Name"},
    "age": {"zh": "年龄", "en": "Age"},
    "gender": {"zh": "性别", "en": "Gender"},
    "region": {"zh": "地区", "en": "Region"},
    "segment": {"zh": "客户层级", "en": "Segment"},
    "risk_level": {"zh": "风险等级", "en": "Risk level"},
    "preferred_channel": {"zh": "偏好渠道", "en": "Preferred channel"},
    "advisor": {"zh": "客户经理", "en": "Advisor"},
    "placeholder": {"zh": "仅有接触记录，资料待补", "en": "Known only from contacts; profile pending"},
    "notes": {"zh": "偏好与禁忌", "en": "Preferences and taboos"},
    "no_notes": {"zh": "暂无备注", "en": "No notes"},
    "open_cases": {"zh": "未结工单", "en": "Open cases"},
    "no_open_cases": {"zh": "没有未结工单", "en": "No open cases"},
    "timeline": {"zh": "全渠道接触时间线", "en": "Timeline across channels"},
    "no_contacts": {"zh": "暂无接触记录", "en": "No contacts yet"},
    "load_more": {"zh": "加载更早的记录", "en": "Load older contacts"},
    "outcome": {"zh": "结果", "en": "Outcome"},
    "agent": {"zh": "坐席", "en": "Agent"},
    "sentiment": {"zh": "情绪", "en": "Sentiment"},
    "elderly": {"zh": "老年客户", "en": "Elderly customer"},
    "error": {"zh": "出错了", "en": "Something went wrong"},
    "back_home": {"zh": "返回首页", "en": "Back to home"},
    "years": {"zh": "岁", "en": " years"},
    "due": {"zh": "到期", "en": "due"},
    "inbound": {"zh": "呼入", "en": "inbound"},
    "outbound": {"zh": "外呼", "en": "outbound"},
    "ch_ivr": {"zh": "语音导航", "en": "IVR"},
    "ch_phone": {"zh": "电话", "en": "Phone"},
    "ch_app": {"zh": "手机银行", "en": "App"},
    "ch_web": {"zh": "网银", "en": "Web"},
    "ch_wechat": {"zh": "微信", "en": "WeChat"},
    "ch_chat": {"zh": "在线客服", "en": "Chat"},
    "ch_email": {"zh": "邮件", "en": "E-mail"},
    "ch_sms": {"zh": "短信", "en": "SMS"},
    "ch_branch": {"zh": "网点", "en": "Branch"},
    "ch_social": {"zh": "社交媒体", "en": "Social"},
    "seg_mass": {"zh": "大众客户", "en": "Mass"},
    "seg_affluent": {"zh": "贵宾客户", "en": "Affluent"},
    "seg_private": {"zh": "私人银行客户", "en": "Private banking"},
    "sent_negative": {"zh": "负面", "en": "negative"},
    "sent_neutral": {"zh": "中性", "en": "neutral"},
    "sent_positive": {"zh": "正面", "en": "positive"},
    "hot_issues": {"zh": "热点问题", "en": "Hot issues"},
    "window": {"zh": "时间范围", "en": "Window"},
    "days": {"zh": "天", "en": "days"},
    "channel": {"zh": "渠道", "en": "Channel"},
    "all_channels": {"zh": "全部渠道", "en": "All channels"},
    "texts_analysed": {"zh": "已分析文本", "en": "Texts analysed"},
    "topics": {"zh": "话题趋势", "en": "Topics"},
    "topic": {"zh": "话题", "en": "Topic"},
    "texts": {"zh": "文本数", "en": "Texts"},
    "negative_share": {"zh": "负面占比", "en": "Negative"},
    "spikes": {"zh": "突增", "en": "Spikes"},
    "emerging_clusters": {"zh": "新出现的问题（近7天负面聚类）", "en": "Emerging issues (negative clusters, last 7 days)"},
    "no_analysed_texts": {"zh": "暂无已分析的文本", "en": "No analysed texts yet"},
    "no_clusters": {"zh": "暂无聚类", "en": "No clusters"},
    "out_resolved": {"zh": "已解决", "en": "resolved"},
    "out_transferred": {"zh": "已转接", "en": "transferred"},
    "out_abandoned": {"zh": "中途放弃", "en": "abandoned"},
    "out_escalated": {"zh": "已升级", "en": "escalated"},
    "out_pending": {"zh": "处理中", "en": "pending"},
    "out_completed": {"zh": "已完成", "en": "completed"},
    "out_failed": {"zh": "失败", "en": "failed"},
    "out_delivered": {"zh": "已送达", "en": "delivered"},
    "g_F": {"zh": "女", "en": "F"},
    "g_M": {"zh": "男", "en": "M"},
    "sign_in": {"zh": "登录", "en": "Sign in"},
    "sign_out": {"zh": "退出", "en": "Sign out"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "bad_credentials": {"zh": "用户名或密码错误。连续失败 {n} 次后，账户将被锁定 {m} 分钟。",
                        "en": "Wrong username or password. After {n} failures in a row the account is locked for {m} minutes."},
    "signin_help": {"zh": "忘记密码请联系管理员。", "en": "Forgot your password? Ask an administrator."},
    "signin_throttled": {"zh": "此网络地址登录失败次数过多，请约 {m} 分钟后再试。",
                         "en": "Too many failed sign-ins from this address. Try again in about {m} minutes."},
    "change_password": {"zh": "修改密码", "en": "Change password"},
    "current_password": {"zh": "当前密码", "en": "Current password"},
    "new_password": {"zh": "新密码", "en": "New password"},
    "new_password_again": {"zh": "再次输入新密码", "en": "New password again"},
    "pw_changed": {"zh": "密码已修改；您在其他浏览器或设备上的 {n} 个登录已退出。",
                   "en": "Password changed; {n} other sessions of yours were signed out."},
    "pw_wrong_current": {"zh": "当前密码不正确（连续错误也会锁定账户）。",
                         "en": "The current password is wrong (failures count towards the lock-out)."},
    "pw_policy": {"zh": "新密码至少 {n} 个字符，首尾不能有空格，且不能过于简单。",
                  "en": "The new password needs at least {n} characters, no spaces at either end, and must not be too simple."},
    "pw_same": {"zh": "新密码不能与当前密码相同。", "en": "The new password must differ from the current one."},
    "pw_mismatch": {"zh": "两次输入的新密码不一致。", "en": "The two new passwords differ."},
    "pw_help": {"zh": "密码以 argon2 哈希保存；修改后，您在其他地方的登录都会退出。",
                "en": "Passwords are stored as argon2 hashes; after a change, your other sessions end."},
    "users": {"zh": "用户", "en": "Users"},
    "tokens": {"zh": "API 令牌", "en": "API tokens"},
    "audit_log": {"zh": "审计日志", "en": "Audit log"},
    "pii_masked": {"zh": "个人信息已脱敏显示。", "en": "Personal data is shown masked."},
    "pii_unmasked": {"zh": "个人信息仅本次以明文显示，查看原因已记入审计日志。",
                     "en": "Personal data is shown in clear for this view only; your reason is in the audit log."},
    "unmask_reason": {"zh": "查看明文的原因", "en": "Why you need the personal data"},
    "unmask": {"zh": "显示明文", "en": "Show in clear"},
    "actor": {"zh": "操作人", "en": "Who"},
    "action": {"zh": "操作", "en": "Action"},
    "target": {"zh": "对象", "en": "Record"},
    "reason": {"zh": "原因", "en": "Reason"},
    "time": {"zh": "时间", "en": "When"},
    "export": {"zh": "导出", "en": "Export"},
    "verify_chain": {"zh": "校验哈希链", "en": "Verify the hash chain"},
    "chain_ok": {"zh": "审计日志完整，未被篡改", "en": "The audit log is intact"},
    "chain_broken": {"zh": "审计日志已被篡改或删除：", "en": "The audit log was altered or truncated:"},
    "older": {"zh": "更早的记录", "en": "Older entries"},
    "role": {"zh": "角色", "en": "Role"},
    "refs": {"zh": "工号", "en": "Staff ids"},
    "state": {"zh": "状态", "en": "State"},
    "last_sign_in": {"zh": "最近登录", "en": "Last sign-in"},
    "disabled": {"zh": "已停用", "en": "disabled"},
    "locked": {"zh": "已锁定", "en": "locked"},
    "active": {"zh": "正常", "en": "active"},
    "no_password": {"zh": "未设密码", "en": "no password"},
    "disable": {"zh": "停用", "en": "Disable"},
    "enable": {"zh": "启用/解锁", "en": "Enable / unlock"},
    "reset_password": {"zh": "重置密码", "en": "Reset password"},
    "new_user": {"zh": "新建用户", "en": "New user"},
    "authority_level": {"zh": "授权级别（投诉处理）", "en": "Authority level (complaint handlers)"},
    "create": {"zh": "创建", "en": "Create"},
    "password_once": {"zh": "{u} 的新密码（仅显示一次）：", "en": "New password for {u} (shown once):"},
    "token_once": {"zh": "令牌 {n}（仅显示一次，请立即保存）：", "en": "Token {n} (shown once, store it now):"},
    "scopes": {"zh": "权限范围", "en": "Scopes"},
    "created": {"zh": "创建", "en": "Created"},
    "last_used": {"zh": "最近使用", "en": "Last used"},
    "revoked": {"zh": "已吊销", "en": "revoked"},
    "expires": {"zh": "到期", "en": "expires"},
    "revoke": {"zh": "吊销", "en": "Revoke"},
    "new_token": {"zh": "新建 API 令牌", "en": "New API token"},
    "expires_days": {"zh": "有效天数（留空为长期）", "en": "Valid for days (empty: no expiry)"},
    "token_name": {"zh": "令牌名称（调用方系统）", "en": "Token name (the calling system)"},
    "age_band": {"zh": "{lo}–{hi}岁", "en": "{lo}–{hi}"},
    "age_band_top": {"zh": "{lo}岁以上", "en": "{lo} and over"},
    "sent_by_bank": {"zh": "银行发出", "en": "Sent by the bank"},
    "bank_call": {"zh": "银行外呼", "en": "Call by the bank"},
    "emotions": {"zh": "情绪", "en": "Emotions"},
    "flags": {"zh": "标记", "en": "Flags"},
    "page_of": {"zh": "第 {a}–{b} 位，共 {n} 位", "en": "{a}–{b} of {n}"},
    "next_page": {"zh": "下一页", "en": "Next page"},
    "prev_page": {"zh": "上一页", "en": "Previous page"},
    "from": {"zh": "从", "en": "From"},
    "to": {"zh": "到", "en": "To"},
    "quote_open": {"zh": "「", "en": "“"},
    "quote_close": {"zh": "」", "en": "”"},
    "tz_Asia/Shanghai": {"zh": "北京时间", "en": "China time"},
    "tz_Asia/Hong_Kong": {"zh": "香港时间", "en": "Hong Kong time"},
    "tz_UTC": {"zh": "协调世界时", "en": "UTC"},
}


from xinsheng.web.texts_codes import code_texts  # noqa: E402
from xinsheng.web.texts_home import HOME  # noqa: E402
from xinsheng.web.texts_messages import MESSAGES  # noqa: E402

TEXTS.update(code_texts())
TEXTS.update({k: {"zh": zh, "en": en} for table in (MESSAGES, HOME) for k, (zh, en) in table.items()})


def lang_in_next(request: Request) -> str | None:
    """The ``lang`` of the page a sign-in redirect will go back to (``/signin?next=/%3Flang%3Den``)."""
    target = request.query_params.get("next") or ""
    if "?" not in target:
        return None
    lang = parse_qs(urlsplit(target).query).get("lang", [None])[0]
    return lang if lang in LANGS else None


def chosen_lang(request: Request) -> str | None:
    """The language this request asks for (``?lang=``, or the one in ``next``), if any."""
    lang = request.query_params.get("lang")
    return lang if lang in LANGS else lang_in_next(request)


def pick_lang(request: Request) -> str:
    lang = chosen_lang(request) or request.cookies.get("lang") or DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


class Translator:
    """``t("key")`` in templates; unknown keys fall back to the key itself."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, default: str | None = None) -> str:
        entry = TEXTS.get(key)
        if entry is None:
            return default if default is not None else key
        return entry.get(self.lang) or entry[DEFAULT_LANG]

    def channel(self, code: str) -> str:
        return self(f"ch_{code}", code)

    def role(self, code: str) -> str:
        """A role's name (``role_<code>``, added to the catalogue by ``identity.admin``)."""
        return self(f"role_{code}", code)

    def segment(self, code: str | None) -> str:
        return self(f"seg_{code}", code or "") if code else ""

    def fmt(self, key: str, **params) -> str:
        """The entry filled with ``params`` (``{n}``, ``{field}`` …)."""
        text = self(key)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text

    def fmt_data(self, key: str, **params) -> Markup:
        """Like ``fmt``, for HTML: each text parameter (a name, a reference, what was typed) is
        marked as data (``data-user-content``), shown as it is, in whatever script; ``Markup``
        parameters (catalogue words) and numbers are inserted as they are."""
        marked = {k: v if isinstance(v, Markup) or not isinstance(v, str)
                  else Markup('<span data-user-content>{}</span>').format(v) for k, v in params.items()}
        try:
            return escape(self(key)).format(**marked)
        except (KeyError, IndexError, ValueError):
            return escape(self(key))

    def timezone(self, name: str) -> Markup:
        """A time zone as people call it (北京时间 for Asia/Shanghai); others as their identifier."""
        if f"tz_{name}" in TEXTS:
            return escape(self(f"tz_{name}"))
        return Markup('<span translate="no">{}</span>').format(name)

    def known(self, prefix: str, code: str | None) -> bool:
        return bool(code) and f"{prefix}_{code}" in TEXTS

    def code(self, prefix: str, code: str | None) -> Markup:
        """A code's words (``t.code("ev", "login_success")``): an unknown code is shown readably
        (``foo_bar`` → "foo bar") and marked as data (``data-user-content``), never as a raw key."""
        if not code:
            return Markup("")
        if self.known(prefix, code):
            return escape(self(f"{prefix}_{code}"))
        readable = code.replace("_", " ").replace(".", " · ")
        return Markup('<span class="code" data-user-content>{}</span>').format(readable)

    def event(self, code: str | None) -> Markup:
        return self.code("ev", code)

    def emotion(self, code: str) -> Markup:
        return self.code("emo", code)

    def flag(self, code: str) -> Markup:
        return self.code("flag", code)

    def audit_action(self, code: str | None) -> Markup:
        return self.code("audit_act", code)

    def target_type(self, code: str | None) -> Markup:
        return self.code("tt", code)

    def scope(self, code: str) -> Markup:
        return self.code("scope", code)

    def topic(self, code: str | None, label: str | None = None) -> str:
        """A VOC topic code as the taxonomy names it in this language (``label``: the stored one)."""
        if not code:
            return ""
        found = _topic_labels().get(self.lang, {}).get(code)
        return found or label or code

    def age_band(self, age: int | None) -> str:
        """Ten-year band of an age: 70–79岁 / 70–79 (the profile shows no exact age)."""
        if age is None or age < 0:
            return ""
        lo = age // 10 * 10
        if lo >= 90:
            return self.fmt("age_band_top", lo=90)
        return self.fmt("age_band", lo=lo, hi=lo + 9)


@lru_cache(maxsize=1)
def _topic_labels() -> dict[str, dict[str, str]]:
    """{lang: {code: label}} of the VOC taxonomy in force (``XINSHENG_VOC_TAXONOMY`` or the shipped one)."""
    from xinsheng.config import get_settings
    from xinsheng.voc.topics import Taxonomy

    tax = get_settings().voc_taxonomy
    try:
        leaves = Taxonomy.load(str(tax) if tax else None).leaves
    except Exception:  # noqa: BLE001 - a broken taxonomy is the VOC engine's to report; show labels as stored
        return {"zh": {}, "en": {}}
    return {"zh": {leaf.code: leaf.label for leaf in leaves}, "en": {leaf.code: leaf.label_en for leaf in leaves}}
