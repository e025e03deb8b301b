"""Emerging clusters of the Hot issues report: similar negative texts of the last week,
labelled by what distinguishes them, with their own spikes.

``records`` are (day, the customer's words) of the sampled negative texts of the last
``RECENT_DAYS + BASELINE_DAYS`` days (``service.NegativeTexts``). Then:

1. **boilerplate out**: texts are clustered by their content words only (segmented like
   the VOC engine, stopwords such as 您好 and 请问 left out), less the words found in at
   least ``COMMON_SHARE`` of all those texts (客户, 尽快, 坐席, 处理 in a contact centre's
   texts), so that texts are grouped by what they are about, not by how every customer
   writes;
2. **clusters**: the last week's texts are grouped by the VOC engine's leader clustering
   (``voc.emerging.cluster_texts``), clusters of at least two texts; a cluster that holds
   more than ``SPLIT_SHARE`` of the week's texts is a mix of issues chained together, and
   is grouped again, more strictly (``SPLIT_THRESHOLD``);
3. **labels**: each cluster's keywords are its most distinctive words against every
   other sampled text (``labels.distinctive_words``, a log-odds ratio), its label the
   first three, its id a hash of them (the same issue keeps its id from day to day), its
   representative text the member that has most of its keywords;
4. **spikes**: a cluster's daily count is, on every day alike, the texts that have two
   of its first four keywords (one when it has one); spikes are found in those counts as
   for topics.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from xinsheng.insights.labels import distinctive, text_words
from xinsheng.insights.spikes import count_spikes

COMMON_SHARE = 0.2  # a word in at least this share of the sampled texts is boilerplate …
COMMON_MIN_TEXTS = 20  # … when there are at least this many texts to tell
KEYWORDS = 5
SPLIT_SHARE = 0.2  # a cluster of more than this share of the week's texts is grouped again …
SPLIT_THRESHOLD = 0.3  # … at this similarity (the first grouping's is 0.15)


def boilerplate(words: Sequence[set[str]]) -> set[str]:
    """Words found in at least ``COMMON_SHARE`` of the texts (none for fewer than
    ``COMMON_MIN_TEXTS`` texts)."""
    if len(words) < COMMON_MIN_TEXTS:
        return set()
    df = Counter(w for doc in words for w in doc)
    return {w for w, n in df.items() if n >= COMMON_SHARE * len(words)}


def emerging_clusters(records: Sequence[tuple[date, str]], recent_days: int) -> list[dict]:
    """Clusters of the last ``recent_days`` days' texts of ``records`` (largest first), each
    {id, label, keywords, representative, size, spikes}."""
    from xinsheng.voc.emerging import cluster_id

    if not records:
        return []
    words = text_words([text for _, text in records])
    common = boilerplate(words)
    last = max(day for day, _ in records)
    recent = [i for i, (day, _) in enumerate(records) if (last - day).days < recent_days]
    content = {i: " ".join(sorted(words[i] - common)) for i in recent}
    total = Counter(w for doc in words for w in doc - common)
    clusters, counts = [], {}
    for members in _groups(recent, content):
        inside = Counter(w for i in members for w in words[i] - common)
        keywords = distinctive(inside, len(members), total - inside, len(records) - len(members), KEYWORDS)
        if not keywords:
            continue
        cid = cluster_id(keywords)
        if f"cluster:{cid}" in counts:  # the same words as a larger cluster: one issue
            continue
        rep = max(members, key=lambda i: (len(words[i] & set(keywords)), -i))
        clusters.append({"id": cid, "label": " / ".join(keywords[:3]), "keywords": keywords,
                         "representative": records[rep][1], "size": len(members)})
        counts[f"cluster:{cid}"] = _daily(records, words, keywords)
    spikes: dict[str, list[dict]] = defaultdict(list)
    for spike in count_spikes(counts):
        spikes[spike["key"]].append(spike)
    return [{**c, "spikes": spikes.get(f"cluster:{c['id']}", [])} for c in clusters]


def _groups(recent: list[int], content: dict[int, str]) -> list[list[int]]:
    """Members (indices of ``records``) of each cluster of the recent texts, largest first."""
    from xinsheng.voc.emerging import cluster_texts

    out = []
    for c in cluster_texts([content[i] for i in recent]):
        members = [recent[m] for m in c.members]
        if len(members) > SPLIT_SHARE * len(recent) and len(members) >= COMMON_MIN_TEXTS:
            out += [[members[m] for m in sub.members]
                    for sub in cluster_texts([content[i] for i in members], threshold=SPLIT_THRESHOLD)]
        else:
            out.append(members)
    return sorted(out, key=len, reverse=True)


def _daily(records, words, keywords: list[str]) -> Counter:
    top, need = set(keywords[:4]), min(2, len(keywords))
    return Counter(day for (day, _), have in zip(records, words) if len(have & top) >= need)
