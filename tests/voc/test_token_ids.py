"""The pipeline's fast paths give what the plain ones give, on hand-written texts: words with
token ids (segmentation, sentiment, features, keywords) against plain lists of words,
batches cut by size, and language detection for a whole batch."""
from __future__ import annotations

import numpy as np

from xinsheng.voc import tokens
from xinsheng.voc.text import detect_lang, detect_langs, normalize_many, segment, segment_many

TEXTS = [
    "我不开心，转账三天了还没到账，气死我了[怒]，再不解决就打12378投诉！",
    "呵呵，真是服了你们了，客服电话一直打不通，醉了，无语",
    "不是很满意，但是客户经理很耐心，点赞👍",
    "我不生气，只是问问大额存单的利率是多少",
    "給我滾！！！你們這個APP又閃退了，登錄不上",
    "My card was charged twice and the app keeps crashing, I'm very disappointed.",
    "",
    "谢谢谢谢，服务非常好[哈哈]，没有不开心",
    "坐席：您好，很高兴为您服务。客户：我的卡被冻结了，非常着急，没人管。坐席：辛苦您久等了",
    "虽然等了很久，但是处理得很专业。" * 30 + "请尽快处理，很着急[泪]",
    "卡卡卡卡，信用卡信用卡年费年费年费，乱扣费",
    "理财产品亏了不少，心情低落，不想说话",
    "手续费太高了太高了，销户！",
    "12345 67890 abc",
    "哈哈哈哈哈笑死我了，这个app真好用",
    "网点排队排了两个小时，柜员态度还行吧",
    "不满意不满意不满意",
    "没有开心的事",
    "额度什么时候能提？请问怎么办理？",
    "新版本更新后一直闪退，垃圾",
]


def test_words_carry_their_ids():
    norms = normalize_many(TEXTS)
    got = segment_many(norms)
    assert got == [segment(t) for t in norms]  # equal to the plain lists
    for words in got:
        assert isinstance(words, tokens.Words)
        assert [words.table.words[i] for i in words.ids.tolist()] == list(words)


def test_plain_lists_take_the_plain_path(monkeypatch):
    monkeypatch.setattr(tokens, "ENABLED", False)
    got = segment_many(normalize_many(TEXTS))
    assert all(type(w) is list for w in got)
    assert tokens.batch_ids(got) is None


def test_column_fills_new_ids_only():
    table = tokens.TokenTable()
    seen: list[list[str]] = []
    col = tokens.Column(lambda ws: seen.append(list(ws)) or [len(w) for w in ws], np.int64)
    ids = table.ids(["不", "开心", "不"])
    assert ids.tolist() == [0, 1, 0]
    assert col.of(table)[ids].tolist() == [1, 2, 1]
    ids = table.ids(["开心", "非常好"])
    assert col.of(table)[ids].tolist() == [2, 3]
    assert seen == [["不", "开心"], ["非常好"]]
    other = tokens.TokenTable()
    ids = other.ids(["非常好"])
    assert col.of(other)[ids].tolist() == [3]  # a new table starts again
    assert seen[-1] == ["非常好"] and len(col.of(other)) == 1


def test_pipeline_same_with_and_without_ids(analyzer, monkeypatch):
    texts = TEXTS * 3 + [t[::-1] for t in TEXTS]
    fast = analyzer.analyze_many(texts)
    monkeypatch.setattr(tokens, "ENABLED", False)
    slow = analyzer.analyze_many(texts)
    assert fast == slow
    assert fast[0]["sentiment"]["label"] == "negative" and fast[0]["keywords"]


def test_new_tables_and_mixed_batches(analyzer, monkeypatch):
    """A full table starts a new one between batches; words of two tables in one batch
    (and plain lists among them) fall back to the plain path: same outputs throughout."""
    want = analyzer.analyze_many(TEXTS)
    monkeypatch.setattr(tokens, "LIMIT", 10)
    monkeypatch.setattr(analyzer, "batch_size", 7)
    assert analyzer.analyze_many(TEXTS) == want
    monkeypatch.setattr(analyzer, "batch_chars", 100)  # long texts: batches end at 100 characters too
    assert analyzer.analyze_many(TEXTS) == want
    assert list(analyzer.iter_analyze(iter(TEXTS))) == want
    norms = normalize_many(TEXTS)
    a, b = segment_many(norms[:10]), segment_many(norms[10:])
    assert a[0].table is not b[0].table
    docs = list(zip(norms, a + b))
    plain = [(t, list(w)) for t, w in docs]
    feat = analyzer.sentiment.builtin.featurizer
    for got, ref in ((feat.weights(docs), feat.weights(plain)),
                     (analyzer.sentiment._social_sums(docs), analyzer.sentiment._social_sums(plain))):
        for x, y in zip(got, ref):
            assert np.array_equal(x, y)
    assert analyzer.keywords.transform(docs, ["zh"] * len(docs)) == analyzer.keywords.transform(plain, ["zh"] * len(docs))


def test_languages_of_a_batch():
    texts = TEXTS + ["", "I can't log in", "转账" * 300 + " money", "abc 中文中文中文", "\ud800 lone surrogate",
                     "Ünïcödé àccents", "[]@`{", "ATM机吞卡了", "abcdefgh中文", "abcdefghi中文", "123 ！？"]
    want = [detect_lang(t) for t in texts]
    assert "en" in want and "zh" in want
    assert detect_langs(texts) == want
    assert detect_langs(texts[-3:]) == want[-3:]


def test_traditional_texts_of_a_batch():
    from xinsheng.voc.text import normalize

    texts = ["給我滾！你們的軟體又閃退了", "简体中文没有变化", "他著急了", "\ud800 孤立代理", "English text", "著名的银行"] * 3
    want = [normalize(t) for t in texts]
    assert want[0].startswith("给我滚") and "软件" in want[0]
    assert normalize_many(texts) == want


def test_social_negators_are_the_lexicons(analyzer):
    """The words that reverse the next social-media weight are the lexicon's ``negators:``
    (read from the yaml here) and 不是; on both paths."""
    from xinsheng.voc.lexicon import load_yaml
    from xinsheng.voc.sentiment import _negators

    listed = {str(w) for w in load_yaml("lexicon_zh.yaml")["negators"]}
    assert {"不够", "绝不", "并没有"} <= listed
    assert _negators() == frozenset(listed | {"不是"})
    social = analyzer.sentiment.social
    w = {x: social.get(x, 0.0) for x in ("不够", "不是", "满意", "开心")}
    assert w["满意"] > 0 and w["开心"] > 0
    texts = ["不够满意", "不是开心", "满意开心"]
    docs = list(zip(texts, segment_many(texts + ["x"])[:3]))
    assert [list(d[1]) for d in docs] == [["不够", "满意"], ["不是", "开心"], ["满意", "开心"]]
    want = [w["不够"] - w["满意"], w["不是"] - w["开心"], w["满意"] + w["开心"]]
    for words in (docs, [(t, list(ws)) for t, ws in docs]):
        sums, _ = analyzer.sentiment._social_sums(words)
        assert np.allclose(sums, want, rtol=0, atol=1e-12)


def test_a_lone_surrogate_is_replaced(analyzer):
    texts = ["\ud800 孤立的代理项，服务很差", "好", "差", "行", "不错"]
    assert normalize_many(texts)[0] == "\ufffd 孤立的代理项,服务很差"
    from xinsheng.voc.text import normalize

    assert normalize(texts[0]) == "\ufffd 孤立的代理项,服务很差"
    got = analyzer.analyze_many(texts)
    assert got[0]["text_masked"] == texts[0] and got[0]["sentiment"]["label"] == "negative"
    assert analyzer.analyze(texts[0]) == got[0]
