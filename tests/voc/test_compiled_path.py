"""The compiled matcher (ahocorasick-rs) and the plain-Python one give the same results,
matcher by matcher and for the whole pipeline; batch segmentation equals text-by-text."""
from __future__ import annotations

from xinsheng.voc import lexicon
from xinsheng.voc.lexicon import Lexicon
from xinsheng.voc.text import normalize_many, segment, segment_many

TEXTS = [
    "我叫王芳，手机13812345678，身份证11010519491231002X。转账三天了还没到账，气死我了[怒]，再不解决就打12378投诉！",
    "可不可以帮我查一下信用卡账单？可不",
    "呵呵，真是服了你们了[怒][怒]，客服电话一直打不通，醉了",
    "我不生气，只是问问大额存单的利率是多少[微笑]",
    "給我滾！！！你們這個APP又閃退了，登錄不上",
    "My card was charged twice and the app keeps crashing, I'm very disappointed. Call me at 0755-83221234",
    "",
    "谢谢客户经理很耐心地解释了风险，服务非常好[哈哈]",
    "虽然等了很久，但是处理得很专业。" * 60 + "卡号6222020200112233445，请尽快处理，很着急[泪]",
    "我妈妈七十多岁了不会用手机银行，转账一直失败，人脸识别也没成功",
]


def _both(fn, monkeypatch):
    assert lexicon.compiled_matcher()  # the wheel is a declared dependency: the fast path is on here
    fast = fn()
    monkeypatch.setenv("XINSHENG_VOC_PURE_PYTHON", "1")
    assert not lexicon.compiled_matcher()
    slow = fn()
    monkeypatch.delenv("XINSHENG_VOC_PURE_PYTHON")
    return fast, slow


def test_leftmost_longest_by_hand(monkeypatch):
    lex = Lexicon()
    lex.add_words(["不", "满意", "不满意", "可不可以", "可以", "服务", "服务态度"], "t")

    def spans():
        out = []
        for text in ("可不", "不满意", "可不可以服务态", "服务态度不满意，可以"):
            s, e, i = lex.scan(text)
            out.append([(lex.words[k], a, b) for a, b, k in zip(s.tolist(), e.tolist(), i.tolist())])
        s, e, i = lex.scan_all("不满意")
        out.append([(lex.words[k], a, b) for a, b, k in zip(s.tolist(), e.tolist(), i.tolist())])
        return out

    want = [
        [("不", 1, 2)],  # the prefix 可不(可以) leads nowhere; 不 still counts
        [("不满意", 0, 3)],
        [("可不可以", 0, 4), ("服务", 4, 6)],
        [("服务态度", 0, 4), ("不满意", 4, 7), ("可以", 8, 10)],
        [("不", 0, 1), ("不满意", 0, 3), ("满意", 1, 3)],
    ]
    fast, slow = _both(spans, monkeypatch)
    assert fast == want and slow == want


def test_english_word_edges(monkeypatch):
    lex = Lexicon(word_boundary=True)
    lex.add_words(["fee", "hidden fee", "feel"], "t")

    def spans():
        s, e, i = lex.scan("i feel a hidden fee, fees and a fee")
        return [lex.words[k] for k in i.tolist()]

    fast, slow = _both(spans, monkeypatch)
    assert fast == slow == ["feel", "hidden fee", "fee"]


def test_pipeline_same_on_both_paths(rules_analyzer, monkeypatch):
    fast, slow = _both(lambda: rules_analyzer.analyze_many(TEXTS), monkeypatch)
    assert fast == slow
    assert fast[0]["pii"][:2] == [{"type": "person_name", "start": 2, "end": 4}, {"type": "phone", "start": 7, "end": 18}]
    assert "〔身份证〕" in fast[0]["text_masked"] and fast[0]["emotions"]["anger"] > 0


def test_batch_segmentation_equals_one_by_one():
    norms = normalize_many(TEXTS + ["a\nb", "  ", "c++ & c# -- 12.5% e-mail"])
    assert segment_many(norms) == [segment(t) for t in norms]
    raw = ["第一行\n第二行", "回车\r\n换行", "普通文本"]
    assert segment_many(raw) == [segment(t) for t in raw]
