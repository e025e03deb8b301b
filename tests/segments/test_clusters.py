"""Clusters keep their ids across refreshes (centroids matched to the previous ones); a new
group gets a new id; each cluster is explained by the features that set it apart."""
from __future__ import annotations

import random

from xinsheng.segments.clusters import fit_clusters
from xinsheng.segments.features import FEATURES

# three kinds of customers, far apart: young digital, wealthy elderly, unhappy complainers
BLOBS = {
    "young": {"age": 28, "log_aum": 4.5, "contacts_90d": 6, "digital_share": 0.9, "negative_share": 0.1, "complaints_90d": 0},
    "wealthy": {"age": 70, "log_aum": 6.9, "contacts_90d": 3, "digital_share": 0.1, "negative_share": 0.1, "complaints_90d": 0},
    "unhappy": {"age": 45, "log_aum": 5.2, "contacts_90d": 15, "digital_share": 0.4, "negative_share": 0.7, "complaints_90d": 3},
}
SPREAD = {"age": 4, "log_aum": 0.2, "contacts_90d": 1.5, "digital_share": 0.05, "negative_share": 0.05, "complaints_90d": 0.4}


def _people(seed: int, kinds=("young", "wealthy", "unhappy"), n=60) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for kind in kinds:
        for i in range(n):
            row = {f: BLOBS[kind][f] + rng.gauss(0, SPREAD[f]) for f in FEATURES}
            rows.append({"id": f"{kind}-{i}", "kind": kind, **row})
    rng.shuffle(rows)
    return rows


def _code_of_kind(clusters, rows) -> dict[str, str]:
    kind = {r["id"]: r["kind"] for r in rows}
    out = {}
    for c in clusters:
        kinds = [kind[m] for m in c.members]
        top = max(set(kinds), key=kinds.count)
        assert kinds.count(top) / len(kinds) > 0.95
        out[top] = c.code
    return out


def test_ids_are_stable_across_refreshes_and_a_new_group_gets_a_new_id():
    first_rows = _people(1)
    first = fit_clusters(first_rows, 3, {}, seed=0)
    codes = _code_of_kind(first, first_rows)
    assert sorted(codes.values()) == ["cluster-1", "cluster-2", "cluster-3"]
    previous = {c.code: c.centroid for c in first}
    # a later refresh: other customers of the same kinds, another k-means seed (other cluster order)
    again_rows = _people(2)
    again = fit_clusters(again_rows, 3, previous, seed=7)
    assert _code_of_kind(again, again_rows) == codes
    # a fourth kind of customer appears: the old three keep their ids, the new one gets cluster-4
    BLOBS["dormant"] = {"age": 55, "log_aum": 3.0, "contacts_90d": 0, "digital_share": 0.0, "negative_share": 0.0,
                        "complaints_90d": 0}
    try:
        four_rows = _people(3, kinds=("young", "wealthy", "unhappy", "dormant"))
        four = fit_clusters(four_rows, 4, previous, seed=3)
        four_codes = _code_of_kind(four, four_rows)
    finally:
        del BLOBS["dormant"]
    assert {k: four_codes[k] for k in codes} == codes and four_codes["dormant"] == "cluster-4"


def test_a_cluster_is_explained_by_what_sets_it_apart():
    rows = _people(4)
    clusters = fit_clusters(rows, 3, {}, seed=0)
    code = _code_of_kind(clusters, rows)
    by_code = {c.code: c for c in clusters}
    unhappy = {e["feature"]: e for e in by_code[code["unhappy"]].explanation}
    assert {"negative_share", "complaints_90d", "contacts_90d"} & set(unhappy)
    assert all(e["direction"] == "higher" for e in unhappy.values() if e["feature"] != "age")
    wealthy = {e["feature"]: e for e in by_code[code["wealthy"]].explanation}
    assert wealthy.get("log_aum", wealthy.get("age"))["direction"] == "higher"
    # the means are the members' own means (checked by hand here for one feature)
    members = [r for r in rows if r["id"] in set(by_code[code["unhappy"]].members)]
    if "negative_share" in unhappy:
        assert abs(unhappy["negative_share"]["mean"] - sum(r["negative_share"] for r in members) / len(members)) < 1e-3
