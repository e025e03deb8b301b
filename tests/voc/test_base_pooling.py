"""How a base pools a text's units into its vector: a hand-made base (three units, known
vectors and idf) against loops written from the definitions, and BaseFeaturizer keeping
its pooling and weight through save/load (old models without one pool by idf_mean)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from xinsheng.voc.base import SIF_A, Base, BaseFeaturizer
from xinsheng.voc.learn import row_of, unit_keys

BITS = 14
# units: the word 银行, the characters 银 and 行; 2-dimensional vectors, unit length
_WORD = unit_keys("", ["银行"])[0][0]
_CHARS = unit_keys("银行", [])[1]
_VEC = {int(_WORD): (0.6, 0.8), int(_CHARS[0]): (1.0, 0.0), int(_CHARS[1]): (0.0, -1.0)}
_IDF = {int(_WORD): 2.0, int(_CHARS[0]): 1.5, int(_CHARS[1]): 3.0}


def _base() -> Base:
    keys = np.array(sorted(_VEC, key=lambda k: int(row_of(np.array([k]), BITS)[0])), np.int64)
    rows = row_of(keys, BITS)
    assert len(set(rows.tolist())) == 3
    return Base(rows, np.array([_VEC[int(k)] for k in keys], np.float32),
                np.array([_IDF[int(k)] for k in keys], np.float32), BITS, {"folder": "hand", "sha256": "x"})


def _unit(v):
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v] if n else [0.0, 0.0]


def _brute(keys, weight):
    """Weighted sum of the kept units' vectors, then unit length."""
    acc = [0.0, 0.0]
    for k in keys:
        if int(k) in _VEC:
            for j in range(2):
                acc[j] += weight(int(k)) * _VEC[int(k)][j]
    return _unit(acc)


# 行行银: characters 行 twice and 银 once; words 银行 and an unknown word
_DOC = ("行行银", ["银行", "未知"])


def test_sif_weights_from_the_share_of_texts():
    got = _base().doc_vectors([_DOC], pooling="sif_mean")[0]
    wk, ck = unit_keys(*_DOC)
    # idf = ln((1+N)/(1+df)) + 1, so the share of texts is exp(1 - idf)
    sif = lambda k: SIF_A / (SIF_A + math.exp(1 - _IDF[k]))  # noqa: E731
    want = _brute(wk, sif) + _brute(ck, sif)
    assert got == pytest.approx(want, abs=1e-6)
    # by hand for the characters: 行 weighs 0.01/(0.01+e^-2) twice, 银 0.01/(0.01+e^-0.5) once
    w_hang, w_yin = 0.01 / (0.01 + math.exp(-2)), 0.01 / (0.01 + math.exp(-0.5))
    assert got[2:] == pytest.approx(_unit([w_yin, -2 * w_hang]), abs=1e-6)


def test_mean_and_max_halves():
    got = _base().doc_vectors([_DOC, ("", [])], pooling="idf_mean_max")
    assert got.shape == (2, 8) and _base().doc_width("idf_mean_max") == 8
    wk, ck = unit_keys(*_DOC)
    idf = lambda k: _IDF[k]  # noqa: E731
    # words: only 银行 is kept (mean = max = its vector); characters: max of (1,0), (0,-1), (0,-1)
    want = _brute(wk, idf) + [0.6, 0.8] + _brute(ck, idf) + _unit([1.0, 0.0])
    assert got[0] == pytest.approx(want, abs=1e-6)
    assert not got[1].any()  # no kept unit: zeros, not NaN
    with pytest.raises(ValueError):
        _base().doc_vectors([_DOC], pooling="median")


class _Inner:
    """A featurizer with one feature: 1 for every document."""

    n_features = 1

    def fit(self, docs):
        return self

    def transform(self, docs):
        from scipy import sparse

        return sparse.csr_matrix(np.ones((len(docs), 1)))

    def feature_names(self):
        return ["one"]

    def get_state(self):
        return {"kind": "one"}, {}


@pytest.mark.parametrize("pooling,weight", [("idf_mean", 0.5), ("sif_mean", 2.0), ("idf_mean_max", 1.0)])
def test_featurizer_rows_unit_norm_and_state_round_trip(pooling, weight):
    f = BaseFeaturizer(_Inner(), _base(), weight, pooling)
    x = f.transform([_DOC]).toarray()[0]
    assert len(x) == f.n_features == 1 + _base().doc_width(pooling)
    assert np.linalg.norm(x) == pytest.approx(1.0, abs=1e-6)  # every half of _DOC holds a kept unit
    halves = 4 if pooling == "idf_mean_max" else 2
    assert x[0] == pytest.approx(1 / math.sqrt(1 + halves * weight**2), abs=1e-6)
    meta, arrays = f.get_state()
    back = BaseFeaturizer.from_state(meta, arrays, _Inner())
    assert (back.pooling, back.weight) == (pooling, weight)
    assert np.array_equal(back.transform([_DOC]).toarray(), f.transform([_DOC]).toarray())
    meta.pop("pooling")  # a model saved before pooling was recorded
    assert BaseFeaturizer.from_state(meta, arrays, _Inner()).pooling == "idf_mean"
