"""BM25 over word and phonetic tokens, built fast enough to redo on every sync of a large folder.

bm25s.BM25.index counts terms in Python loops (seconds for 10,000 chunks, twice: words and
phonetic tokens). So the score matrix is computed with numpy from token counts (token_counts.py,
which a sync mostly carries over); the result has bm25s's layout (same Lucene formulas, same
files, lexical_files.py), so retrieval and loading are unchanged.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.lexical.token_counts import Counts, TokenTable, count_ids, count_tokens

# Lucene's defaults; on Hindi XQuAD they beat bm25s' k1=1.5 (0.961 against 0.959 nDCG@10).
BM25_K1 = 1.2
BM25_B = 0.75
# Token ids for bag(), which counts one token list at a time (tests compare it with bm25s).
_ids: dict[str, int] = {}


@dataclass(frozen=True)
class Scores:
    """BM25 scores as bm25s keeps them: a CSC matrix with one column per token, rows are chunks."""

    data: np.ndarray  # float32 scores
    indices: np.ndarray  # chunk row of each score
    indptr: np.ndarray  # where each token's column starts in data and indices
    vocabulary: dict[str, int]  # token -> column
    documents: int


def lexical_index(texts: list[str]) -> tuple[Any, Any, dict[str, float]]:
    """BM25 over word tokens and over phonetic tokens, and per-token IDF for single sentences."""
    words, sounds, idf = lexical_tables(count_tokens(texts))
    return as_bm25(words), as_bm25(sounds), idf


def lexical_tables(table: TokenTable) -> tuple[Scores, Scores, dict[str, float]]:
    """lexical_index's scores as arrays, for writing to disk without importing bm25s."""
    words, document_frequency = bm25_scores(table.words, table.vocabulary)
    sounds, _ = bm25_scores(table.sounds, table.vocabulary)
    total = len(table.words.sizes)
    idf = {
        token: math.log(1 + (total - count + 0.5) / (count + 0.5))
        for token, count in document_frequency.items()
    }
    return words, sounds, idf


def bag(tokens: list[str]) -> Counts:
    """Count one token list under process-wide ids (for bm25_from_bags)."""
    ids = np.array([_ids.setdefault(token, len(_ids)) for token in tokens], dtype=np.int64)
    return count_ids([ids])


def bm25_from_bags(bags: list[Counts]) -> tuple[Any, dict[str, int]]:
    """A bm25s.BM25 (Lucene variant) over bag()s, and each token's document count."""
    merged = Counts(*(np.concatenate([getattr(b, name) for b in bags]) for name in vars(bags[0])))
    scores, document_frequency = bm25_scores(merged, list(_ids))
    return as_bm25(scores), document_frequency


def bm25_scores(table: Counts, vocabulary: list[str]) -> tuple[Scores, dict[str, int]]:
    """The Lucene BM25 score of every (text, token) pair, and each token's document count."""
    texts = len(table.sizes)
    document = np.repeat(np.arange(texts), table.sizes)
    # Renumber the tokens these texts use as 0..n-1 (counting, not sorting: it runs per sync).
    present = np.bincount(table.ids, minlength=len(vocabulary)) > 0
    token = (np.cumsum(present) - 1)[table.ids]
    names = [vocabulary[i] for i in np.flatnonzero(present).tolist()]
    document_frequency = np.bincount(token, minlength=len(names))
    idf = np.log1p((texts - document_frequency + 0.5) / (document_frequency + 0.5))
    lengths = table.lengths.astype(np.float64)
    average = max(float(lengths.mean()), 1e-9) if texts else 1.0
    norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / average)  # per text, not per pair
    # Column-major by token, texts ascending within a column: scipy's csc_matrix layout, built
    # here because importing scipy.sparse (and bm25s) would cost a one-file sync 0.35 s. Pairs
    # are put in that order first, so each column's IDF is a repeat rather than a gather.
    order = _stable_order(token)
    row = document[order]
    term_frequency = table.counts[order].astype(np.float64)
    scores = np.repeat(idf, document_frequency) * term_frequency / (norm[row] + term_frequency)
    index_type = np.int32 if len(token) < 2**31 else np.int64
    vocabulary_of = {name: number for number, name in enumerate(names)}
    return Scores(
        data=scores.astype(np.float32),
        indices=row.astype(index_type),
        indptr=np.concatenate([[0], np.cumsum(document_frequency)]).astype(index_type),
        # As bm25s.index does: an empty token after the vocabulary, for queries with no known one.
        vocabulary=vocabulary_of if "" in vocabulary_of else {**vocabulary_of, "": len(names)},
        documents=texts,
    ), dict(zip(names, document_frequency.tolist(), strict=True))


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """argsort(keys, kind="stable") as 16-bit radix passes: 5x faster than numpy's int64 sort."""
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    shift = 16
    while keys.size and int(keys.max()) >> shift:
        digit = ((keys[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def as_bm25(scores: Scores) -> Any:
    """A bm25s.BM25 that searches these scores (what bm25s.BM25.index would have built)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
    bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    bm25.scores = {
        "data": scores.data,
        "indices": scores.indices,
        "indptr": scores.indptr,
        "num_docs": scores.documents,
    }
    bm25.vocab_dict = scores.vocabulary
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None
    return bm25
