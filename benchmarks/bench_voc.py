"""Throughput of the VOC pipeline on Chinese texts, against a jieba + snownlp script.

    python benchmarks/bench_voc.py [--n 2000] [--runs 5] [--repeat 1] [--data-dir ../shared/data] [--json]
                                   [--ab OLD_CHECKOUT] [--check-n 3000]

Prints texts/s and characters per CPU-second (one process = one core; CPU time, so other
load on the machine counts less than in wall time, which is printed too) for 50-, 200- and
2,000-character texts, the peak resident memory, and the same figures for a
straightforward jieba + snownlp script (skipped with a note when either is missing).
Each figure is the median of ``--runs`` runs; ``--repeat K`` times each set K times per run
(the median of those: steadier on a loaded machine, and after the first pass the process has
seen the set's words, as a long-running service has). The built-in model is built first if needed.
The pipeline runs in a child process per run (``--worker``), so that with ``--ab`` the
code of an older checkout (e.g. ``git worktree add /tmp/voc-old COMMIT``) runs on the
same texts, alternating with this one run by run; ``--ab`` also compares both codes'
outputs on ``--check-n`` mixed texts (PII, emoticons, English, long texts), and once more
with the older code's lexicon matcher made exactly leftmost-longest (see README).

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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_voc_ab import check_texts, compare, fix_matcher

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


def timed(fn, texts: list[str], runs: int) -> tuple[float, float]:
    """Median (CPU seconds, wall seconds) of ``runs`` calls."""
    cpu, wall = [], []
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        fn(texts)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return statistics.median(cpu), statistics.median(wall)


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


def worker(args) -> None:
    """One run of every set with the xinsheng on ``sys.path`` (CPU and wall seconds), or the
    outputs on the check texts (``--dump``): JSON on stdout / in the file."""
    if args.fix_matcher:
        fix_matcher()
    from xinsheng.voc.pipeline import get_analyzer

    data = json.loads(Path(args.worker).read_text("utf-8"))
    analyzer = get_analyzer()
    # warm-up: models, dictionaries, regexes, and the English lexicons (built on first use)
    analyzer.analyze_many(synth(200, 200, 0) + ["The app keeps crashing, I am very angry about the fees"])
    if args.dump:
        Path(args.dump).write_text(json.dumps(analyzer.analyze_many(data["check"]), ensure_ascii=False), "utf-8")
        return
    out = {name: timed(analyzer.analyze_many, texts, args.repeat) for name, texts in data["sets"]}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_worker(src: Path | None, data: Path, *extra: str) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src / "src")
    cmd = [sys.executable, __file__, "--worker", str(data), *extra]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1]) if done.stdout.strip() else {}


def measure_runs(data: Path, new: Path | None, old: Path | None, runs: int, repeat: int = 1) -> dict[str, list[dict]]:
    """Per code ("new", "old"), per run, {set name: (cpu, wall)}; old and new alternate."""
    res: dict[str, list[dict]] = {"new": [], "old": []}
    for _ in range(runs):
        res["new"].append(run_worker(new, data, "--repeat", str(repeat)))
        if old is not None:
            res["old"].append(run_worker(old, data, "--repeat", str(repeat)))
    return res


def baseline_rates(sets, args) -> tuple[dict[str, int], str | None]:
    """jieba + snownlp characters per CPU-second on the first texts of each set."""
    base, note = baseline_fn()
    out = {}
    for name, texts in sets if base else []:
        n, chars = len(texts), sum(map(len, texts))
        bn = max(10, min(n, args.baseline_n * 200 // max(chars // n, 1)))
        out[name] = round(sum(map(len, texts[:bn])) / timed(base, texts[:bn], max(1, args.runs // 2))[0])
    return out, note


def rows_for(sets, runs: list[dict], base: dict[str, int]) -> list[dict]:
    rows = []
    for name, texts in sets:
        n, chars = len(texts), sum(map(len, texts))
        cpu = statistics.median(r[name][0] for r in runs)
        wall = statistics.median(r[name][1] for r in runs)
        row = {"texts": name, "n": n, "mean_chars": round(chars / n), "texts_per_cpu_s": round(n / cpu),
               "chars_per_cpu_s": round(chars / cpu), "chars_per_wall_s": round(chars / wall)}
        if name in base:
            row["baseline_chars_per_cpu_s"] = base[name]
            row["speedup"] = round(row["chars_per_cpu_s"] / base[name], 1)
        rows.append(row)
    return rows


def outputs_check(data: Path, new: Path | None, old: Path, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        paths = {k: Path(tmp) / f"{k}.json" for k in ("new", "old", "old_fixed")}
        run_worker(new, data, "--dump", str(paths["new"]))
        run_worker(old, data, "--dump", str(paths["old"]))
        run_worker(old, data, "--dump", str(paths["old_fixed"]), "--fix-matcher")
        new, got = json.loads(paths["new"].read_text("utf-8")), {}
        for k in ("old", "old_fixed"):
            got[k] = compare(json.loads(paths[k].read_text("utf-8")), new)
    return {"texts": n, "differ_from_old": got["old"], "differ_from_old_with_exact_matcher": got["old_fixed"]}


def print_report(report: dict, runs: int) -> None:
    m = report["machine"]
    print(f"CPU: {m['cpu']} ({m['cores']} cores), Python {m['python']}, one process (= one core), "
          f"load average {m['load_average']} at start, {report['load_end']} at end; median of {runs} runs"
          + (f" of {report['repeat']} passes each" if report.get("repeat", 1) > 1 else ""))
    for code, rows in report["rows"].items():
        print(f"\n[{code}] {report['src'][code]}")
        print(f"{'texts':<42} {'n':>5} {'chars':>5} {'texts/cpu-s':>11} {'chars/cpu-s':>11} {'chars/wall-s':>12} "
              f"{'jieba+snownlp chars/cpu-s':>25} {'ratio':>6}")
        for r in rows:
            print(f"{r['texts']:<42} {r['n']:>5} {r['mean_chars']:>5} {r['texts_per_cpu_s']:>11,} "
                  f"{r['chars_per_cpu_s']:>11,} {r['chars_per_wall_s']:>12,} "
                  f"{r.get('baseline_chars_per_cpu_s', '-'):>25} {r.get('speedup', '-'):>6}")
        med = statistics.median(r["chars_per_cpu_s"] for r in rows)
        print(f"median over the sets: {med:,.0f} chars/cpu-s; peak RSS {report['peak_rss_mb'][code]:.0f} MiB")
    if report.get("check"):
        c = report["check"]
        print(f"\noutputs on {c['texts']} mixed texts: differ from the old code's in {c['differ_from_old']}; "
              f"from the old code with an exact leftmost-longest matcher in {c['differ_from_old_with_exact_matcher']}")
    if report["note"]:
        print(report["note"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="texts per length (xinsheng)")
    ap.add_argument("--baseline-n", type=int, default=100, help="texts per length (jieba + snownlp)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=1, help="passes over each set per run (median)")
    ap.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    ap.add_argument("--ab", type=Path, help="an older checkout to compare with (speed and outputs)")
    ap.add_argument("--new", type=Path, help="the checkout measured as new (default: this one; e.g. a worktree "
                    "of HEAD, without others' uncommitted changes)")
    ap.add_argument("--check-n", type=int, default=3000, help="mixed texts for the outputs check (--ab)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--dump", help=argparse.SUPPRESS)
    ap.add_argument("--fix-matcher", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)

    load_start = machine()
    sets = [(f"synthetic, dense, {n} chars", synth(max(50, args.n // (10 if n >= 2000 else 1)), n, n))
            for n in (50, 200, 2000)] + real_sets(args.data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "texts.json"
        real = [t for name, texts in sets[3:] for t in texts[:1000]]
        data.write_text(json.dumps({"sets": sets, "check": check_texts(args.check_n, real, synth)}, ensure_ascii=False))
        run_worker(args.new, data, "--dump", str(Path(tmp) / "warm.json"))  # builds the built-in model if needed
        res = measure_runs(data, args.new, args.ab, args.runs, args.repeat)
        check = outputs_check(data, args.new, args.ab, args.check_n) if args.ab else None
    base, note = baseline_rates(sets, args)
    codes = ["new"] + (["old"] if args.ab else [])
    report = {"machine": load_start, "load_end": [round(x, 2) for x in os.getloadavg()],
              "src": {"new": str(args.new or Path(__file__).resolve().parents[1]), "old": str(args.ab)},
              "rows": {c: rows_for(sets, res[c], base) for c in codes},
              "peak_rss_mb": {c: max(r["peak_rss_mb"] for r in res[c]) for c in codes}, "check": check, "note": note,
              "repeat": args.repeat}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report, args.runs)


if __name__ == "__main__":
    sys.exit(main())
