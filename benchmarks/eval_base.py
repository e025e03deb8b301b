"""What a base (``xinsheng voc learn``) adds, on real data from ../shared/data (skipped
when it is absent). Every figure comes from the ``xinsheng`` commands (subprocesses), with
and without ``--base`` in the same run, on the same splits.

* Chinese base: learned from unlabelled texts only — the questions of the LCQMC train half
  (labels dropped), the JDDC customer–agent chats, and the online_shopping reviews of the
  sentiment train split (labels dropped). No text that is scored is in it.
* English base: the Banking77 train-split queries (labels dropped) and the CFPB complaint
  narratives.
* Pairs: LCQMC dev split in file order (first half: ``kb train-pairs``; second half:
  ``kb eval-pairs --model``), as benchmarks/eval_kb.py does.
* Sentiment: online_shopping_9_cats, ``--train`` reviews to train and 5,000 others to score
  (shuffled, seed 7); SMP2020-EWECT Weibo posts, happy (positive) against angry, sad and
  fear (negative), 80 % to train, 20 % to score (shuffled, seed 7; the base holds the
  posts that are not scored, labels dropped). Topic: Banking77 (the data has no official
  test split), 80 % to train, 20 % to score (shuffled, seed 7).
* Baselines (benchmarks/_base_baselines.py), fitted on the same rows in the same run:
  char TF-IDF + LinearSVC (sentiment), word+char TF-IDF + logistic regression (topic),
  char TF-IDF cosine with the threshold tuned on the training half (pairs).

Accuracy is deterministic for given data (fixed seeds), so one run is its median; learn
time and peak memory (max RSS of the ``voc learn`` process) are one run too, with the
machine's load average before and after.

    python benchmarks/eval_base.py [--data ../shared/data] [--train 10000] [--json]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._base_baselines import pair_baseline, sentiment_baseline, topic_baseline  # noqa: E402
from benchmarks._machine import machine, markdown_table  # noqa: E402

csv.field_size_limit(1 << 26)


def xs(*args: str) -> tuple[dict, float, float]:
    """(JSON output, wall seconds, peak RSS MiB of this child) of ``xinsheng ARGS --json``."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "xinsheng", *args, "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"xinsheng {' '.join(args)} failed:\n{err[-3000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - t, usage.ru_maxrss / 1024


def write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh)]


def splits(data: Path, n_train: int) -> dict:
    pairs = read(data / "lcqmc/dev.csv")
    half = len(pairs) // 2
    shop = [r for r in read(data / "online_shopping_9_cats/online_shopping_9_cats.csv") if r["review"].strip()]
    random.Random(7).shuffle(shop)
    bank = read(data / "banking77/train.csv")
    random.Random(7).shuffle(bank)
    cut = int(len(bank) * 0.8)
    smp = [r for r in read(data / "smp2020_ewect/dev_fold0.csv") if r["content"].strip()]
    polar = [r for r in smp if r["labels"] in POLAR]
    random.Random(7).shuffle(polar)
    smp_cut = int(len(polar) * 0.8)
    return {"pairs_train": pairs[:half], "pairs_test": pairs[half:], "shop_train": shop[:n_train],
            "shop_test": shop[-5000:], "shop_rest": shop[:-5000], "bank_train": bank[:cut], "bank_test": bank[cut:],
            "smp_train": polar[:smp_cut], "smp_test": polar[smp_cut:],
            "smp_rest": polar[:smp_cut] + [r for r in smp if r["labels"] not in POLAR]}


#: SMP2020-EWECT labels scored as sentiment: happy positive; angry, sad, fear negative.
POLAR = {"happy": "positive", "angry": "negative", "sad": "negative", "fear": "negative"}


def corpora(data: Path, s: dict, tmp: Path) -> tuple[Path, Path]:
    zh = [q for r in s["pairs_train"] for q in (r["sentence1"], r["sentence2"])]
    with (data / "jddc2019_chat_sample/chat_0.1per.txt").open(encoding="utf-8") as fh:
        zh += [line.rstrip("\n").split("\t")[-1] for line in fh]
    zh += [r["review"] for r in s["shop_rest"]]
    zh += [r["content"] for r in s["smp_rest"]]
    en = [r["text"] for r in s["bank_train"]]
    en += [r["Consumer complaint narrative"] for r in read(data / "cfpb/complaints_sample_2020.csv")
           if r.get("Consumer complaint narrative", "").strip()]
    clean = [t.replace("\n", " ").strip() for t in zh]
    (tmp / "zh.txt").write_text("\n".join(t for t in clean if t), "utf-8")
    (tmp / "en.txt").write_text("\n".join(t.replace("\n", " ").strip() for t in en if t.strip()), "utf-8")
    return tmp / "zh.txt", tmp / "en.txt"


def pair_rows(s: dict, tmp: Path, base: Path) -> list[list]:
    cols = ["--q1-col", "sentence1", "--q2-col", "sentence2", "--label-col", "label"]
    head = ["sentence1", "sentence2", "label"]
    train = write_csv(tmp / "p_train.csv", head, [[r[k] for k in head] for r in s["pairs_train"]])
    test = write_csv(tmp / "p_test.csv", head, [[r[k] for k in head] for r in s["pairs_test"]])
    out = {}
    for name, extra in (("no base", []), ("base", ["--base", str(base)])):
        _, secs, _ = xs("kb", "train-pairs", "--data", str(train), "--out", str(tmp / f"pm_{name}"), *cols, *extra)
        out[name] = xs("kb", "eval-pairs", "--data", str(test), "--model", str(tmp / f"pm_{name}"), *cols)[0]
        out[name]["train_s"] = secs
    rows = [[r[k] for k in head] for r in s["pairs_train"]], [[r[k] for k in head] for r in s["pairs_test"]]
    base_acc, cut = pair_baseline(*rows)
    a, b = out["no base"]["accuracy"], out["base"]["accuracy"]
    return [[f"LCQMC pairs: kb train-pairs ({len(rows[0]):,}) → eval-pairs ({len(rows[1]):,})", "accuracy",
             a, b, f"{b - a:+.4f}", base_acc, f"{b - base_acc:+.4f}",
             f"AUC {out['no base']['auc']} → {out['base']['auc']}; baseline: char TF-IDF cosine > {cut}"]]


def voc_rows(task: str, label: str, train_rows, test_rows, text: str, lab: str, tmp: Path, base: Path,
             to_label=str) -> list[list]:
    tr = [[r[text], to_label(r[lab])] for r in train_rows]
    te = [[r[text], to_label(r[lab])] for r in test_rows]
    train = write_csv(tmp / f"{task}_{label[:4]}_train.csv", ["text", "label"], tr)
    test = write_csv(tmp / f"{task}_{label[:4]}_test.csv", ["text", "label"], te)
    res = {}
    for name, extra in (("no base", []), ("base", ["--base", str(base)])):
        model = tmp / f"m_{task}_{label[:4]}_{name.replace(' ', '_')}"
        xs("voc", "train", "--task", task, "--data", str(train), "--out", str(model), *extra)
        res[name] = xs("voc", "eval", "--task", task, "--data", str(test), "--model", str(model))[0]
    fit = sentiment_baseline if task == "sentiment" else topic_baseline
    ref = fit([r[0] for r in tr], [r[1] for r in tr], [r[0] for r in te], [r[1] for r in te])
    a, b = res["no base"], res["base"]
    what = "char TF-IDF + LinearSVC" if task == "sentiment" else "word+char TF-IDF + LR"
    return [[f"{label}: voc train ({len(train_rows):,}) → eval ({len(test_rows):,})", "accuracy",
             a["accuracy"], b["accuracy"], f"{b['accuracy'] - a['accuracy']:+.4f}", ref,
             f"{b['accuracy'] - ref:+.4f}", f"macro-F1 {a['macro_f1']} → {b['macro_f1']}; baseline: {what}"]]


def done(rows: list[list]) -> list[list]:
    """``rows``, echoed to stderr as soon as they are measured (with the load average)."""
    for r in rows:
        print(*r, f"load {machine()['load_average']}", sep=" | ", file=sys.stderr, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--train", type=int, default=10000, help="sentiment training reviews")
    ap.add_argument("--only", choices=["pairs", "sentiment", "topic"], action="append")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--work", type=Path, help="keep the bases, splits and models in this folder (default: temporary)")
    args = ap.parse_args()
    if not (args.data / "lcqmc" / "dev.csv").is_file():
        print(f"skipped: {args.data} not found (development data is not shipped)")
        return
    only = set(args.only or ["pairs", "sentiment", "topic"])
    s = splits(args.data, args.train)
    rows, learn_rows = [], []
    load_before = machine()["load_average"]
    with tempfile.TemporaryDirectory() as d:
        tmp = args.work or Path(d)
        tmp.mkdir(parents=True, exist_ok=True)
        zh, en = corpora(args.data, s, tmp)
        for name, corpus in (("zh", zh), ("en", en)):
            if name == "en" and "topic" not in only:
                continue
            m, secs, rss = xs("voc", "learn", "--corpus", str(corpus), "--out", str(tmp / f"base_{name}"))
            c = m["corpus"]
            learn_rows.append([name, f"{c['texts']:,}", f"{c['chars']:,}", m["dims"]["units_kept"], m["dims"]["unit"],
                               f"{secs:.1f}", f"{c['chars'] / secs / 1e3:.0f}k", f"{rss:.0f}"])
        if "pairs" in only:
            rows += done(pair_rows(s, tmp, tmp / "base_zh"))
        if "sentiment" in only:
            rows += done(voc_rows("sentiment", "online_shopping sentiment", s["shop_train"], s["shop_test"], "review",
                             "label", tmp, tmp / "base_zh", lambda v: "positive" if v == "1" else "negative"))
            rows += done(voc_rows("sentiment", "SMP2020 Weibo sentiment (happy vs angry/sad/fear)", s["smp_train"],
                             s["smp_test"], "content", "labels", tmp, tmp / "base_zh", POLAR.get))
        if "topic" in only:
            rows += done(voc_rows("topic", "Banking77 intents (en)", s["bank_train"], s["bank_test"], "text",
                                  "category", tmp, tmp / "base_en"))
    report = {"machine": {**machine(), "load_average_before": load_before}, "learn": learn_rows, "results": rows}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(markdown_table(["base", "texts", "characters", "units kept", "dim", "learn s", "chars/s",
                          "peak RSS MiB (max of children so far)"], learn_rows))
    print()
    print(markdown_table(["task", "metric", "no base", "with base", "gain", "baseline", "base − baseline", "also"],
                         rows))
    print()
    print("machine:", json.dumps(report["machine"]))


if __name__ == "__main__":
    main()
