"""Plotly figures for pages, as JSON the page's plotly.js draws (served locally)."""
from __future__ import annotations

import json
from collections import defaultdict

from xinsheng.web.i18n import Translator


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
    layout = {
        "barmode": "stack", "height": 320, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
        "legend": {"orientation": "h"}, "xaxis": {"type": "date"},
    }
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)
