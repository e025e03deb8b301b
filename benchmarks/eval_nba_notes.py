"""Note understanding on phrasings the lexicon does not contain (issue 16): precision and
recall of "rules out" and "raises" over (note, care gesture) pairs, with the concept lexicon
alone (before) and with the morpheme generalisation layer (after).

Two sets, both in tests/nba/test_notes_heldout.py: HELD_OUT, written before the layer (the
layer was then built from its misses, so its "after" is optimistic), and FRESH, written after
the layer was built and before it was run on them (the unbiased figure).

    python benchmarks/eval_nba_notes.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine, markdown_table  # noqa: E402
from tests.nba.test_notes_heldout import FRESH, HELD_OUT, judge, rates  # noqa: E402
from xinsheng.nba.notes import _read, read_notes  # noqa: E402


def _ms_per_note(general: bool, sentences, runs: int) -> float:
    times = []
    for _ in range(runs):
        _read.cache_clear()
        t0 = time.perf_counter()
        for text, _o, _u in sentences:
            read_notes([text], general=general)
        times.append((time.perf_counter() - t0) * 1000 / len(sentences))
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rows = []
    for name, sentences in (("held-out (built from)", HELD_OUT), ("fresh (unseen)", FRESH)):
        for general in (False, True):
            j = judge(partial(read_notes, general=general), sentences)
            (po, ro), (pr, rr) = rates(j["ruled_out"]), rates(j["raised"])
            rows.append([name, len(sentences), "lexicon + morphemes" if general else "lexicon only (baseline)",
                         f"{po:.2f}", f"{ro:.2f}", f"{pr:.2f}", f"{rr:.2f}",
                         f"{_ms_per_note(general, sentences, args.runs):.3f}"])
    print(markdown_table(["set", "notes", "reading", "rules-out P", "rules-out R", "raises P", "raises R",
                          "ms/note (median)"], rows))
    print(machine())


if __name__ == "__main__":
    main()
