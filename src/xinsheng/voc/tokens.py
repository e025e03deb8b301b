"""Token ids for a batch: each word is looked up in one dictionary once, at segmentation.

``segment_many`` gives each text's words as ``Words``: a list of the word strings that also
carries their ids in a process-wide ``TokenTable``. The stages that weigh words (the
sentiment model's vocabulary, the social-media dictionary, keyword idf) then read a
``Column``, a numpy array of their value per token id, indexed by the batch's ids: one
fancy-indexing step instead of one Python dictionary look-up per word and per stage.

A column is filled for new ids only (the words a process has not seen before), so after
warm-up almost no per-word Python work is left. Plain lists of words (from ``segment``,
training, tests) carry no ids; the stages then take their plain path, which gives the
same results (``tests/voc/test_token_ids.py``). The table is bounded: when it is full, the
next batch starts a new one (``Words`` keep a reference to the table of their ids).
"""
from __future__ import annotations

import threading
from typing import Callable, Sequence

import numpy as np

__all__ = ["TokenTable", "Words", "Column", "current", "batch_ids", "ENABLED"]

ENABLED = True  # False: ``segment_many`` returns plain lists (tests compare both paths)
LIMIT = 400_000  # words per table; past it, the next batch starts a new table
_lock = threading.Lock()


class TokenTable(dict):
    """word → id, ids given in order of first sight; ``words[id]`` is the word."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def __missing__(self, word: str) -> int:
        with _lock:
            i = self.get(word)
            if i is None:
                i = len(self.words)
                self.words.append(word)
                self[word] = i
        return i

    def ids(self, words: Sequence[str]) -> np.ndarray:
        return np.fromiter(map(self.__getitem__, words), np.int64, len(words))


_current = TokenTable()


def current() -> TokenTable:
    """The table new batches use (a new one once the present one is full)."""
    global _current
    if len(_current.words) >= LIMIT:
        with _lock:
            if len(_current.words) >= LIMIT:
                _current = TokenTable()
    return _current


class Words(list):
    """A text's words (a list of str, equal to the plain list) with their ids in ``table``."""

    __slots__ = ("ids", "table")

    @classmethod
    def of(cls, words: list[str], ids: np.ndarray, table: TokenTable) -> Words:
        w = cls(words)
        w.ids, w.table = ids, table
        return w


def batch_ids(word_lists: Sequence[Sequence[str]]) -> tuple[TokenTable, np.ndarray, np.ndarray] | None:
    """(table, the ids of all words in order, words per text) when every list carries ids of
    one table; None otherwise (then the caller takes its plain path)."""
    if not word_lists:
        return None
    table = getattr(word_lists[0], "table", None)
    if table is None:
        return None
    parts = []
    for w in word_lists:
        if getattr(w, "table", None) is not table:
            return None
        parts.append(w.ids)
    lengths = np.fromiter(map(len, parts), np.int64, len(parts))
    return table, np.concatenate(parts), lengths


class Column:
    """``fn(words) -> values`` for every id of a table, computed for new ids only.

    ``fn`` takes a list of words and returns their values (an array or a list)."""

    def __init__(self, fn: Callable[[list[str]], Sequence], dtype) -> None:
        self.fn, self.dtype = fn, dtype
        self._state: tuple[TokenTable | None, np.ndarray, int] = (None, np.zeros(0, dtype), 0)

    def of(self, table: TokenTable) -> np.ndarray:
        """The values of ids 0 … ``len(table.words) - 1``, indexed by id: ask after the ids
        of a batch are known (an id given later is out of range, never a stale value)."""
        owner, values, done = self._state
        if owner is not table:
            values, done = np.zeros(max(1024, len(table.words)), self.dtype), 0
        n = len(table.words)
        if done < n:
            if n > len(values):
                values = np.concatenate([values, np.zeros(max(n, 2 * len(values)) - len(values), self.dtype)])
            values[done:n] = np.asarray(self.fn(table.words[done:n]), dtype=self.dtype)
            done = n
        if self._state[0] is not table or self._state[2] < done:
            self._state = (table, values, done)
        return values[:done]
