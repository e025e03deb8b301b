"""`voc analyze|train|eval`: JSON shapes, exit codes and the train → eval → analyze --model round trip."""
from __future__ import annotations

import csv
import json
import random

import pytest
from typer.testing import CliRunner

from xinsheng.voc.cli import app

runner = CliRunner()

_TOPICS = {
    "login": ["手机银行{a}登录不上{b}", "{a}一直提示密码错误，登不上{b}", "app登录{a}失败{b}", "刷脸{a}登录不了{b}"],
    "transfer": ["转账{a}还没到账{b}", "汇款{a}对方没收到{b}", "{a}转出去的钱没到{b}", "跨行转账{a}一直处理中{b}"],
    "card": ["{a}银行卡丢了要挂失{b}", "卡被ATM吞了{a}{b}", "{a}补办一张借记卡{b}", "卡片{a}消磁了想换卡{b}"],
}
_FILL = ["", "今天", "昨天晚上", "已经三天了", "麻烦看下", "急", "请问", "我的"]
_END = ["", "，怎么办", "，帮我看看", "？", "，谢谢", "，在线等"]
_POS = ["服务{a}很好，谢谢{b}", "{a}办理很顺利，满意{b}", "客服{a}耐心专业{b}", "{a}很方便，点赞{b}"]
_NEG = ["服务{a}太差了{b}", "{a}等了半天没人管{b}", "{a}乱扣费，要投诉{b}", "{a}问题一直没解决，失望{b}"]


def _distinct(rng: random.Random, templates: list[str], n: int) -> list[str]:
    """``n`` different texts from ``templates`` and the fillers (there are 192 to draw from)."""
    every = sorted({t.format(a=a, b=b) for t in templates for a in _FILL for b in _END})
    return rng.sample(every, n)


def _split(rows: list[tuple], test_share: float, rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    """Train and test rows: no text twice in the file, none on both sides."""
    rng.shuffle(rows)
    k = round(len(rows) * test_share)
    test, train = rows[:k], rows[k:]
    assert len({r[0] for r in rows}) == len(rows) and not {r[0] for r in train} & {r[0] for r in test}
    return train, test


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def topic_csv(tmp_path_factory):
    rng = random.Random(3)
    rows = [(text, label) for label, tpl in _TOPICS.items() for text in _distinct(rng, tpl, 70)]
    train, test = _split(rows, 60 / 210, rng)
    d = tmp_path_factory.mktemp("topic")
    return _write(d / "train.csv", ["text", "intent"], train), _write(d / "test.csv", ["text", "intent"], test)


@pytest.fixture(scope="module")
def sentiment_csv(tmp_path_factory):
    rng = random.Random(5)
    rows = [(text, lab) for tpl, lab in ((_POS, 1), (_NEG, 0)) for text in _distinct(rng, tpl, 120)]
    train, test = _split(rows, 0.4, rng)
    d = tmp_path_factory.mktemp("sent")
    return _write(d / "train.csv", ["review", "label"], train), _write(d / "test.csv", ["review", "label"], test)


def test_analyze_csv_to_json_lines(tmp_path):
    src = _write(tmp_path / "calls.csv", ["call_id", "text"],
                 [("c1", "我叫王芳，转账没到账，气死了"), ("c2", "谢谢你们的耐心服务"), ("c3", "")])
    res = runner.invoke(app, ["analyze", str(src), "--id-col", "call_id"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["c1", "c2", "c3"]
    assert list(lines[0]) == ["id", "text_masked", "lang", "sentiment", "emotions", "topics", "flags", "keywords", "pii"]
    assert lines[0]["text_masked"].startswith("我叫〔姓名〕")
    assert lines[0]["sentiment"]["label"] == "negative" and lines[1]["sentiment"]["label"] == "positive"


def test_analyze_jsonl_with_row_numbers_and_out_file(tmp_path):
    src = tmp_path / "msgs.jsonl"
    src.write_text('{"text": "my card was blocked"}\n\n{"text": "卡被冻结了"}\n', "utf-8")
    out = tmp_path / "out" / "r.jsonl"
    res = runner.invoke(app, ["analyze", str(src), "--out", str(out), "--lang", "auto"])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [(r["id"], r["lang"]) for r in rows] == [("1", "en"), ("2", "zh")]


@pytest.mark.parametrize(
    "args, reason",
    [
        (["analyze", "{d}/missing.csv"], "no such file"),
        (["analyze", "{d}/notes.txt"], "unknown format"),
        (["analyze", "{d}/ok.csv", "--text-col", "body"], "no column body"),
        (["analyze", "{d}/ok.csv", "--model", "{d}"], "manifest"),
        (["analyze", "{d}/ok.csv", "--lang", "fr"], "--lang"),
        (["analyze", "{d}/bad.jsonl"], "not JSON"),
        (["train", "--task", "mood", "--data", "{d}/ok.csv", "--out", "{d}/m"], "--task"),
        (["eval", "--task", "sentiment", "--data", "{d}/ok.csv", "--label-col", "text"], "unknown sentiment label"),
    ],
)
def test_unusable_input_exits_2_with_one_line(tmp_path, args, reason):
    _write(tmp_path / "ok.csv", ["text"], [("你好",)])
    (tmp_path / "notes.txt").write_text("hi", "utf-8")
    (tmp_path / "bad.jsonl").write_text("{oops\n", "utf-8")
    res = runner.invoke(app, [a.format(d=tmp_path) for a in args])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and reason in err[0], res.stderr


def test_topic_round_trip_train_eval_analyze(tmp_path, topic_csv):
    train, test = topic_csv
    model = tmp_path / "topic_model"
    res = runner.invoke(app, ["train", "--task", "topic", "--data", str(train), "--text-col", "text",
                              "--label-col", "intent", "--out", str(model), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["labels"] == ["card", "login", "transfer"] and report["n"] == 150
    assert (model / "manifest.json").exists()

    res = runner.invoke(app, ["eval", "--task", "topic", "--data", str(test), "--text-col", "text",
                              "--label-col", "intent", "--model", str(model), "--json"])
    assert res.exit_code == 0, res.output
    ev = json.loads(res.stdout)
    assert {"task", "n", "accuracy", "macro_f1", "per_label"} <= set(ev)  # CONTRACT.md
    assert ev["task"] == "topic" and ev["n"] == 60
    assert ev["accuracy"] >= 0.9
    assert set(ev["per_label"]["login"]) == {"precision", "recall", "f1", "support"}
    assert "argmax" in ev["scored_as"]
    assert_as_analyzed_is_what_analyze_outputs(test, "intent", ev, ["--model", str(model)],
                                               lambda row: row["topics"][0]["code"] if row["topics"] else "none")

    src = _write(tmp_path / "new.csv", ["text"], [("手机银行又登录不上了",), ("转账到现在还没到账",)])
    res = runner.invoke(app, ["analyze", str(src), "--model", str(model)])
    assert res.exit_code == 0, res.output
    first = [json.loads(x)["topics"][0] for x in res.stdout.splitlines()]
    assert [t["code"] for t in first] == ["login", "transfer"]
    assert first[0]["triggers"] and 0 < first[0]["score"] <= 1

    from xinsheng.voc.pipeline import build_analyzer

    assert build_analyzer(model, builtin=False).version.startswith("topic_model:topic:")
    assert build_analyzer(None, builtin=False).version == "builtin"


def test_analyze_sentences_gives_each_sentence_its_emotions(tmp_path):
    src = _write(tmp_path / "in.csv", ["id", "text"], [("a", "谢谢你们。但是钱还没到账，我很着急！"), ("b", "")])
    res = runner.invoke(app, ["analyze", str(src), "--id-col", "id", "--sentences"])
    assert res.exit_code == 0, res.output
    a, b = (json.loads(x) for x in res.stdout.splitlines())
    assert [s["text"] for s in a["sentences"]] == ["谢谢你们。", "但是钱还没到账,我很着急!"]
    assert a["sentences"][0]["emotions"]["gratitude"] > 0 and a["sentences"][0]["emotions"]["anxiety"] == 0
    assert a["sentences"][1]["emotions"]["anxiety"] > 0.5
    assert b["id"] == "b" and b["sentences"] == []


def test_sentiment_round_trip_with_binary_labels(tmp_path, sentiment_csv):
    train, test = sentiment_csv
    model = tmp_path / "sent_model"
    res = runner.invoke(app, ["train", "--task", "sentiment", "--data", str(train), "--text-col", "review",
                              "--label-col", "label", "--out", str(model)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["eval", "--task", "sentiment", "--data", str(test), "--text-col", "review",
                              "--label-col", "label", "--model", str(model), "--json"])
    ev = json.loads(res.stdout)
    assert set(ev["per_label"]) == {"negative", "positive"} and ev["n"] == 96
    assert ev["accuracy"] >= 0.95 and ev["scored_as"].startswith("sign of the sentiment score")
    # the built-in model scores the test file without --model
    res = runner.invoke(app, ["eval", "--task", "sentiment", "--data", str(test), "--text-col", "review",
                              "--label-col", "label", "--json"])
    builtin = json.loads(res.stdout)
    assert res.exit_code == 0 and builtin["accuracy"] >= 0.8
    for report, args in ((ev, ["--model", str(model)]), (builtin, [])):
        assert_as_analyzed_is_what_analyze_outputs(test, "label", report, ["--text-col", "review", *args],
                                                   lambda row: row["sentiment"]["label"],
                                                   gold=lambda y: {"1": "positive", "0": "negative"}[y])


def assert_as_analyzed_is_what_analyze_outputs(data, label_col, report, analyze_args, label_of, gold=str):
    """``as_analyzed`` scores what ``voc analyze`` prints for the same file: the accuracy and
    the unlabelled count are recounted here from analyze's own output."""
    res = runner.invoke(app, ["analyze", str(data), *analyze_args])
    assert res.exit_code == 0, res.output
    predicted = [label_of(json.loads(line)) for line in res.stdout.splitlines()]
    with data.open(encoding="utf-8") as fh:
        wanted = [gold(r[label_col]) for r in csv.DictReader(fh)]
    seen = report["as_analyzed"]
    assert seen["accuracy"] == round(sum(p == w for p, w in zip(predicted, wanted)) / len(wanted), 4)
    assert seen["unlabelled"] == sum(p in ("neutral", "none") for p in predicted)
    assert {"macro_f1", "per_label", "rule"} <= set(seen)


_BANK_TAXONOMY = """
topics:
  - code: pension
    label: 养老金
    label_en: Pensions
    children:
      - code: late
        label: 养老金未到账
        keywords: [养老金没到, 退休金没到]
        patterns: ["(养老|退休)金.{0,6}(没|未)"]
"""


def test_a_banks_own_taxonomy_is_used_and_a_broken_one_is_named(tmp_path, monkeypatch):
    from xinsheng.config import get_settings

    own = tmp_path / "taxonomy.yaml"
    own.write_text(_BANK_TAXONOMY, encoding="utf-8")
    src = _write(tmp_path / "in.csv", ["text"], [("我妈的养老金这个月还没发下来",), ("手机银行登录不上",)])
    monkeypatch.setenv("XINSHENG_VOC_TAXONOMY", str(own))
    get_settings.cache_clear()
    try:
        res = runner.invoke(app, ["analyze", str(src)])
        assert res.exit_code == 0, res.output
        first, second = (json.loads(x) for x in res.stdout.splitlines())
        assert [t["code"] for t in first["topics"]] == ["pension.late"]
        assert first["topics"][0]["label"] == "养老金 › 养老金未到账"
        assert second["topics"] == [], "the shipped taxonomy is not used beside the bank's"

        broken = tmp_path / "broken.yaml"  # (a process reads its taxonomy once: a new file each time)
        broken.write_text(_BANK_TAXONOMY.replace("label: 养老金未到账", "label: [养老金"), encoding="utf-8")
        monkeypatch.setenv("XINSHENG_VOC_TAXONOMY", str(broken))
        get_settings.cache_clear()
        res = runner.invoke(app, ["analyze", str(src)])
        assert res.exit_code == 2
        assert f"taxonomy {broken}: not valid YAML at line 9" in res.output  # where the unclosed [ fails

        bad_regex = tmp_path / "bad_regex.yaml"
        bad_regex.write_text(_BANK_TAXONOMY.replace('"(养老|退休)金', '"(养老|退休金'), encoding="utf-8")
        monkeypatch.setenv("XINSHENG_VOC_TAXONOMY", str(bad_regex))
        get_settings.cache_clear()
        res = runner.invoke(app, ["analyze", str(src)])
        assert res.exit_code == 2 and "pension.late" not in res.output
        assert "(late): pattern '(养老|退休金.{0,6}(没|未)' is not a valid regular expression" in res.output
    finally:
        get_settings.cache_clear()
