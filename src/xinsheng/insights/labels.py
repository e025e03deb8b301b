"""What distinguishes a cluster of texts from the rest: its label words.

A cluster is labelled by the words that are more common in its texts than in the other
texts of the same sample (its background), not by the words that are merely frequent.
Call-centre boilerplate (客户, 尽快, 坐席, 您好, 请问) is as common in every cluster as in
the background, so it never labels one.

The score is the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
Quinn, 2008, "Fightin' Words"), over document frequencies: a word w is found in ``a`` of
the cluster's ``n_a`` texts and ``b`` of the background's ``n_b`` texts; its prior share
is p = (a + b + ½) / (n_a + n_b + 1), worth ``ALPHA`` texts (α = ``ALPHA`` × p texts with
the word, β = ``ALPHA`` × (1 − p) without), and

    δ = ln((a + α) / (n_a − a + β)) − ln((b + α) / (n_b − b + β))
    z = δ / sqrt(1/(a + α) + 1/(n_a − a + β) + 1/(b + α) + 1/(n_b − b + β))

The cluster's keywords are its words of highest z with δ > 0, found in at least two of
its texts (or all, for a cluster of one).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

ALPHA = 10.0  # the prior's total weight, in texts
_MASK = re.compile(r"^[\W\d_*#xX]+$")  # numbers, masks (****, [手机号]) and punctuation


def text_words(texts: Sequence[str]) -> list[set[str]]:
    """The distinct content words of each text (segmented like the VOC engine, its stopwords,
    one-character words and numbers or masks left out)."""
    from xinsheng.voc.rules import get_resources
    from xinsheng.voc.text import detect_lang, normalize_many, segment

    out = []
    for text in normalize_many([t or "" for t in texts]):
        stop = get_resources(detect_lang(text)).stopwords
        out.append({w for w in segment(text) if len(w) > 1 and w.lower() not in stop and not _MASK.match(w)})
    return out


def log_odds(a: int, n_a: int, b: int, n_b: int, alpha: float = ALPHA) -> tuple[float, float]:
    """(δ, z) of a word in ``a`` of ``n_a`` cluster texts and ``b`` of ``n_b`` background texts."""
    share = (a + b + 0.5) / (n_a + n_b + 1)
    with_, without = alpha * share, alpha * (1 - share)
    cells = (a + with_, n_a - a + without, b + with_, n_b - b + without)
    delta = math.log(cells[0] / cells[1]) - math.log(cells[2] / cells[3])
    return delta, delta / math.sqrt(sum(1 / c for c in cells))


def distinctive_words(cluster: Sequence[set[str]], background: Sequence[set[str]], k: int = 5) -> list[str]:
    """The ``k`` words that most distinguish ``cluster`` (word sets of its texts) from
    ``background`` (word sets of the other texts), best first."""
    return distinctive(Counter(w for doc in cluster for w in doc), len(cluster),
                       Counter(w for doc in background for w in doc), len(background), k)


def distinctive(inside: Counter, n_a: int, outside: Counter, n_b: int, k: int = 5) -> list[str]:
    """``distinctive_words`` from document frequencies: ``inside`` of the ``n_a`` cluster
    texts, ``outside`` of the ``n_b`` others."""
    least = min(2, n_a)
    scored = []
    for word, a in inside.items():
        if a < least:
            continue
        delta, z = log_odds(a, n_a, outside[word], n_b)
        if delta > 0:
            scored.append((-z, -a, word))
    return [w for _, _, w in sorted(scored)[:k]]
