"""``xinsheng kb``: the eval commands' JSON (CONTRACT.md), exit 2 on unusable files,
and import / export round trips (CLI and API)."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

from sqlalchemy import text

from tests.knowledge.conftest import FAQ, ask, publish

# Pairs written for these tests; none of their questions is in the shipped scorer's seed file
# (checked below), so the scorer is not graded on questions it was fitted to.
PAIRS = [("钱转不出去", "转账一直不成功是什么原因", 1), ("转账成功了吗", "转账不成功怎么办", 0),
         ("卡被ATM吞了", "吞卡了怎么办", 1), ("信用卡额度怎么提高", "信用卡账单怎么还", 0),
         ("網銀怎麼開通", "怎么开通网上银行", 1), ("每年购汇额度", "今天欧元汇率多少", 0)]
# Other pairs of the same kinds, to choose a threshold on (never the pairs that are scored).
TUNE = [("转账老是提示失败", "转账失败了怎么处理", 1), ("钱已经到账了吗", "钱没到账怎么办", 0),
        ("取款机把卡吞掉了", "ATM吞卡去哪里取", 1), ("信用卡额度可以调高吗", "信用卡账单能分期吗", 0),
        ("网上银行在哪开通", "网银怎么开", 1), ("一年能换多少外币", "日元汇率是多少", 0)]


QUERIES = [("转账老是失败，钱转不出去", "KB-TRANSFER-FAIL"), ("取款机吞了我的卡", "KB-CARD-SWALLOWED"),
           ("一年能换多少外汇", "KB-FX-QUOTA"), ("转账成功了但对方没收到", "KB-TRANSFER-NOT-ARRIVED")]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", "kb", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_no_test_question_is_a_seed_question():
    from xinsheng.knowledge.matching.seed import seed_groups

    seeds = {q for _, qs in seed_groups() for q in qs}
    asked = {q for a, b, _ in PAIRS + TUNE for q in (a, b)} | {q for q, _ in QUERIES}
    assert not asked & seeds


def test_eval_pairs_json_and_threshold_from_tune(tmp_path):
    data = write_csv(tmp_path / "pairs.csv", ["q1", "q2", "y"], PAIRS)
    tune = write_csv(tmp_path / "tune.csv", ["q1", "q2", "y"], TUNE)
    args = ["eval-pairs", "--data", str(data), "--q1-col", "q1", "--q2-col", "q2", "--label-col", "y", "--json"]
    plain = run(*args)
    assert plain.returncode == 0, plain.stderr
    report = json.loads(plain.stdout)
    assert set(report) == {"n", "accuracy", "f1", "threshold", "auc"}
    assert report["n"] == 6 and report["threshold"] == 0.5 and report["auc"] > 0.8
    tuned = json.loads(run(*args, "--tune", str(tune)).stdout)
    assert tuned["n"] == 6 and tuned["threshold"] != 0.5
    # the threshold comes from the tune file: another tune file, another threshold
    other = json.loads(run(*args, "--tune", str(data)).stdout)
    assert other["threshold"] != tuned["threshold"]


def test_eval_retrieval_json(tmp_path):
    kb = tmp_path / "kb.ndjson"
    kb.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in FAQ), encoding="utf-8")
    queries = write_csv(tmp_path / "q.csv", ["query", "ref"], QUERIES)
    res = run("eval-retrieval", "--kb", str(kb), "--queries", str(queries), "--json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert set(report) == {"n", "top1", "top5", "mrr"} and report["n"] == 4
    assert report["top1"] >= 0.75 and report["top5"] == 1.0 and report["mrr"] >= report["top1"]


def test_unusable_files_exit_2_with_one_line(tmp_path):
    missing = run("eval-pairs", "--data", str(tmp_path / "nope.csv"), "--json")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    other = tmp_path / "pairs.xlsx"
    other.write_bytes(b"PK")
    unknown = run("eval-pairs", "--data", str(other), "--json")
    assert unknown.returncode == 2 and "unknown format" in unknown.stderr
    nocol = write_csv(tmp_path / "p.csv", ["a", "b"], [("x", "y")])
    bad = run("eval-pairs", "--data", str(nocol), "--json")
    assert bad.returncode == 2 and "no column 'sentence1'" in bad.stderr
    assert run("eval-retrieval", "--kb", str(other), "--queries", str(nocol)).returncode == 2


def test_cli_export_then_import_into_an_empty_database_round_trips(km, bot, engine, settings_env, tmp_path):
    for a in FAQ[:3]:
        publish(km, **a)
    km.post("/api/v1/kb/articles", json={"ref": "KB-DRAFT", "title": "草稿", "question": "还没审核的问题"})
    out = tmp_path / "kb.csv"
    exported = subprocess.run([sys.executable, "-m", "xinsheng", "kb", "export", "--out", str(out)],
                              env=settings_env, capture_output=True, text=True, timeout=300)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["ref"]: r["status"] for r in rows} == {
        "KB-TRANSFER-FAIL": "approved", "KB-TRANSFER-NOT-ARRIVED": "approved",
        "KB-CARD-SWALLOWED": "approved", "KB-DRAFT": "draft"}
    with engine.begin() as conn:  # a fresh knowledge base (the users and tokens stay)
        for table in ("kb_feedback", "kb_article_versions", "kb_articles", "kb_state"):
            conn.execute(text(f"DELETE FROM {table}"))
    assert ask(bot, "钱转不出去")["decision"] == "handoff"
    res = run("import", str(out), "--json", env=settings_env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 0, "errors": []}
    reply = ask(bot, "钱转不出去")
    assert reply["decision"] == "answer" and reply["answer"]["ref"] == "KB-TRANSFER-FAIL"
    assert "**余额**" in reply["answer"]["body"]
    again = json.loads(run("import", str(out), "--json", env=settings_env).stdout)
    assert again["unchanged"] == 4


def test_api_export_import_json_and_per_record_errors(km):
    publish(km, **FAQ[3])
    doc = km.get("/api/v1/kb/export", params={"format": "json"})
    assert doc.headers["content-type"].startswith("application/json")
    items = doc.json()
    assert items[0]["paraphrases"] == ["信用卡额度怎么提高"] and items[0]["live_version"] == 1
    items[0]["body"] = "新答案"
    res = km.post("/api/v1/kb/import", json=items + [{"ref": "X", "title": "t", "question": "q", "channels": ["fax"]}])
    report = res.json()
    assert (report["updated"], report["rejected"]) == (1, 1)
    assert report["errors"][0]["line"] == 2 and "fax" in report["errors"][0]["error"]
    found = km.get("/api/v1/kb/search", params={"q": "信用卡额度怎么提高"}).json()["items"][0]
    assert (found["body"], found["version"]) == ("新答案", 2)


def test_train_pairs_writes_a_json_model_that_eval_pairs_uses(tmp_path):
    train = write_csv(tmp_path / "train.csv", ["q1", "q2", "y"], TUNE + PAIRS[:2])
    held_out = write_csv(tmp_path / "held_out.csv", ["q1", "q2", "y"], PAIRS[2:])
    cols = ["--q1-col", "q1", "--q2-col", "q2", "--label-col", "y"]
    res = run("train-pairs", "--data", str(train), "--out", str(tmp_path / "m"), *cols, "--json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["n"] == 8 and report["out"].endswith("pair_model.json")
    model = json.loads((tmp_path / "m" / "pair_model.json").read_text(encoding="utf-8"))
    assert model["degree"] == 2 and model["lexical"]
    scored = json.loads(run("eval-pairs", "--data", str(held_out), "--model", str(tmp_path / "m"), *cols,
                            "--json").stdout)
    assert scored["n"] == 4 and scored["threshold"] == round(report["threshold"], 4)  # the model's own


def test_shipped_sample_articles_import_and_answer_demo_questions(engine, bot):
    from importlib import resources
    from pathlib import Path

    from xinsheng.db import session_scope
    from xinsheng.knowledge.actions import bulk_import_articles
    from xinsheng.knowledge.files import read_records

    path = Path(str(resources.files("xinsheng.knowledge").joinpath("data/sample_articles.json")))
    with session_scope(engine) as session:
        report = bulk_import_articles(session, read_records(path), "tests")
    assert (report["created"], report["rejected"]) == (25, 0)
    assert ask(bot, "我的卡被取款机吞了")["answer"]["ref"] == "KB-S-CARD-SWALLOWED"
    assert ask(bot, "手机银行一直登不上去")["answer"]["ref"] == "KB-S-LOGIN"


def test_train_pairs_learns_from_agents_feedback(faq, agent, settings_env, tmp_path):
    votes = [("KB-CARD-SWALLOWED", "机器把卡吃了", "used"), ("KB-TRANSFER-FAIL", "钱转不出去", "used"),
             ("KB-CC-LIMIT", "信用卡怎么还款", "not_relevant"), ("KB-FX-QUOTA", "美元汇率多少", "not_relevant")]
    for ref, query, verdict in votes:
        assert agent.post("/api/v1/kb/feedback", json={"article_id": faq[ref]["id"], "query": query,
                                                        "verdict": verdict}).status_code == 201
    res = run("train-pairs", "--from-feedback", "--out", str(tmp_path / "m"), "--json", env=settings_env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["n"] == 4 and (tmp_path / "m" / "pair_model.json").is_file()
    assert run("train-pairs", "--json", env=settings_env).returncode == 2
