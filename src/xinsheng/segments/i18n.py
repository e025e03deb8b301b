"""The segment explorer's words in Chinese and English (merged into ``web.i18n.TEXTS``)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "tool_segments": {"zh": "客群探索", "en": "Segments"},
    "tool_segments_d": {"zh": "分层客群与数据聚类：规模、投诉率、负面情绪", "en": "Tiers and clusters: size, complaints, negative sentiment"},
    "sg_title": {"zh": "客群探索", "en": "Segment explorer"},
    "sg_chart": {"zh": "各客群规模与体验", "en": "Size and experience by segment"},
    "sg_rules": {"zh": "规则客群", "en": "Rule segments"},
    "sg_clusters": {"zh": "数据聚类客群", "en": "Data-driven clusters"},
    "sg_code": {"zh": "编号", "en": "Code"},
    "sg_name": {"zh": "名称", "en": "Name"},
    "sg_size": {"zh": "客户数", "en": "Customers"},
    "sg_complaint_rate": {"zh": "投诉率（90 天）", "en": "Complaint rate (90 days)"},
    "sg_negative_share": {"zh": "负面情绪占比", "en": "Negative sentiment share"},
    "sg_explains": {"zh": "区别特征（客群均值 / 总体均值）", "en": "What sets it apart (segment mean / overall mean)"},
    "sg_none": {"zh": "尚未刷新客群，请运行：", "en": "No segments yet; run:"},
    "sg_no_clusters": {"zh": "客户数据不足，暂无聚类", "en": "Not enough customers for clusters yet"},
    "sg_refreshed": {"zh": "最近刷新", "en": "Last refreshed"},
    "sg_higher": {"zh": "偏高", "en": "higher"},
    "sg_lower": {"zh": "偏低", "en": "lower"},
    "sg_f_age": {"zh": "年龄", "en": "Age"},
    "sg_f_log_aum": {"zh": "资产（对数）", "en": "Assets (log10)"},
    "sg_f_contacts_90d": {"zh": "90 天联络次数", "en": "Contacts in 90 days"},
    "sg_f_digital_share": {"zh": "线上渠道占比", "en": "Digital share"},
    "sg_f_negative_share": {"zh": "负面情绪占比", "en": "Negative share"},
    "sg_f_complaints_90d": {"zh": "90 天投诉次数", "en": "Complaints in 90 days"},
}
