"""Sparse features and linear models: vectorised n-grams, TF-IDF rows, save/load round trip."""
from __future__ import annotations

import numpy as np

from xinsheng.voc.features import Featurizer, char_keys, key_to_text
from xinsheng.voc.linear import LinearModel, fit_linear


def test_char_keys_pack_ngrams_per_document():
    keys, docs = char_keys(["ab", "你好吗"], 1, 3)
    grams = sorted((int(d), key_to_text(int(k))) for k, d in zip(keys, docs))
    assert grams == sorted([(0, "a"), (0, "b"), (0, "ab"), (1, "你"), (1, "好"), (1, "吗"),
                            (1, "你好"), (1, "好吗"), (1, "你好吗")])


def test_transform_rows_are_l2_normalised_and_unknown_grams_ignored():
    docs = [("转账失败", ["转账", "失败"]), ("转账成功", ["转账", "成功"]), ("", [])]
    f = Featurizer(word_range=(1, 1), char_range=(1, 2), min_df=1).fit(docs)
    X = f.transform(docs + [("完全陌生", ["完全", "陌生"])])
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    assert np.allclose(norms[:2], 1.0) and norms[2] == 0 and norms[3] == 0
    names = f.feature_names()
    assert "转账" in names and "账失" in names


def test_linear_model_save_load_predicts_the_same(tmp_path):
    docs = [(t, list(t)) for t in ["好评", "很好", "满意", "差评", "很差", "失望"] * 5]
    labels = ["positive", "positive", "positive", "negative", "negative", "negative"] * 5
    model = fit_linear(docs, labels, Featurizer(min_df=1), C=10, svm=True)
    model.save(tmp_path, "m")
    again = LinearModel.load(tmp_path, "m")
    test = [("真好", ["真", "好"]), ("太差", ["太", "差"])]
    assert np.allclose(model.decision(model.transform(test)), again.decision(again.transform(test)))
    p = again.predict_proba(again.transform(test))
    assert p[0, again.classes.index("positive")] > 0.5 > p[1, again.classes.index("positive")]


def test_key_index_finds_every_key_and_nothing_else():
    from xinsheng.voc.features import KeyIndex

    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(1, 2**62, 50_000))
    ids = rng.permutation(len(keys))
    index = KeyIndex(keys, ids)
    assert np.array_equal(index.lookup(keys), ids)
    absent = rng.integers(1, 2**62, 5_000)
    absent = absent[~np.isin(absent, keys)]
    assert (index.lookup(absent) == -1).all()
    # keys that share a slot (multiples of a power of two collide under the hash's top bits) still resolve
    crowded = np.arange(1, 2_001, dtype=np.int64) << 40
    assert np.array_equal(KeyIndex(crowded, np.arange(2_000)).lookup(crowded[::-1]), np.arange(2_000)[::-1])
