"""A batch of texts joined into one string, so lexicon scans and regexes run once per batch.

Texts are joined with ``\\n`` (a sentence boundary, and a character no lexicon word or
taxonomy pattern crosses); ``starts``/``ends`` give each text's place in the joined
string, and ``codes`` its code points for numpy work (sentence splitting, word edges).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

__all__ = ["Joined"]


@dataclass
class Joined:
    text: str
    starts: np.ndarray  # (n,) offset of each text
    ends: np.ndarray  # (n,) offset just past each text

    @classmethod
    def of(cls, texts: Sequence[str]) -> Joined:
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(lengths) - 1
        return cls("\n".join(texts) + "\n", ends - (lengths - 1), ends)

    def __len__(self) -> int:
        return len(self.starts)

    @cached_property
    def codes(self) -> np.ndarray:
        return np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)

    @cached_property
    def doc_at(self) -> np.ndarray:
        """The text each character belongs to (a separator belongs to the text it ends)."""
        flags = np.zeros(len(self.text) + 1, dtype=np.int64)
        flags[self.ends + 1] = 1
        return np.cumsum(flags)[:-1]

    def doc_of(self, positions: np.ndarray) -> np.ndarray:
        """The text index of each offset in ``positions``."""
        return np.searchsorted(self.ends, positions, side="left")
