"""Word-pair features for short English topic texts: stems, the featurizer, save/load, when train_model uses them."""
from __future__ import annotations

import json

import numpy as np
import pytest

from xinsheng.voc.features import Featurizer
from xinsheng.voc.linear import LinearModel, PairFeaturizer, fit_linear, light_stem, word_pairs
from xinsheng.voc.train import prepare_docs, train_model

INTENTS = {
    "card_arrival": ["when will my new card arrive", "my card has still not arrived", "is my card coming soon",
                     "how long until the card arrives", "card hasn't arrived after two weeks"],
    "top_up_failed": ["my top up failed", "why did the top up fail", "top-up was declined again",
                      "the top up did not go through", "failed to top up my account"],
    "card_payment_fee": ["why was i charged a fee for a card payment", "extra fee on my card payment",
                         "card payment charged a fee", "fee charged when paying by card", "what is this card fee"],
}


def _rows(repeat: int = 3) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for _ in range(repeat):
        for lab, xs in INTENTS.items():
            texts += xs
            labels += [lab] * len(xs)
    return texts, labels


@pytest.mark.parametrize("word,stem", [
    ("charged", "charg"), ("charges", "charg"), ("charging", "charg"), ("charge", "charg"),
    ("transferred", "transfer"), ("transferring", "transfer"), ("transfers", "transfer"),
    ("verifies", "verify"), ("verified", "verify"), ("topped", "top"), ("card", "card"),
    ("business", "business"), ("2", "2"), ("充值", "充值"),
])
def test_light_stem(word, stem):
    assert light_stem(word) == stem


def test_word_pairs_are_unordered_distinct_and_windowed():
    assert word_pairs(["card", "arrived", "card"], 24) == ["arriv+card"]
    assert word_pairs(["a1", "b1", "c1", "d1"], 2) == ["a1+b1", "b1+c1", "c1+d1"]


def test_pair_model_round_trip(tmp_path):
    texts, labels = _rows()
    docs, _ = prepare_docs(texts)
    feat = PairFeaturizer.new(Featurizer(word_range=(1, 3), char_range=(2, 3), min_df=2, strip_spaces=False))
    model = fit_linear(docs, labels, feat, C=1.0, estimator="svm")
    X = model.transform(docs)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    assert np.allclose(norms, 1, atol=1e-4) and X.shape[1] == feat.n_features > feat.base.n_features
    model.save(tmp_path, "topic")
    assert json.loads((tmp_path / "topic.json").read_text("utf-8"))["featurizer"]["kind"] == "word_pairs"
    back = LinearModel.load(tmp_path, "topic")
    assert isinstance(back.featurizer, PairFeaturizer)
    assert np.allclose(back.decision(back.transform(docs)), model.decision(X), atol=1e-4)
    assert len(back._names()) == back.featurizer.n_features


def test_plain_featurizer_models_still_load(tmp_path):
    texts, labels = _rows()
    docs, _ = prepare_docs(texts)
    model = fit_linear(docs, labels, Featurizer(word_range=(1, 2), char_range=(2, 3)), C=1.0, estimator="svm")
    model.save(tmp_path, "topic")
    back = LinearModel.load(tmp_path, "topic")
    assert type(back.featurizer) is Featurizer
    assert np.allclose(back.decision(back.transform(docs)), model.decision(model.transform(docs)), atol=1e-4)


def test_train_model_uses_pairs_for_short_english_topics_only():
    texts, labels = _rows()
    assert isinstance(train_model("topic", texts, labels).featurizer, PairFeaturizer)
    long_texts = [" ".join([t] * 12) for t in texts]  # narratives: median far above 40 words
    assert type(train_model("topic", long_texts, labels).featurizer) is Featurizer
    sentiment = train_model("sentiment", texts, ["positive" if i % 2 else "negative" for i in range(len(texts))])
    assert type(sentiment.featurizer) is Featurizer
