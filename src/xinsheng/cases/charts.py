"""Plotly figures of the complaint monitor, as JSON the page's plotly.js draws (served locally).

Each builder also returns the table the page shows beside its chart, so the numbers on the
page and in the chart come from the same rows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from xinsheng.cases.i18n import RULES, label_text as label
from xinsheng.cases.monitor import MonitorReport

TIER_COLOURS = {1: "#93c5fd", 2: "#3b82f6", 3: "#1e3a8a"}
SLA_COLOURS = {"on_track": "#16a34a", "warning": "#eab308", "breached": "#dc2626"}
_LAYOUT = {"height": 300, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
           "legend": {"orientation": "h", "traceorder": "normal"},
           "font": {"family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"}}


@dataclass
class Panel:
    """One chart and its table: ``head`` (column titles), ``rows`` (first cell is the label),
    ``foot`` (totals, or None)."""

    key: str
    figure: str
    head: list[str]
    rows: list[list] = field(default_factory=list)
    foot: list | None = None


def _dump(data: list, layout: dict) -> str:
    layout = {**_LAYOUT, **layout}
    for axis in ("xaxis", "yaxis"):  # long level or root-cause names get the room they need
        layout[axis] = {"automargin": True, **layout.get(axis, {})}
    text = json.dumps({"data": data, "layout": layout}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # safe inside <script>


def level_name(t, authority, level: int) -> str:
    """``L3 投诉中心`` from the authority matrix in force (the catalogue when it has no such level)."""
    if authority is not None and 1 <= level <= authority.top:
        return f"L{level} {authority.label(level, t.lang)}"
    return label(t, "level", level)


def pyramid_panel(r: MonitorReport, t, authority) -> Panel:
    """Open cases per authority level (bars from L1 at the bottom), stacked by tier."""
    top = max([authority.top if authority else 4] + [lv for lv, _ in r.pyramid])
    levels = list(range(1, top + 1))
    tiers = sorted({1, 2, 3} | {tier for _, tier in r.pyramid})
    names = [level_name(t, authority, lv) for lv in levels]
    data = [{"type": "bar", "orientation": "h", "name": label(t, "tier", tier), "y": names,
             "x": [r.pyramid.get((lv, tier), 0) for lv in levels],
             "marker": {"color": TIER_COLOURS.get(tier, "#6b7280")}} for tier in tiers]
    rows = [[names[i]] + [r.pyramid.get((lv, tier), 0) for tier in tiers]
            + [sum(r.pyramid.get((lv, tier), 0) for tier in tiers)] for i, lv in enumerate(levels)]
    foot = [t("cs_total")] + [sum(r.pyramid.get((lv, tier), 0) for lv in levels) for tier in tiers] + [r.open_total]
    return Panel("pyramid", _dump(data, {"barmode": "stack", "xaxis": _count_axis(max([sum(row[1:-1]) for row in rows] + [0]))}),
                 [t("cs_level")] + [label(t, "tier", tier) for tier in tiers] + [t("cs_total")],
                 list(reversed(rows)), foot)


def _count_axis(top: int) -> dict:
    """An axis of whole counts (no 0.5 ticks for a handful of cases)."""
    return {"rangemode": "tozero", "dtick": max(1, -(-top // 5)), "tickformat": "d"}


def sla_panel(r: MonitorReport, t) -> Panel:
    states = list(SLA_COLOURS)
    names = [label(t, "sla", s) for s in states]
    data = [{"type": "bar", "x": names, "y": [r.sla.get(s, 0) for s in states],
             "marker": {"color": [SLA_COLOURS[s] for s in states]}}]
    rows = [[names[i], r.sla.get(s, 0)] for i, s in enumerate(states)]
    return Panel("sla", _dump(data, {"margin": {"l": 40, "r": 10, "t": 10, "b": 40},
                                     "yaxis": _count_axis(max(r.sla.values(), default=0))}),
                 [t("cs_sla"), t("cs_count")], rows, [t("cs_total"), sum(r.sla.values())])


def bucket_name(t, first: int, last: int | None) -> str:
    return t("cs_wd_plus").format(a=first) if last is None else t("cs_wd").format(a=first, b=last)


def ageing_panel(r: MonitorReport, t) -> Panel:
    names = [bucket_name(t, a, b) for (a, b), _ in r.ageing]
    counts = [n for _, n in r.ageing]
    data = [{"type": "bar", "x": names, "y": counts, "marker": {"color": "#b91c1c"}}]
    return Panel("ageing", _dump(data, {"margin": {"l": 40, "r": 10, "t": 10, "b": 60},
                                        "yaxis": _count_axis(max(counts, default=0))}),
                 [t("cs_ageing"), t("cs_count")], [[n, c] for n, c in zip(names, counts)],
                 [t("cs_total"), sum(counts)])


def escalations_panel(r: MonitorReport, t) -> Panel:
    """Escalations per day, stacked by rule; the table has one row per rule."""
    rules = [x for x in RULES if any(rule == x for _, rule in r.escalations)]
    rules += sorted({rule for _, rule in r.escalations} - set(rules))
    days = [d.isoformat() for d in r.day_list]
    data = [{"type": "bar", "name": label(t, "rule", rule), "x": days,
             "y": [r.escalations.get((d, rule), 0) for d in r.day_list]} for rule in rules]
    rows = [[label(t, "rule", rule), sum(n for (_, x), n in r.escalations.items() if x == rule)] for rule in rules]
    per_day = [sum(r.escalations.get((d, rule), 0) for rule in rules) for d in r.day_list]
    layout = {"barmode": "stack", "xaxis": {"type": "date", "tickformat": "%m-%d"}, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
              "yaxis": _count_axis(max(per_day, default=0))}
    return Panel("escalations", _dump(data, layout), [t("cs_rule"), t("cs_count")], rows,
                 [t("cs_total"), sum(r.escalations.values())])


def root_cause_panel(r: MonitorReport, t) -> Panel:
    items = sorted(r.root_causes.items(), key=lambda kv: (-kv[1], kv[0]))
    names = [label(t, "root_cause", code) if code else t("cs_ho_none") for code, _ in items]
    data = [{"type": "bar", "orientation": "h", "y": list(reversed(names)),
             "x": list(reversed([n for _, n in items])), "marker": {"color": "#7c3aed"}}]
    return Panel("root_causes", _dump(data, {"xaxis": _count_axis(max(r.root_causes.values(), default=0))}), [t("cs_root_cause"), t("cs_count")],
                 [[name, n] for name, (_, n) in zip(names, items)], [t("cs_total"), sum(r.root_causes.values())])


def monitor_panels(r: MonitorReport, t, authority) -> list[Panel]:
    return [pyramid_panel(r, t, authority), sla_panel(r, t), ageing_panel(r, t), escalations_panel(r, t),
            root_cause_panel(r, t)]
