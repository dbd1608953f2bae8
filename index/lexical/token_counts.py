"""Each chunk's word and phonetic token counts, carried over by row: a sync tokenizes new text only.

Tokenizing costs even more than bm25s's term counting (seconds for 10,000 chunks), so the counts
are stored with the index (lexical_files.py) and reused by the next sync while the code that
produced them is the same (tokenizer_fingerprint in lexical/files.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.text.tokenizing import tokenize
from index.text.transliteration import phonetic_tokens

KINDS = ("words", "sounds")


@dataclass(frozen=True)
class Counts:
    """Token counts of many texts, flat: text i holds `sizes[i]` (id, count) pairs, in order."""

    ids: np.ndarray  # distinct token ids of each text, into a vocabulary
    counts: np.ndarray
    sizes: np.ndarray  # distinct tokens per text
    lengths: np.ndarray  # tokens per text

    def take(self, rows: np.ndarray) -> Counts:
        """The counts of these texts, in this order (whole-array gathers, no loop per text)."""
        sizes = self.sizes[rows]
        starts = (np.cumsum(self.sizes) - self.sizes)[rows]
        ends = np.cumsum(sizes)
        total = int(ends[-1]) if len(ends) else 0
        entries = np.arange(total) + np.repeat(starts - ends + sizes, sizes)
        return Counts(self.ids[entries], self.counts[entries], sizes, self.lengths[rows])


@dataclass(frozen=True)
class TokenTable:
    """Word and phonetic token counts of a list of texts, over one vocabulary."""

    vocabulary: list[str]
    words: Counts
    sounds: Counts


def count_tokens(
    texts: Sequence[str], previous: TokenTable | None = None, rows: np.ndarray | None = None
) -> TokenTable:
    """Token counts of texts; where rows[i] >= 0, text i has the counts of previous's row rows[i].

    Only the other texts are tokenized: tokenizing 10,000 chunks takes seconds, copying rows none.
    """
    if previous is None or rows is None:
        rows = np.full(len(texts), -1, dtype=np.int64)
    vocabulary = list(previous.vocabulary) if previous else []
    token_ids = {token: number for number, token in enumerate(vocabulary)}
    fresh = np.flatnonzero(rows < 0).tolist()
    pairs = [(tokenize(texts[i]), phonetic_tokens(texts[i])) for i in fresh]
    kinds = []
    for kind, tokens in zip(KINDS, zip(*pairs, strict=True) if pairs else ([], []), strict=True):
        counted = count_ids([_ids_of(t, token_ids, vocabulary) for t in tokens])
        if previous is not None:
            counted = _concatenate(getattr(previous, kind), counted)
        order = np.where(rows >= 0, rows, 0)
        order[fresh] = len(counted.sizes) - len(fresh) + np.arange(len(fresh))
        kinds.append(counted.take(order))
    return TokenTable(vocabulary, *kinds)


def _ids_of(tokens: list[str], token_ids: dict[str, int], vocabulary: list[str]) -> np.ndarray:
    for token in tokens:
        if token not in token_ids:
            token_ids[token] = len(vocabulary)
            vocabulary.append(token)
    return np.array([token_ids[token] for token in tokens], dtype=np.int64)


def count_ids(id_lists: list[np.ndarray]) -> Counts:
    """The distinct ids of each list with their counts, flat (see Counts)."""
    uniques = [np.unique(ids, return_counts=True) for ids in id_lists]
    return Counts(
        ids=np.concatenate([u[0] for u in uniques]) if uniques else np.zeros(0, np.int64),
        counts=np.concatenate([u[1] for u in uniques]) if uniques else np.zeros(0, np.int64),
        sizes=np.array([len(u[0]) for u in uniques], dtype=np.int64),
        lengths=np.array([len(ids) for ids in id_lists], dtype=np.int64),
    )


def _concatenate(first: Counts, second: Counts) -> Counts:
    return Counts(
        *(np.concatenate([getattr(first, name), getattr(second, name)]) for name in vars(first))
    )
