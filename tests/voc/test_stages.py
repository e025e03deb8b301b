"""Emotions, topics, flags, keywords and the analyze object's shape."""
from __future__ import annotations

from xinsheng.voc.lexicon import Lexicon
from xinsheng.voc.topics import RuleTopics, Taxonomy

KEYS = ["text_masked", "lang", "sentiment", "emotions", "topics", "flags", "keywords", "pii"]


def test_analyze_object_matches_the_contract(analyzer):
    r = analyzer.analyze("我叫王芳，手机13812345678。转账三天了还没到账，气死我了，再不解决就打12378投诉！")
    assert list(r) == KEYS
    assert r["text_masked"].startswith("我叫〔姓名〕，手机〔手机号〕。")
    assert r["lang"] == "zh"
    assert set(r["sentiment"]) == {"label", "score"} and r["sentiment"]["label"] == "negative"
    assert {"anger", "anxiety", "sadness", "gratitude"} <= set(r["emotions"])
    assert all(0 <= v <= 1 for v in r["emotions"].values())
    assert r["emotions"]["anger"] >= 0.5
    codes = [t["code"] for t in r["topics"]]
    assert "transfer.not_received" in codes
    t = r["topics"][codes.index("transfer.not_received")]
    assert set(t) == {"code", "label", "score", "triggers"} and t["label"] == "转账汇款 › 转账失败或未到账"
    assert any("到账" in w for w in t["triggers"])
    assert {"complaint", "regulatory_risk"} <= set(r["flags"])
    assert r["pii"] == [{"type": "person_name", "start": 2, "end": 4}, {"type": "phone", "start": 7, "end": 18}]
    assert r["keywords"] and all(k not in ("的", "了", "手机号") for k in r["keywords"])


def test_emotions_by_kind_and_negation(rules_analyzer):
    emo = lambda t: rules_analyzer.analyze(t)["emotions"]  # noqa: E731
    assert emo("我很担心账户被盗刷，怎么办")["anxiety"] >= 0.5
    assert emo("太失望了")["sadness"] >= 0.5
    assert emo("非常感谢你们的帮助")["gratitude"] >= 0.8
    assert emo("我不生气，只是问问")["anger"] == 0
    assert emo("有点生气")["anger"] < emo("非常生气！！")["anger"]


def test_emotions_per_sentence(rules_analyzer):
    sents = rules_analyzer.sentences("谢谢你们。但是钱还没到账，我很着急！")
    assert len(sents) == 2
    assert sents[0]["emotions"]["gratitude"] > 0 and sents[0]["emotions"]["anxiety"] == 0
    assert sents[1]["emotions"]["anxiety"] > 0


def test_flags(rules_analyzer):
    flags = lambda t: rules_analyzer.analyze(t)["flags"]  # noqa: E731
    assert "churn_intent" in flags("再这样我就销户，把钱转到别的银行")
    assert "vulnerable_customer" in flags("我父亲82岁了，眼睛不好，不会用手机银行")
    assert "fraud_risk" in flags("有人冒充客服让我把验证码给了他")
    assert "regulatory_risk" in flags("我要去银保监会投诉你们")
    assert flags("请问网点几点开门") == []
    assert "churn_intent" in flags("I will close my account and switch banks")


def test_taxonomy_rules_are_explainable_and_editable():
    tax = Taxonomy.from_dict({"topics": [{"code": "app", "label": "手机银行", "children": [
        {"code": "login", "label": "登录失败", "keywords": ["登不上"], "patterns": ["登[录陆].{0,4}失败"]}]}]})
    topics = RuleTopics(tax).find("手机银行登不上，一直登录失败", "zh")
    assert [t["code"] for t in topics] == ["app.login"]
    assert topics[0]["label"] == "手机银行 › 登录失败"
    assert set(topics[0]["triggers"]) == {"登不上", "登录失败"}
    assert topics[0]["score"] > 0.6  # two triggers beat one


def test_english_text_is_detected_and_analysed(analyzer):
    r = analyzer.analyze("My card was blocked and I was charged twice. I'm furious!")
    assert r["lang"] == "en"
    assert r["sentiment"]["label"] == "negative"
    assert r["emotions"]["anger"] > 0.5
    assert {"cards.frozen", "fees.unexpected_fee"} <= {t["code"] for t in r["topics"]}
    assert analyzer.analyze("转账没到账", lang="en")["lang"] == "en"


def test_traditional_and_full_width_input_analysed_like_simplified(analyzer):
    a = analyzer.analyze("轉賬還沒到賬，我很著急！")
    b = analyzer.analyze("转账还没到账，我很着急!")
    assert a["topics"] == b["topics"] and a["emotions"] == b["emotions"]
    assert a["text_masked"] == "轉賬還沒到賬，我很著急！"  # the stored text is the original, masked


def test_lexicon_prefers_leftmost_longest_match():
    lex = Lexicon()
    lex.add_words(["满意", "不满意", "手机", "手机银行"], "x")
    assert [w for _, _, w in lex.spans("不满意手机银行")] == ["不满意", "手机银行"]
    assert lex.spans("很满意") == [(1, 3, "满意")]


def test_english_lexicon_matches_whole_words_only():
    lex = Lexicon(word_boundary=True)
    lex.add_words(["fee", "not good"], "x")
    assert [w for _, _, w in lex.spans("a fee; feels not good, fees")] == ["fee", "not good"]


def test_analyze_many_matches_analyze(analyzer):
    texts = ["谢谢", None, "", "卡被冻结了"] * 200
    many = analyzer.analyze_many(texts)
    assert len(many) == 800
    assert many[3] == analyzer.analyze("卡被冻结了")
    assert many[1]["text_masked"] == "" and many[1]["sentiment"]["label"] == "neutral"


def test_keywords_batch_equals_one_by_one():
    from xinsheng.voc.keywords import KeywordStage

    stage = KeywordStage(idf={"转账": 2.0, "到账": 3.0, "利率": 1.0}, default_idf=5.0, boost=frozenset({"转账"}), k=4)
    # 转账 2.0 × 1.5 boost × (1 + ln 2) = 5.08; the two unknown words 5.0 each, tied and alike
    # in their first three characters (the word itself decides: 账 U+8D26 < 额 U+989D); 到账 3.0
    words = ["信用卡额度", "转账", "的", "12345", "到账", "转账", "信用卡账单", "利率"]
    want = ["转账", "信用卡账单", "信用卡额度", "到账"]
    other = [w.replace("信用卡额度", "存款利息") for w in words]  # tied, told apart by 信 U+4FE1 < 存 U+5B58
    want_other = ["转账", "信用卡账单", "存款利息", "到账"]
    docs = [("", ws[i:] + ws[:i]) for ws in (words, other) for i in range(len(words))] * 2 + [("", []), ("", ["的"])]
    got = stage.transform(docs, ["zh"] * len(docs))
    assert got[:-2] == ([want] * len(words) + [want_other] * len(words)) * 2 and got[-2:] == [[], []]
    assert got == [stage.keywords(d[1], "zh") for d in docs]
    odd = [("", ["\ud800坏", "\ud800好", "转账"])] * 16  # lone surrogates (undecodable input): 5.0, 5.0 (坏 < 好), 3.0
    assert stage.transform(odd, ["zh"] * 16) == [["\ud800坏", "\ud800好", "转账"]] * 16
