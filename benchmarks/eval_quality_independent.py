"""Precision and recall of the quality rules on an independently written, labelled call set.

The calls and labels (benchmarks/data/qa_independent/, see its README.md) were written by
someone who had not seen the rules' wordings. Each call goes through what
``xinsheng qa check --transcript F --json`` runs (the shipped rules, the same engine
functions as the CLI; ``--cli`` runs the CLI itself in a subprocess instead). A
*violation* is ``passed: false``; per rule and overall we count violations found (tp),
false alarms (fp) and violations missed (fn), and list every disagreement with the
engine's evidence. Nothing is tuned here: the figures are what a user gets.

    python benchmarks/eval_quality_independent.py [--cli] [--json]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._machine import machine, markdown_table  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "qa_independent"
ROOT = Path(__file__).resolve().parent.parent


def check_in_process(path: Path) -> dict:
    from xinsheng.quality.engine import check
    from xinsheng.quality.rules import load_rules
    from xinsheng.quality.transcript import read_transcript
    return check(read_transcript(path), load_rules(None))


def check_cli(path: Path) -> dict:
    exe = ROOT / ".venv" / "bin" / "xinsheng"
    out = subprocess.run([str(exe), "qa", "check", "--transcript", str(path), "--json"],
                         check=True, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout)


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def evaluate(use_cli: bool) -> dict:
    labels = [json.loads(x) for x in (DATA / "labels.jsonl").read_text("utf-8").splitlines() if x]
    run = check_cli if use_cli else check_in_process
    results = {}
    for name in sorted({lab["call"] for lab in labels}):
        doc = run(DATA / "calls" / f"{name}.jsonl")
        results[name] = {f["rule"]: f for f in doc["findings"]}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses, absent = [], set()
    for lab in labels:
        finding = results[lab["call"]].get(lab["rule"])
        if finding is None:
            absent.add(lab["rule"])
            continue
        want, got = lab["passed"], finding["passed"]
        key = {(False, False): "tp", (True, False): "fp", (False, True): "fn",
               (True, True): "tn"}[(want, got)]
        for rule in (lab["rule"], "ALL"):
            counts[rule][key] += 1
        if want != got:
            misses.append({"call": lab["call"], "rule": lab["rule"], "expected": want, "got": got,
                           "note": finding.get("note"), "evidence": finding.get("evidence")})
    return {"counts": counts, "misses": misses, "absent": sorted(absent),
            "engine_rules": sorted({r for res in results.values() for r in res})}


def table(counts: dict) -> str:
    rows = []
    for rule in sorted(counts, key=lambda r: (r == "ALL", r)):
        c = counts[rule]
        rows.append([rule, c["tp"] + c["fn"], c["tp"] + c["fp"] + c["fn"] + c["tn"], c["tp"],
                     c["fp"], c["fn"], ratio(c["tp"], c["tp"] + c["fp"]),
                     ratio(c["tp"], c["tp"] + c["fn"]), ratio(c["tp"] + c["tn"],
                                                              sum(c.values()))])
    return markdown_table(["rule", "violations (truth)", "labels", "tp", "fp", "fn",
                           "precision", "recall", "accuracy"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", action="store_true", help="run the xinsheng CLI per call")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = evaluate(args.cli)
    if args.json:
        print(json.dumps({**res, "machine": machine()}, ensure_ascii=False))
        return
    print(f"Machine: {machine()}")
    print(f"Calls: 20 from {DATA.relative_to(ROOT)}; via {'CLI' if args.cli else 'engine'}\n")
    print(table(res["counts"]))
    if res["absent"]:
        print(f"\nLabelled rules the engine does not report: {', '.join(res['absent'])}"
              f" (engine rules: {', '.join(res['engine_rules'])})")
    print("\nDisagreements:")
    print(markdown_table(["call", "rule", "expected", "got", "note", "evidence"],
                         [[m[k] for k in ("call", "rule", "expected", "got", "note", "evidence")]
                          for m in res["misses"]]))


if __name__ == "__main__":
    main()
