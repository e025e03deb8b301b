"""Anger and sentiment of the built-in models on social-media posts (SMP2020-EWECT, ../shared/data).

    python benchmarks/eval_social.py [--data-dir ../shared/data] [--limit N] [--json]

Protocol (held out): the rows of ``smp2020_ewect/dev_fold0.csv`` are shuffled with
``random.Random(2020)`` and cut in two, as in eval_voc.py. Half A may be read to choose
words and thresholds; **half B is never read** (no text of it is printed here) and is the
figure to report. Both halves are printed, labelled, so a gap between them shows fitting.

* anger: a post counts as angry when ``emotions.anger >= 0.5`` (the level the cases flow
  escalates on); truth is the ``angry`` label; precision, recall and F1.
* sentiment on posts with a polarity: happy → positive; angry, sad, fear → negative
  (neutral and surprise posts are left out). snownlp always answers positive or negative
  (``sentiments >= 0.5``), so the like-for-like figure is the sign of the built-in score
  (``sign acc``); ``label acc`` scores the label xinsheng shows, where neutral is wrong.

Skips cleanly when the data folder is absent.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
SMP_SEED = 2020
POLAR = {"happy": "positive", "angry": "negative", "sad": "negative", "fear": "negative"}


def halves(d: Path) -> tuple[list[dict], list[dict]]:
    with (d / "smp2020_ewect" / "dev_fold0.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    random.Random(SMP_SEED).shuffle(rows)
    return rows[: len(rows) // 2], rows[len(rows) // 2:]


def score(rows: list[dict], snownlp: bool = True) -> dict:
    from snownlp import SnowNLP

    from xinsheng.voc.pipeline import get_analyzer

    texts = [r["content"] for r in rows]
    t0 = time.perf_counter()
    res = get_analyzer().analyze_many(texts, lang="zh")
    secs = time.perf_counter() - t0
    truth = [r["labels"] == "angry" for r in rows]
    pred = [x["emotions"]["anger"] >= 0.5 for x in res]
    tp = sum(p and t for p, t in zip(pred, truth))
    prec = tp / max(1, sum(pred))
    rec = tp / max(1, sum(truth))
    pol = [(i, POLAR[r["labels"]]) for i, r in enumerate(rows) if r["labels"] in POLAR]
    ours = sum(res[i]["sentiment"]["label"] == lab for i, lab in pol) / max(1, len(pol))
    sign = sum((res[i]["sentiment"]["score"] > 0) == (lab == "positive") for i, lab in pol) / max(1, len(pol))
    snow = (sum((SnowNLP(rows[i]["content"]).sentiments >= 0.5) == (lab == "positive") for i, lab in pol)
            / max(1, len(pol))) if snownlp else float("nan")
    return {"n": len(rows), "angry": sum(truth), "flagged": sum(pred), "anger_precision": round(prec, 3),
            "anger_recall": round(rec, 3), "anger_f1": round(2 * prec * rec / max(1e-9, prec + rec), 3),
            "n_polar": len(pol), "sentiment_acc": round(ours, 3), "sign_acc": round(sign, 3),
            "snownlp_acc": round(snow, 3),
            "seconds": round(secs, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--limit", type=int, default=0, help="first N rows of each half (quick runs)")
    ap.add_argument("--half", choices=("A", "B", "both"), default="both")
    ap.add_argument("--no-snownlp", action="store_true", help="skip the (slow) snownlp baseline")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not (args.data_dir / "smp2020_ewect").is_dir():
        print(f"skipped: {args.data_dir}/smp2020_ewect not found (dev data lives outside the repository)",
              file=sys.stderr)
        return 0
    a, b = halves(args.data_dir)
    out = []
    for name, part in (("A (read, tuned on)", a), ("B (held out)", b)):
        if args.half != "both" and not name.startswith(args.half):
            continue
        r = score(part[: args.limit] if args.limit else part, not args.no_snownlp)
        r["half"] = name
        out.append(r)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{'SMP2020 half':<20} {'n':>5} {'angry':>6} {'flagged':>8} {'anger P':>8} {'anger R':>8} {'F1':>6}"
          f" {'n polar':>8} {'sign acc':>9} {'snownlp':>8} {'label acc':>10}")
    for r in out:
        print(f"{r['half']:<20} {r['n']:>5} {r['angry']:>6} {r['flagged']:>8} {r['anger_precision']:>8.3f}"
              f" {r['anger_recall']:>8.3f} {r['anger_f1']:>6.3f} {r['n_polar']:>8} {r['sign_acc']:>9.3f}"
              f" {r['snownlp_acc']:>8.3f} {r['sentiment_acc']:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
