"""The Journeys page's Plotly figures: the funnel and the Sankey of paths after drop-off."""
from __future__ import annotations

import json

from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import Translator

__all__ = ["event_words", "funnel_figure", "sankey_figure"]


def event_words(code: str, t: Translator) -> str:
    """``app:login_failed`` → 手机银行 · 登录失败 (plain text for a chart)."""
    channel, _, event = code.partition(":")
    words = t(f"ev_{event}") if t.known("ev", event) else event.replace("_", " ")
    return f"{t.channel(channel)} · {words}"


def funnel_figure(labels: list[str], counts: list[int], t: Translator) -> str:
    trace = {"type": "funnel", "y": labels, "x": counts, "textinfo": "value+percent initial",
             "marker": {"color": "#2563eb"}, "hoverinfo": "y+x+percent initial"}
    layout = chart_layout(t.lang, height=60 + 56 * max(len(labels), 1),
                          margin={"l": 170, "r": 20, "t": 10, "b": 20})
    layout.pop("xaxis", None)  # a funnel has no date axis
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)


def sankey_figure(paths: list[dict], step_labels: dict[str, str], t: Translator) -> str:
    """Nodes: where customers stopped, then their first and second next events."""
    nodes: list[str] = []
    index: dict[tuple, int] = {}

    def node(key: tuple, label: str) -> int:
        if key not in index:
            index[key] = len(nodes)
            nodes.append(label)
        return index[key]

    links: dict[tuple[int, int], int] = {}
    for p in paths:
        prev = node(("stop", p["dropped_after"]), t.fmt("jn_stopped_at", step=step_labels[p["dropped_after"]]))
        hops = p["next"] or [None]
        for n, code in enumerate(hops, 1):
            label = t.fmt("jn_hop", n=n, event=event_words(code, t)) if code else t("jn_nothing")
            cur = node(("hop", n, code), label)
            links[(prev, cur)] = links.get((prev, cur), 0) + p["customers"]
            prev = cur
    trace = {"type": "sankey", "arrangement": "snap", "node": {"label": nodes, "pad": 12, "thickness": 14},
             "link": {"source": [a for a, _ in links], "target": [b for _, b in links], "value": list(links.values())}}
    layout = chart_layout(t.lang, height=460, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    layout.pop("xaxis", None)
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)
