"""Answer index speed: build time, peak memory, query latency, and the cost of one edit.

Knowledge bases of 10,000 and 100,000 questions (three questions per article: the
standard question and two paraphrases) are synthesised from banking vocabulary. Each
size is built in a fresh subprocess (so peak RSS is that of the index alone), several
times; the table shows medians. Queries are variants of stored questions (typos,
chatter, traditional characters) and unrelated questions; latency is of
``KnowledgeIndex.search`` (retrieval, re-ranking, explanation), the database's
per-query change check (one primary-key read) not included. "edit → answerable" is an
article upsert followed by the first query that sees it (the matrices are rebuilt from
cached analyses).

    python benchmarks/bench_kb.py [--sizes 10000 100000] [--runs 3] [--queries 400] [--json]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._machine import machine, markdown_table  # noqa: E402

PRODUCTS = ["信用卡", "借记卡", "手机银行", "网上银行", "理财产品", "大额存单", "定期存款", "房贷", "车贷",
            "消费贷", "基金", "外汇", "社保卡", "U盾", "微信银行", "数字人民币", "养老金账户", "二类户",
            "工资卡", "贵金属", "保险", "信用卡分期", "跨境汇款", "电子回单", "对公账户", "ETC", "积分",
            "短信通知", "快捷支付", "自动取款机"]
ACTIONS = ["开通", "注销", "挂失", "激活", "提额", "还款", "转账", "赎回", "申购", "解绑", "绑定", "冻结",
           "解冻", "修改密码", "重置密码", "查询余额", "查询明细", "打印流水", "预约", "取消", "续期",
           "提前支取", "变更手机号", "申请", "退款", "投诉", "设置限额", "升级", "补办", "换卡",
           "登录", "下载", "兑换", "到账", "扣费", "分期", "销户", "签约", "解约", "授权"]
ASKS = ["怎么{p}{a}", "{p}如何{a}", "{p}{a}需要什么材料", "{p}{a}要多久", "{p}{a}收费吗",
        "{p}{a}失败怎么办", "为什么{p}不能{a}", "{p}{a}有什么限制", "在哪里{a}{p}", "{p}{a}的流程是什么"]
PLACES = ["", "在网点", "在手机上", "周末", "在国外", "给家人", "用身份证", "通过客服电话", "晚上"]
CHATTER = ["你好，", "请问", "麻烦问下，", "", "", "我想问一下"]
UNRELATED = ["今天天气怎么样", "附近有什么好吃的", "明天会下雨吗", "你是机器人吗", "讲个笑话"]


def synth_articles(n_questions: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    arts, seen = [], set()
    while len(arts) * 3 < n_questions:
        p, a = rng.choice(PRODUCTS), rng.choice(ACTIONS)
        place = rng.choice(PLACES)
        qs = [place + t.format(p=p, a=a) for t in rng.sample(ASKS, 3)]
        if qs[0] in seen:
            qs[0] = qs[0] + f"（{len(arts)}）"
        seen.add(qs[0])
        arts.append({"question": qs[0], "paraphrases": qs[1:], "title": qs[0], "body": "…"})
    return arts


def variant(q: str, rng: random.Random) -> str:
    """What a customer types instead: chatter, a typo, traditional characters."""
    roll = rng.random()
    if roll < 0.3:
        q = q.replace("账", "帐").replace("卡", "咔", 1)
    elif roll < 0.5:
        import opencc

        q = opencc.OpenCC("s2t").convert(q)
    return rng.choice(CHATTER) + q + rng.choice(["", "？", "，急"])


def worker(n_questions: int, n_queries: int, seed: int) -> dict:
    """One run in this process: build, query, edit; returns the measurements."""
    from datetime import datetime, timezone

    from xinsheng.knowledge.matching.index import ArticleDoc, KnowledgeIndex
    from xinsheng.knowledge.matching.seed import default_model

    default_model()  # trained once per process (~0.1 s); not part of the build
    arts = synth_articles(n_questions)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    index = KnowledgeIndex()
    for i, a in enumerate(arts, start=1):
        index.upsert(ArticleDoc(id=i, ref=f"KB{i}", **a))
    index.search("信用卡怎么提额")  # the first query builds the matrices
    build = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    queries = [variant(rng.choice(arts)["question"], rng) if rng.random() < 0.9 else rng.choice(UNRELATED)
               for _ in range(n_queries)]
    lat = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, k=5, now=now)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    t = time.perf_counter()
    index.upsert(ArticleDoc(id=len(arts) + 1, ref="NEW", title="新到的问题", question="数字人民币钱包怎么升级"))
    found = index.search("数字人民币钱包怎么升级", now=now)[0].article.ref
    edit = time.perf_counter() - t
    assert found == "NEW"
    return {"questions": index.n_questions, "articles": len(arts), "build_s": build,
            "peak_rss_mib": rss1 / 1024, "index_rss_mib": (rss1 - rss0) / 1024,
            "p50_ms": lat[len(lat) // 2], "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "edit_s": edit}


def run_size(n: int, runs: int, queries: int) -> dict:
    results = []
    for r in range(runs):
        out = subprocess.run([sys.executable, __file__, "--worker", str(n), "--queries", str(queries),
                              "--seed", str(r)], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout))
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    med["runs"] = runs
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.queries, args.seed)))
        return
    rows = {n: run_size(n, args.runs, args.queries) for n in args.sizes}
    if args.json:
        print(json.dumps({"machine": machine(), "results": rows}, ensure_ascii=False))
        return
    print(f"machine: {json.dumps(machine(), ensure_ascii=False)}\n")
    print(markdown_table(
        ["questions", "articles", "build s", "peak RSS MiB", "index MiB", "query p50 ms", "query p99 ms",
         "edit → answerable s", "runs"],
        [[int(r["questions"]), int(r["articles"]), f"{r['build_s']:.2f}", f"{r['peak_rss_mib']:.0f}",
          f"{r['index_rss_mib']:.0f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r['edit_s']:.3f}",
          r["runs"]] for r in rows.values()]))


if __name__ == "__main__":
    main()
