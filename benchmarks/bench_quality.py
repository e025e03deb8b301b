"""Quality rules: evaluation speed in hours of calls per CPU-second, and the rules' precision and
recall on the hand-written test calls (tests/quality/transcripts: dev, held-out, probe).

    .venv/bin/python benchmarks/bench_quality.py            # 2,000 calls, 5 runs
    .venv/bin/python benchmarks/bench_quality.py --calls 20000 --runs 3

Speed: the test calls repeated to ``--calls`` calls (each turn's text made unique), checked by ``engine.check`` with the shipped
rules.yaml; CPU time of this process (``time.process_time``), median of ``--runs``.
1. rules with the VOC engine's emotions of the customer's turns (as ``xinsheng qa check`` runs);
2. rules alone (emotions given as none: the empathy rule never triggers), the cost of the
   concept patterns, negation and timing rules;
3. baseline in the same run: one regular expression (录音) over every turn, the floor of any
   pass over the text.
"Hours of calls" is the sum of each call's length (first turn's start to last turn's end).
A violation (``passed`` false) is the positive class for precision and recall.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.quality.engine import check, voc_emotions  # noqa: E402
from xinsheng.quality.rules import default_rules  # noqa: E402
from xinsheng.quality.transcript import Turn, read_transcript  # noqa: E402

CORPUS = ROOT / "tests" / "quality" / "transcripts"


def _calls(part: str) -> list[Path]:
    return sorted((CORPUS / part).glob("*.jsonl"))


def _cpu(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def speed(n_calls: int, runs: int) -> list[list]:
    base = [read_transcript(p) for p in _calls("dev") + _calls("heldout")]
    # every call's texts made unique (a call number at the end of each turn), so no cache of
    # repeated texts anywhere can flatter the figures
    calls = [[Turn(t.speaker, t.start, t.end, f"{t.text}（{i}）") for t in base[i % len(base)]]
             for i in range(n_calls)]
    hours = sum(c[-1].end - c[0].start for c in calls) / 3600
    rules = default_rules()
    voc_emotions(["预热"])  # load the VOC models outside the timing
    no_emotions = lambda texts: [{}] * len(texts)  # noqa: E731
    recording = re.compile("录音")
    rows = []
    for name, fn in [
        ("rules + VOC emotions", lambda: [check(c, rules) for c in calls]),
        ("rules alone", lambda: [check(c, rules, emotions=no_emotions) for c in calls]),
        ("baseline: one regex a turn", lambda: [[recording.search(t.text) for t in c] for c in calls]),
    ]:
        cpu = _cpu(fn, runs)
        rows.append([name, n_calls, f"{hours:.1f}", f"{cpu:.3f}", f"{hours / cpu:,.1f}" if cpu else "∞",
                     f"{n_calls / cpu:,.0f}" if cpu else "∞"])
    return rows


def accuracy() -> list[list]:
    rows = []
    for part in ("dev", "heldout", "probe"):
        c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        per_rule: dict[str, list[int]] = {}
        for p in _calls(part):
            want = json.loads(p.read_text(encoding="utf-8").splitlines()[0])["expect"]
            got = {f["rule"]: f["passed"] for f in check(read_transcript(p))["findings"]}
            for rule, ok in want.items():
                truly, flagged = not ok, not got[rule]
                key = ("tp" if truly else "fp") if flagged else ("fn" if truly else "tn")
                c[key] += 1
                per_rule.setdefault(rule, [0, 0])[0 if truly else 1] += 1
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
        rows.append([part, len(_calls(part)), sum(c.values()), c["tp"] + c["fn"], c["tp"], c["fp"], c["fn"],
                     f"{precision:.2f}", f"{recall:.2f}"])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(machine(), ensure_ascii=False))
    print()
    print(markdown_table(["what", "calls", "hours of calls", "CPU s (median)", "hours of calls / CPU s",
                          "calls / CPU s"], speed(args.calls, args.runs)))
    print()
    print(markdown_table(["set", "calls", "verdicts", "violations", "caught", "false alarms", "missed",
                          "precision", "recall"], accuracy()))


if __name__ == "__main__":
    main()
