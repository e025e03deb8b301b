"""`voc learn`: counts by hand, streamed chunks and --update equal one pass, a base's
vectors put words used alike together, and a clear exit 2 for a missing or corrupt base."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest
from typer.testing import CliRunner

from xinsheng.voc.cli import app
from xinsheng.voc.learn import COUNTS_FILE, VECTORS_FILE, Counts, LearnParams, count_chunk, ctx_of, learn, row_of

runner = CliRunner()

# Two verbs used in exactly the same places, and a third used only elsewhere: a base must put
# the first two closer together than either is to the third (distributional hypothesis).
_SAME = ["我想{v}信用卡", "怎么{v}一张借记卡", "网上可以{v}储蓄卡吗", "{v}银行卡要带身份证", "去柜台{v}新卡",
         "{v}卡需要多久", "能不能帮我{v}信用卡", "{v}白金卡有什么条件"]
_OTHER = ["明天会{v}吗", "今天一直在{v}", "出门的时候{v}了", "外面{v}得很大", "晚上可能{v}", "{v}天记得带伞"]


def corpus(n: int = 400, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.6:
            out.append(rng.choice(_SAME).format(v=rng.choice(["办理", "申请"])))
        else:
            out.append(rng.choice(_OTHER).format(v="下雨"))
    return out


SMALL = LearnParams(dim=16, row_bits=14, ctx_bits=12, min_count=2, chunk_chars=10**9)


def _arrays(folder, name):
    with np.load(folder / name) as a:
        return {k: a[k] for k in a.files}


def test_counts_by_hand():
    p = LearnParams(window=5, row_bits=16, ctx_bits=14)
    c = count_chunk([("abc", ["abc"])], p)
    key = {ch: np.array([ord(ch)]) for ch in "abc"}

    def at(a, b):
        return c.cooc[int(row_of(key[a], p.row_bits)[0]), int(ctx_of(key[b], p.ctx_bits)[0])]

    # characters one apart weigh window (5), two apart window - 1 (4), in both directions
    assert (at("a", "b"), at("b", "a"), at("b", "c"), at("a", "c"), at("c", "a")) == (5, 5, 5, 4, 4)
    assert at("a", "a") == 0
    # units: 1 word + 3 characters; the word also counts once with each of its characters (5)
    assert c.unit_count.sum() == 4 and c.doc_freq.sum() == 4
    assert c.cooc.sum() == 2 * (5 + 5 + 4) + 2 * 3 * 5


def test_streamed_chunks_and_update_equal_one_pass(tmp_path):
    texts = corpus()
    whole = learn(texts, tmp_path / "whole", SMALL)
    chunked = learn(texts, tmp_path / "chunked", LearnParams(**{**SMALL.__dict__, "chunk_chars": 300}))
    assert whole["runs"][-1]["chunks"] == 1 and chunked["runs"][-1]["chunks"] > 5
    learn(texts[:150], tmp_path / "inc", SMALL)
    updated = learn(texts[150:], tmp_path / "inc", update=True)
    assert updated["corpus"] == whole["corpus"] and [r["texts"] for r in updated["runs"]] == [150, 250]
    ref_counts, ref_vecs = _arrays(tmp_path / "whole", COUNTS_FILE), _arrays(tmp_path / "whole", VECTORS_FILE)
    for other in ("chunked", "inc"):
        counts = _arrays(tmp_path / other, COUNTS_FILE)
        assert all(np.array_equal(counts[k], ref_counts[k]) for k in ref_counts)
        vecs = _arrays(tmp_path / other, VECTORS_FILE)
        assert np.array_equal(vecs["rows"], ref_vecs["rows"])
        assert np.allclose(vecs["vecs"], ref_vecs["vecs"], atol=1e-5)
    loaded = Counts.load(tmp_path / "inc" / COUNTS_FILE, SMALL, updated["corpus"])
    assert loaded.cooc.sum() == pytest.approx(float(ref_counts["data"].sum()))


def test_words_used_alike_are_close(tmp_path):
    from xinsheng.voc.base import load_base

    learn(corpus(), tmp_path / "b", SMALL)
    base = load_base(tmp_path / "b")
    v = base.doc_vectors([("办理", ["办理"]), ("申请", ["申请"]), ("下雨", ["下雨"])])[:, :base.dim]
    cos = v @ v.T
    assert cos[0, 1] > cos[0, 2] + 0.3 and cos[0, 1] > cos[1, 2] + 0.3


def test_cli_learn_json_and_update(tmp_path):
    src = tmp_path / "texts.txt"
    src.write_text("\n".join(corpus(200)), "utf-8")
    out = tmp_path / "base"
    res = runner.invoke(app, ["learn", "--corpus", str(src), "--out", str(out), "--dim", "16", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["format"] == "xinsheng-voc-base" and doc["corpus"]["texts"] == 200 and doc["dims"]["unit"] == 16
    more = tmp_path / "more.csv"
    more.write_text("id,body\n" + "\n".join(f"{i},{t}" for i, t in enumerate(corpus(50, seed=9))), "utf-8")
    res = runner.invoke(app, ["learn", "--corpus", str(more), "--text-col", "body", "--out", str(out),
                              "--update", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["corpus"]["texts"] == 250
    nocol = runner.invoke(app, ["learn", "--corpus", str(more), "--out", str(tmp_path / "x")])
    assert nocol.exit_code == 2 and "no column text" in nocol.output


def test_train_with_missing_or_corrupt_base_exits_2(tmp_path):
    data = tmp_path / "l.csv"
    data.write_text("text,label\n好,positive\n差,negative\n", "utf-8")
    args = ["train", "--task", "sentiment", "--data", str(data), "--out", str(tmp_path / "m")]
    missing = runner.invoke(app, [*args, "--base", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "base folder not found" in missing.output
    learn(corpus(100), tmp_path / "b", SMALL)
    vec = tmp_path / "b" / VECTORS_FILE
    vec.write_bytes(vec.read_bytes()[:-7] + b"garbage")
    corrupt = runner.invoke(app, [*args, "--base", str(tmp_path / "b")])
    assert corrupt.exit_code == 2 and "corrupt" in corrupt.output
    update = runner.invoke(app, ["learn", "--corpus", str(data), "--out", str(tmp_path / "m2"), "--update"])
    assert update.exit_code == 2 and "manifest" in update.output


def test_learn_from_db_reads_stored_customer_texts_only(engine, db_url, monkeypatch, tmp_path):
    from datetime import datetime, timezone

    from xinsheng.config import get_settings
    from xinsheng.db import session_scope
    from xinsheng.interactions.models import Interaction

    monkeypatch.setenv("XINSHENG_DATABASE_URL", db_url)
    get_settings.cache_clear()

    texts = corpus(60)
    with session_scope(engine) as session:
        for i, t in enumerate(texts):
            session.add(Interaction(source="t", external_id=str(i), channel="app", text=t,
                                    started_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
                                    direction="outbound" if i % 4 == 0 else "inbound"))
    res = runner.invoke(app, ["learn", "--from-db", "--out", str(tmp_path / "b"), "--dim", "8", "--json"])
    assert res.exit_code == 0, res.output
    get_settings.cache_clear()
    assert json.loads(res.stdout)["corpus"]["texts"] == 45  # 15 of the 60 are the bank's outbound notices
