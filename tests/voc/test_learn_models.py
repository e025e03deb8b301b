"""Models trained with a base (`voc train --base`, `kb train-pairs --base`) carry it: saved,
loaded and scored by `voc eval --model` / `kb eval-pairs --model` after the base folder is gone;
a changed copy of the base is refused with exit 2."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys

import numpy as np
from typer.testing import CliRunner

from tests.voc.test_learn import SMALL, corpus
from xinsheng.voc.cli import app
from xinsheng.voc.learn import learn

runner = CliRunner()

_POS = ["办理{v}很顺利，满意", "{v}的客服很耐心", "{v}速度快，点赞", "{v}体验不错"]
_NEG = ["{v}一直失败，太差了", "{v}等了半天没人管", "{v}乱扣费，要投诉", "{v}问题没解决，失望"]
_THINGS = ["信用卡", "借记卡", "转账", "手机银行", "贷款", "理财", "开户", "挂失"]


def _labelled(path, seed: int):
    rng = random.Random(seed)
    rows = [(t.format(v=v), lab) for lab, ts in (("positive", _POS), ("negative", _NEG)) for t in ts for v in _THINGS]
    rng.shuffle(rows)
    path.write_text("text,label\n" + "\n".join(f"{t},{lab}" for t, lab in rows), "utf-8")
    return path


def test_voc_model_with_base_is_self_contained(tmp_path):
    from xinsheng.voc.base import BaseFeaturizer
    from xinsheng.voc.registry import load_model_dir

    learn(corpus() + [t.format(v=v) for t in _POS + _NEG for v in _THINGS], tmp_path / "b", SMALL)
    data = _labelled(tmp_path / "train.csv", 1)
    res = runner.invoke(app, ["train", "--task", "sentiment", "--data", str(data), "--out", str(tmp_path / "m"),
                              "--base", str(tmp_path / "b"), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text("utf-8"))
    assert report["base"] and manifest["base"]["sha256"] and manifest["base"]["corpus"]["texts"] > 0
    model = load_model_dir(str(tmp_path / "m"))["sentiment"]
    assert isinstance(model.featurizer, BaseFeaturizer)
    assert model.featurizer.n_features == model.featurizer.inner.n_features + 2 * SMALL.dim
    # the base block carries weight: zeroing it changes the decisions' values
    w = model.coef[:, model.featurizer.inner.n_features:]
    assert np.abs(w).max() > 1e-3
    shutil.rmtree(tmp_path / "b")  # the model must not need the base folder any more
    load_model_dir.cache_clear()
    test = _labelled(tmp_path / "test.csv", 2)
    scored = runner.invoke(app, ["eval", "--task", "sentiment", "--data", str(test), "--model", str(tmp_path / "m"),
                                 "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["accuracy"] >= 0.9


def _pairs_csv(path, rows):
    path.write_text("q1,q2,y\n" + "\n".join(f"{a},{b},{y}" for a, b, y in rows), "utf-8")
    return path


def _pairs(seed: int):
    rng = random.Random(seed)
    same = [("我想办理信用卡", "怎么申请信用卡"), ("去柜台办理新卡", "去柜台申请新卡"), ("办理借记卡", "申请一张借记卡")]
    other = [("我想办理信用卡", "明天会下雨吗"), ("办理卡需要多久", "晚上可能下雨"), ("申请白金卡", "外面下雨得很大")]
    rows = [(a, b, 1) for a, b in same] + [(a, b, 0) for a, b in other]
    rng.shuffle(rows)
    return rows


def test_pair_model_with_base_round_trip_and_corrupt_copy(tmp_path):
    from xinsheng.knowledge.evaluate import eval_pairs, read_pairs, train_pairs
    from xinsheng.knowledge.matching.base_features import BASE_FILE
    from xinsheng.knowledge.matching.model import PairModel
    from xinsheng.voc.base import load_base

    learn(corpus(), tmp_path / "b", SMALL)
    train = read_pairs(_pairs_csv(tmp_path / "train.csv", _pairs(1) * 3), "q1", "q2", "y")
    model = train_pairs(train, base=load_base(tmp_path / "b"), source="test")
    model.save(tmp_path / "m")
    shutil.rmtree(tmp_path / "b")
    back = PairModel.load(tmp_path / "m")
    assert back.base["sha256"] and len(back.base_coef) == 7 and back.vectors is not None
    held = read_pairs(_pairs_csv(tmp_path / "held.csv", _pairs(2)), "q1", "q2", "y")
    assert eval_pairs(held, model=back) == eval_pairs(held, model=model)
    copy = tmp_path / "m" / BASE_FILE
    copy.write_bytes(copy.read_bytes()[:-5] + b"xxxxx")
    res = subprocess.run([sys.executable, "-m", "xinsheng", "kb", "eval-pairs", "--data", str(tmp_path / "held.csv"),
                          "--q1-col", "q1", "--q2-col", "q2", "--label-col", "y", "--model", str(tmp_path / "m"),
                          "--json"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "checksum" in res.stderr
