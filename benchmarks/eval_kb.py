"""Matcher accuracy on real labelled data from ../shared/data (skipped when it is absent).

* LCQMC dev (Baidu Zhidao question pairs, research use): split in file order into a
  tune half (first 4,401 pairs) and a test half (last 4,401). Reported on the test half:
  the shipped scorer at its documented threshold (0.5), the shipped scorer with the
  threshold chosen on the tune half (``kb eval-pairs --tune``), and a scorer trained on
  the tune half (``kb train-pairs``, i.e. what a bank does with its own labelled pairs),
  also on the test pairs neither of whose questions occurs in the tune half.
* LCQMC as retrieval (derived here, same test half): every first question of a pair is an
  article; the second question of each positive pair is a query whose answer is its
  partner (one article per distinct first question; the first questions of negative pairs
  are distractors).
* Banking77 (PolyAI, real online-banking queries, English, CC BY 4.0): each of the 77
  intents is an article whose questions are its first 10 training queries; 2,000 other
  queries (sampled, seed 7) must find their intent — retrieval as intent classification.

Every figure comes from the ``xinsheng kb`` commands themselves (subprocesses), so it is
what a user gets. Nothing here is used to build a shipped model.

    python benchmarks/eval_kb.py [--data ../shared/data] [--json]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._machine import machine, markdown_table  # noqa: E402


def kb(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "xinsheng", "kb", *args, "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_ndjson(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def lcqmc(data: Path, tmp: Path) -> list[list]:
    rows = list(csv.DictReader((data / "lcqmc" / "dev.csv").open(encoding="utf-8")))
    half = len(rows) // 2
    cols = ["sentence1", "sentence2", "label"]
    tune = write_csv(tmp / "tune.csv", cols, ([r[c] for c in cols] for r in rows[:half]))
    test = write_csv(tmp / "test.csv", cols, ([r[c] for c in cols] for r in rows[half:]))
    pair_args = ["--q1-col", "sentence1", "--q2-col", "sentence2", "--label-col", "label"]
    out = []
    r = kb("eval-pairs", "--data", str(test), *pair_args)
    out.append(["LCQMC dev, test half", "pairs", "shipped scorer, threshold 0.5", r["n"], r["accuracy"], r["f1"], r["auc"], r["threshold"]])
    r = kb("eval-pairs", "--data", str(test), "--tune", str(tune), *pair_args)
    out.append(["LCQMC dev, test half", "pairs", "shipped scorer, threshold tuned on tune half", r["n"], r["accuracy"], r["f1"], r["auc"], r["threshold"]])
    kb("train-pairs", "--data", str(tune), "--out", str(tmp / "model"), *pair_args)
    r = kb("eval-pairs", "--data", str(test), "--model", str(tmp / "model"), *pair_args)
    out.append(["LCQMC dev, test half", "pairs", "scorer trained on tune half (kb train-pairs)", r["n"], r["accuracy"], r["f1"], r["auc"], r["threshold"]])
    seen = {r[c] for r in rows[:half] for c in ("sentence1", "sentence2")}
    unseen = write_csv(tmp / "unseen.csv", cols, ([r[c] for c in cols] for r in rows[half:]
                                                  if r["sentence1"] not in seen and r["sentence2"] not in seen))
    r = kb("eval-pairs", "--data", str(unseen), "--model", str(tmp / "model"), *pair_args)
    out.append(["LCQMC dev, test half, no question seen in training", "pairs", "scorer trained on tune half", r["n"], r["accuracy"], r["f1"], r["auc"], r["threshold"]])
    refs: dict[str, str] = {}  # one article per distinct first question
    for r in rows[half:]:
        refs.setdefault(r["sentence1"], f"L{len(refs)}")
    articles = [{"ref": ref, "title": q, "question": q} for q, ref in refs.items()]
    queries = [(r["sentence2"], refs[r["sentence1"]]) for r in rows[half:] if r["label"] == "1"]
    kbf = write_ndjson(tmp / "lcqmc_kb.ndjson", articles)
    qf = write_csv(tmp / "lcqmc_q.csv", ["query", "ref"], queries)
    r = kb("eval-retrieval", "--kb", str(kbf), "--queries", str(qf))
    out.append(["LCQMC dev, test half", f"retrieval, {len(articles)} articles", "shipped scorer", r["n"], r["top1"], r["top5"], r["mrr"], ""])
    r = kb("eval-retrieval", "--kb", str(kbf), "--queries", str(qf), "--model", str(tmp / "model"))
    out.append(["LCQMC dev, test half", f"retrieval, {len(articles)} articles", "scorer trained on tune half", r["n"], r["top1"], r["top5"], r["mrr"], ""])
    return out


def banking77(data: Path, tmp: Path) -> list[list]:
    rows = list(csv.DictReader((data / "banking77" / "train.csv").open(encoding="utf-8")))
    by_intent: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_intent[r["category"]].append(r["text"])
    articles, rest = [], []
    for intent, texts in sorted(by_intent.items()):
        articles.append({"ref": intent, "title": intent.replace("_", " "), "question": texts[0],
                         "paraphrases": texts[1:10]})
        rest += [(t, intent) for t in texts[10:]]
    queries = random.Random(7).sample(rest, min(2000, len(rest)))
    kbf = write_ndjson(tmp / "b77_kb.ndjson", articles)
    qf = write_csv(tmp / "b77_q.csv", ["query", "ref"], queries)
    r = kb("eval-retrieval", "--kb", str(kbf), "--queries", str(qf))
    return [["Banking77 train (en)", "retrieval, 77 intents × 10 questions", "shipped scorer", r["n"], r["top1"], r["top5"], r["mrr"], ""]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sets = [("lcqmc/dev.csv", lcqmc), ("banking77/train.csv", banking77)]
    available = [(name, fn) for name, fn in sets if (args.data / name).is_file()]
    if not available:
        print(f"skipped: no evaluation data under {args.data}", file=sys.stderr)
        return
    rows = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in available:
            rows += fn(args.data, Path(tmp))
    if args.json:
        print(json.dumps({"machine": machine(), "rows": rows}, ensure_ascii=False))
        return
    print(f"machine: {json.dumps(machine(), ensure_ascii=False)}; {time.perf_counter() - t0:.0f} s\n")
    print(markdown_table(["data", "task", "matcher", "n", "accuracy / top-1", "F1 / top-5", "AUC / MRR", "threshold"], rows))


if __name__ == "__main__":
    main()
