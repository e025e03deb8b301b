"""Plotly figures for pages, as JSON the page's plotly.js draws (served locally).

The installed plotly package ships no locale files, so dates on the axes are formatted by
the layout itself: ``date_axis(lang)`` gives 9月6日 / 2026年9月 in Chinese (Plotly's own
default would be "Sep 6"), and plain English otherwise. Any page's chart can use it.
"""
from __future__ import annotations

import json
from collections import defaultdict

from xinsheng.web.i18n import Translator


DAY_MS = 86_400_000
#: d3 time formats per zoom level (``tickformatstops``): Chinese dates, no English month names
_ZH_STOPS = [
    {"dtickrange": [None, DAY_MS], "value": "%-m月%-d日 %H:%M"},
    {"dtickrange": [DAY_MS, "M1"], "value": "%-m月%-d日"},
    {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
]


def date_axis(lang: str) -> dict:
    """A date x-axis whose ticks and hover labels read naturally in ``lang``."""
    if lang == "zh":
        return {"type": "date", "tickformatstops": _ZH_STOPS, "hoverformat": "%Y年%-m月%-d日"}
    return {"type": "date", "hoverformat": "%b %-d, %Y"}


def chart_layout(lang: str, **layout) -> dict:
    """Common layout: date x-axis in ``lang``, the number separators of ``lang`` (both ".,")."""
    return {"separators": ".,", **layout, "xaxis": {**date_axis(lang), **layout.get("xaxis", {})}}


def volume_figure(rows: list[tuple[str, str, int]], t: Translator) -> str:
    """Stacked daily contacts per channel; ``rows`` are (day, channel, contacts)."""
    series: dict[str, dict[str, int]] = defaultdict(dict)
    for day, channel, n in rows:
        series[channel][day] = n
    days = sorted({day for day, _, _ in rows})
    traces = [
        {"type": "bar", "name": t.channel(ch), "x": days, "y": [series[ch].get(d, 0) for d in days]}
        for ch in sorted(series, key=lambda c: -sum(series[c].values()))
    ]
    layout = chart_layout(t.lang, barmode="stack", height=320, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                          legend={"orientation": "h"})
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)
