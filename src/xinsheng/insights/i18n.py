"""The Hot issues page's words in Chinese and English (merged into ``web.i18n.TEXTS``)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "hi_texts_analysed": {"zh": "已分析的客户文本（不含银行发出的短信、通知和外呼）",
                          "en": "Customer texts analysed (the bank's own SMS, notices and outbound calls left out)"},
    "hi_chart_title": {"zh": "各话题每日负面文本数", "en": "Negative texts per day, by topic"},
    "hi_chart_note": {"zh": "图中为下表全部 {n} 个话题，每个话题一种颜色（点击图例可隐藏或显示）；▲ 标出突增日。",
                      "en": "The chart shows all {n} topics of the table below, one colour each (click the legend to hide or show one); ▲ marks a spike day."},
    "hi_negative_texts": {"zh": "条负面", "en": "negative texts"},
    "hi_examples": {"zh": "客户原话", "en": "In the customer's words"},
    "hi_spike_chip": {"zh": "{day}：{count} 条，平时 {baseline} 条/天，×{ratio}",
                      "en": "{day}: {count} texts, usually {baseline}/day, ×{ratio}"},
    "hi_spike_title": {
        "zh": "{day} 该项有 {count} 条负面文本；此前 {window} 天平均每天 {baseline} 条（基线）；"
              "是基线的 {ratio} 倍，高出 {z} 个标准差；若只是平常波动，出现这么多的概率 p = {p}。",
        "en": "{day}: {count} negative texts; the {window} days before averaged {baseline} a day (the baseline); "
              "that is {ratio} times the baseline, {z} standard deviations above it; if nothing had changed, "
              "the chance of this many would be p = {p}."},
    "hi_spike_help": {
        "zh": "突增：某天的负面文本数远高于平时。“12 条，平时 1.5 条/天，×8.0”表示当天 12 条；此前 28 天平均每天 1.5 条（基线）；"
              "是基线的 8 倍。只有当天至少 5 条、至少是基线的 2 倍、且按泊松分布偶然出现的概率低于千分之一（p < 0.001）时才算突增。"
              "鼠标停在标记上可看到标准差（z）和概率（p）。",
        "en": "Spike: a day with far more negative texts than usual. \u201c12 texts, usually 1.5/day, \u00d78.0\u201d means 12 that day, "
              "an average of 1.5 a day over the 28 days before (the baseline), 8 times the baseline. A day counts as a spike only "
              "with at least 5 texts, at least twice the baseline, and a chance below one in a thousand (p < 0.001) under a "
              "Poisson model of the baseline. Hover over a chip for its standard deviations (z) and its chance (p)."},
    "hi_cluster_help": {
        "zh": "相似的近 7 天负面文本归为一类；关键词是这一类比其他文本明显更常用的词（不是人人都说的“客户、您好、尽快”）。",
        "en": "Similar negative texts of the last 7 days, grouped; the keywords are the words this group uses far more "
              "than the other texts (not what everyone says, such as \u201ccustomer\u201d, \u201chello\u201d, \u201cas soon as possible\u201d)."},
    "hi_clustering": {"zh": "正在归类近 7 天的负面文本……", "en": "Grouping the last 7 days' negative texts…"},
    "hi_cluster_size": {"zh": "{n} 条", "en": "{n} texts"},
    "hi_keywords": {"zh": "关键词", "en": "Keywords"},
}
