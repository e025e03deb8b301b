"""The hand-written test calls (transcripts/README.md): each file's expected verdicts and turns."""
from __future__ import annotations

import json
from pathlib import Path

from xinsheng.quality.transcript import Turn, read_transcript

HERE = Path(__file__).parent / "transcripts"


def calls(part: str) -> list[Path]:
    return sorted((HERE / part).glob("*.jsonl"))


def expected(path: Path) -> dict[str, bool]:
    return json.loads(path.read_text(encoding="utf-8").splitlines()[0])["expect"]


def turns(path: Path) -> list[Turn]:
    return read_transcript(path)


def confusion(results: list[tuple[dict[str, bool], dict[str, bool]]]) -> dict[str, int]:
    """Counts over (expected, got) verdict maps; a violation (passed false) is the positive class."""
    c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for want, got in results:
        for rule, ok in want.items():
            truly, flagged = not ok, not got[rule]
            c[("tp" if truly else "fp") if flagged else ("fn" if truly else "tn")] += 1
    return c
