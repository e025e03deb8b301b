"""Words for the codes that data carries: contact events, VOC emotions and flags, audit
actions and record types, API token scopes (merged into ``web.i18n.TEXTS``).

A code not listed here is shown readably (``loan_apply_step5`` → "loan apply step5") by
``Translator.event`` and friends, marked as data, so a new source never shows a raw key.
"""
from __future__ import annotations

#: contact events (``interactions.event``), as the demo bank and CONTRACT.md's sources send them
EVENTS: dict[str, tuple[str, str]] = {
    "login_success": ("登录成功", "signed in"),
    "login_failed": ("登录失败", "sign-in failed"),
    "face_recognition_failed": ("人脸识别失败", "face recognition failed"),
    "balance_viewed": ("查询余额", "viewed balance"),
    "bill_paid": ("缴费", "paid a bill"),
    "transfer_submitted": ("提交转账", "transfer submitted"),
    "transfer_failed": ("转账失败", "transfer failed"),
    "redemption_submitted": ("提交赎回", "redemption submitted"),
    "purchase_submitted": ("提交购买", "purchase submitted"),
    "card_frozen": ("冻结银行卡", "card frozen"),
    "loan_apply_step1": ("贷款申请 第1步", "loan application, step 1"),
    "loan_apply_step2": ("贷款申请 第2步", "loan application, step 2"),
    "loan_apply_step3": ("贷款申请 第3步", "loan application, step 3"),
    "loan_apply_step4": ("贷款申请 第4步", "loan application, step 4"),
    "loan_submitted": ("提交贷款申请", "loan application submitted"),
    "feedback_submitted": ("提交意见反馈", "feedback submitted"),
    "survey_answered": ("回答满意度调查", "answered a survey"),
    "page_viewed": ("浏览页面", "viewed a page"),
    "message_submitted": ("网上留言", "left a message"),
    "statement_downloaded": ("下载对账单", "downloaded a statement"),
    "branch_visit": ("到访网点", "branch visit"),
    "comment_card": ("网点意见卡", "branch comment card"),
    "call": ("来电", "call"),
    "callback": ("回访电话", "callback"),
    "marketing_call": ("营销外呼", "sales call"),
    "reminder_call": ("提醒外呼", "reminder call"),
    "chat_session": ("在线会话", "chat session"),
    "message": ("消息", "message"),
    "post": ("发帖", "post"),
    "email_received": ("来信", "e-mail received"),
    "sms_reply": ("短信回复", "SMS reply"),
    "notice_sent": ("银行通知短信", "notice sent by the bank"),
    "statement_sent": ("银行寄送对账单", "statement sent by the bank"),
    "complaint_filed": ("提出投诉", "complaint filed"),
    "menu_selected": ("语音菜单选择", "IVR menu choice"),
}

EMOTIONS: dict[str, tuple[str, str]] = {
    "anger": ("愤怒", "anger"), "anxiety": ("焦虑", "anxiety"), "sadness": ("难过", "sadness"),
    "gratitude": ("感谢", "gratitude"), "joy": ("高兴", "joy"), "surprise": ("惊讶", "surprise"),
}

FLAGS: dict[str, tuple[str, str]] = {
    "complaint": ("投诉", "complaint"),
    "regulatory_risk": ("监管风险", "regulatory risk"),
    "churn_intent": ("流失倾向", "may leave"),
    "vulnerable_customer": ("弱势客户", "vulnerable customer"),
    "fraud_risk": ("欺诈风险", "fraud risk"),
    "escalation_request": ("要求升级", "asks to escalate"),
}

AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "auth.signin": ("登录", "signed in"),
    "auth.signin_failed": ("登录失败", "sign-in failed"),
    "auth.signout": ("退出", "signed out"),
    "auth.password_changed": ("修改密码", "changed password"),
    "customer.read": ("查看客户", "viewed a customer"),
    "customer.list": ("列出客户", "listed customers"),
    "customer.search": ("查找客户", "searched customers"),
    "customer.timeline": ("查看接触记录", "viewed contacts"),
    "customer.unmask": ("查看明文个人信息", "showed personal data in clear"),
    "customer.denied": ("访问客户被拒", "refused access to a customer"),
    "user.create": ("新建用户", "created a user"),
    "user.disable": ("停用用户", "disabled a user"),
    "user.enable": ("启用用户", "enabled a user"),
    "user.set_password": ("重置密码", "reset a password"),
    "token.create": ("新建令牌", "created a token"),
    "token.revoke": ("吊销令牌", "revoked a token"),
    "audit.export": ("导出审计日志", "exported the audit log"),
    "audit.purged": ("清理过期审计记录", "purged old audit entries"),
    "keys.rotate": ("轮换密钥", "rotated keys"),
    "retention.apply": ("执行数据保留策略", "applied data retention"),
    "demo.users": ("创建演示用户", "created demo users"),
    "notify.requeue": ("重新排队通知", "requeued notifications"),
    "ingest.customers": ("导入客户", "imported customers"),
    "ingest.interactions": ("导入接触记录", "imported contacts"),
    "kb.suggestions": ("知识推荐（接口）", "answer suggestions (API)"),
    "kb.suggestions.page": ("知识推荐", "answer suggestions"),
    "case.read": ("查看工单", "viewed a case"),
    "case.sweep": ("工单时限巡检", "case deadline sweep"),
    "case.open": ("新建工单", "opened a case"),
    "case.assign": ("分派工单", "assigned a case"),
    "case.acknowledge": ("受理工单", "acknowledged a case"),
    "case.escalate": ("升级工单", "escalated a case"),
    "case.note": ("工单备注", "noted on a case"),
    "case.await_customer": ("等待客户", "waiting for the customer"),
    "case.decide": ("工单决定", "decided a case"),
    "case.extend": ("延长时限", "extended a deadline"),
    "case.close": ("结案", "closed a case"),
    "case.reopen": ("重开工单", "reopened a case"),
    "survey.response": ("收到调查答卷", "received a survey answer"),
    "ingest.survey-responses": ("导入调查答卷", "imported survey answers"),
    "case.repeat_contact": ("重复来电", "repeat contact"),
    "case.ignore": ("忽略", "ignored"),
    "cases.config.update": ("修改工单配置", "changed case settings"),
}

TARGET_TYPES: dict[str, tuple[str, str]] = {
    "customer": ("客户", "customer"), "user": ("用户", "user"), "token": ("令牌", "token"),
    "case": ("工单", "case"), "case_config": ("工单配置", "case settings"),
    "audit": ("审计日志", "audit log"), "file": ("文件", "file"),
    "notification": ("通知", "notification"), "article": ("知识", "article"),
    "survey_response": ("调查答卷", "survey answer"),
}

SCOPES: dict[str, tuple[str, str]] = {
    "ingest": ("写入客户和接触记录", "write customers and interactions"),
    "ivr": ("读取个性化语音菜单", "read personalised IVR menus"),
    "assist": ("使用问答机器人（并读取知识库）", "ask the answer bot (and read the knowledge base)"),
    "customers": ("读取任意客户的档案和接触记录，含个人信息（CRM 集成）",
                  "read any customer's profile and timeline with personal data (CRM integration)"),
    "kb": ("读取知识库", "read the knowledge base"),
    "analytics": ("汇总统计、客户之声分析和调查结果", "aggregates, VOC statistics and survey results"),
    "audit": ("读取和导出审计日志（SIEM）", "read and export the audit log (SIEM)"),
    "cases": ("新建、读取和处理工单（CRM 或投诉系统）",
              "open cases, read them and act on them (a CRM or complaint system)"),
    "surveys": ("发送调查答卷（语音按键、手机银行或其他调查工具）",
                "send survey answers (IVR keypad, app, another survey tool)"),
}

PREFIXES = {"ev": EVENTS, "emo": EMOTIONS, "flag": FLAGS, "audit_act": AUDIT_ACTIONS,
            "tt": TARGET_TYPES, "scope": SCOPES}


def code_texts() -> dict[str, dict[str, str]]:
    """``{"ev_login_success": {"zh": ..., "en": ...}, ...}`` for the catalogue."""
    return {f"{prefix}_{code}": {"zh": zh, "en": en}
            for prefix, table in PREFIXES.items() for code, (zh, en) in table.items()}
