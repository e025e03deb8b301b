"""Precision and recall on the held-out calls, which were not read while the rules were written
(transcripts/README.md). The numbers are printed; the floor is what the first measurement gave
less a margin, so a rule change that loses meaning fails here."""
from __future__ import annotations

from tests.quality.corpus import calls, confusion, expected, turns
from xinsheng.quality.engine import check


def test_heldout_precision_and_recall():
    results = []
    for p in calls("heldout"):
        got = {f["rule"]: f["passed"] for f in check(turns(p))["findings"]}
        results.append((expected(p), got))
    c = confusion(results)
    precision = c["tp"] / max(c["tp"] + c["fp"], 1)
    recall = c["tp"] / max(c["tp"] + c["fn"], 1)
    print(f"held-out: {c}, precision {precision:.2f}, recall {recall:.2f}")
    assert c["tp"] + c["fn"] >= 10
    assert precision >= 0.9 and recall >= 0.9
