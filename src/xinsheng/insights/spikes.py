"""Spikes in the Hot issues report's daily counts (from ``TopicDaily``), as dicts.

The test itself is ``voc.emerging.spikes_from_counts``, the one ``detect_spikes`` uses for
events; the report has daily counts, and expanding them back into events would cost as
much as reading the texts.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from xinsheng.voc.emerging import spikes_from_counts


def count_spikes(counts: Mapping[str, Mapping[date, int]], **options) -> list[dict]:
    """Days on which a key's count is a significant spike over its trailing baseline.

    ``counts``: key → day → count. Options as ``spikes_from_counts``; results in the
    ``Spike.to_dict()`` form, ordered by day, then strength.
    """
    return [s.to_dict() for s in spikes_from_counts(counts, **options)]
