"""Throughput of the VOC pipeline on Chinese texts, against a jieba + snownlp script.

    python benchmarks/bench_voc.py [--n 2000] [--runs 5] [--data-dir ../shared/data] [--json]

Prints texts/s and characters/s per core (one process = one core) for 50-, 200- and
2,000-character texts, the peak resident memory, and the same figures for a
straightforward jieba + snownlp script (skipped with a note when either is missing).
Each figure is the median of ``--runs`` runs. The built-in model is built first if needed.

The synthetic texts are dense on purpose: every phrase carries an opinion, an emotion or
a banking topic (≈30 lexicon hits per 200 characters), which is the pipeline's worst
case. When the real development data is present (``--data-dir``), two more rows use
real human-written text: JDDC customer-service chats (each session's customer turns as
one text) and online-shopping reviews.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

PHRASES = [
    "您好，我想咨询一下", "我的手机银行登录不上", "一直提示密码错误", "转账三天了还没到账", "客服电话一直打不通",
    "信用卡被乱扣了年费", "理财产品亏了不少", "大额存单的利率是多少", "网点排队排了两个小时", "柜员态度非常好",
    "问题很快就解决了，谢谢", "再不处理我就打12378投诉", "卡被冻结了不能用", "跨境汇款手续费太高了",
    "我妈妈七十多岁了不会用手机", "新版本更新后一直闪退", "账单分期的手续费怎么算", "挂失以后怎么补卡",
    "服务太差了，非常失望", "虽然等了很久，但是处理得很专业", "额度什么时候能提", "验证码一直收不到",
    "请尽快帮我处理，很着急", "这个月的工资还没到账", "为什么又扣了我的钱", "客户经理很耐心地解释了风险",
]


def synth(n: int, length: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts: list[str] = []
        size = 0
        while size < length:
            p = rng.choice(PHRASES) + rng.choice("，。！？")
            parts.append(p)
            size += len(p)
        out.append("".join(parts)[:length])
    return out


def real_sets(data_dir: Path) -> list[tuple[str, list[str]]]:
    """Real texts from the development data, when present (never shipped, never in tests)."""
    out = []
    chat = data_dir / "jddc2019_chat_sample" / "chat_0.1per.txt"
    if chat.is_file():
        sessions: dict[str, list[str]] = {}
        for line in chat.read_text("utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) >= 7 and cols[2] == "0":
                sessions.setdefault(cols[0], []).append(cols[6])
        out.append(("JDDC chats (customer turns per session)", ["，".join(t) for t in sessions.values()]))
    reviews = data_dir / "online_shopping_9_cats" / "online_shopping_9_cats.csv"
    if reviews.is_file():
        with reviews.open(encoding="utf-8-sig", newline="") as fh:
            texts = [r["review"].strip() for r in csv.DictReader(fh) if (r["review"] or "").strip()]
        random.Random(0).shuffle(texts)
        out.append(("online-shopping reviews", texts[:5000]))
    return out


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def timed(fn, texts: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def baseline_fn():
    try:
        import jieba
        from snownlp import SnowNLP
    except ImportError as exc:
        return None, f"baseline skipped: {exc.name} not installed"
    jieba.setLogLevel(60)
    jieba.initialize()

    def run(texts: list[str]) -> None:
        for t in texts:
            words = jieba.lcut(t)
            score = SnowNLP(t).sentiments
            _ = (words, score)

    return run, None


def measure(name: str, texts: list[str], analyzer, base, args) -> dict:
    n, chars = len(texts), sum(map(len, texts))
    sec = timed(analyzer.analyze_many, texts, args.runs)
    row = {"texts": name, "n": n, "mean_chars": round(chars / n), "texts_per_s": round(n / sec),
           "chars_per_s": round(chars / sec)}
    if base:
        bn = max(10, min(n, args.baseline_n * 200 // max(chars // n, 1)))
        bsec = timed(base, texts[:bn], max(1, args.runs // 2))
        bchars = sum(map(len, texts[:bn]))
        row["baseline_chars_per_s"] = round(bchars / bsec)
        row["speedup"] = round((chars / sec) / (bchars / bsec), 1)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="texts per length (xinsheng)")
    ap.add_argument("--baseline-n", type=int, default=100, help="texts per length (jieba + snownlp)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from xinsheng.voc.pipeline import get_analyzer

    analyzer = get_analyzer()
    analyzer.analyze_many(synth(200, 200, 0))  # warm-up: models, dictionaries, regexes
    base, note = baseline_fn()
    sets = [(f"synthetic, dense, {n} chars", synth(max(50, args.n // (10 if n >= 2000 else 1)), n, n))
            for n in (50, 200, 2000)]
    rows = [measure(name, texts, analyzer, base, args) for name, texts in sets + real_sets(args.data_dir)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"machine": machine(), "rows": rows, "peak_rss_mb": round(peak_mb, 1), "note": note}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    m = report["machine"]
    print(f"CPU: {m['cpu']} ({m['cores']} cores), Python {m['python']}, one process (= one core), "
          f"load average {m['load_average']}; median of {args.runs} runs")
    print(f"{'texts':<42} {'n':>6} {'chars':>6} {'texts/s':>9} {'chars/s':>11} {'jieba+snownlp chars/s':>22} {'ratio':>6}")
    for r in rows:
        print(f"{r['texts']:<42} {r['n']:>6} {r['mean_chars']:>6} {r['texts_per_s']:>9,} {r['chars_per_s']:>11,} "
              f"{r.get('baseline_chars_per_s', '-'):>22} {r.get('speedup', '-'):>6}")
    print(f"peak RSS: {report['peak_rss_mb']} MiB" + (f"  ({note})" if note else ""))


if __name__ == "__main__":
    sys.exit(main())
