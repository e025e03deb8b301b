"""Categories of knowledge articles (知识分类): code → Chinese and English label.

The codes follow the banking topics the IVR menu and the VOC taxonomy use, so that
a category can be joined with contacts about it.
"""
from __future__ import annotations

CATEGORIES: dict[str, tuple[str, str]] = {
    "account": ("账户与存款", "Accounts and deposits"),
    "card": ("借记卡", "Debit cards"),
    "transfer": ("转账汇款", "Transfers"),
    "fx": ("外汇与跨境汇款", "FX and cross-border"),
    "credit_card": ("信用卡", "Credit cards"),
    "wealth": ("理财与基金", "Wealth and funds"),
    "loan": ("贷款", "Loans"),
    "digital": ("手机银行与网银", "Mobile and online banking"),
    "fees": ("收费与扣款", "Fees and charges"),
    "security": ("安全与反诈", "Security and fraud"),
    "service": ("网点与客服", "Branches and service"),
    "complaint": ("投诉建议", "Complaints"),
    "other": ("其他", "Other"),
}


def category_label(code: str | None, lang: str = "zh") -> str:
    if not code:
        return ""
    zh, en = CATEGORIES.get(code, (code, code))
    return zh if lang == "zh" else en
