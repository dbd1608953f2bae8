"""BM25 over word and phonetic tokens, built fast enough to redo on every sync of a large folder.

bm25s.BM25.index counts terms in Python loops (seconds for 10,000 chunks, twice: words and
phonetic tokens), and tokenizing costs more than that again. So each chunk's token counts are
stored with the index and carried over by row to the next sync, and the score matrix is computed
with numpy; the result has bm25s's layout (same Lucene formulas, same files), so retrieval and
loading are unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.tokenizing import tokenize
from index.transliteration import phonetic_tokens

# Lucene's defaults; on Hindi XQuAD they beat bm25s' k1=1.5 (0.961 against 0.959 nDCG@10).
BM25_K1 = 1.2
BM25_B = 0.75
# Token ids for bag(), which counts one token list at a time (tests compare it with bm25s).
_ids: dict[str, int] = {}
KINDS = ("words", "sounds")


@dataclass(frozen=True)
class Scores:
    """BM25 scores as bm25s keeps them: a CSC matrix with one column per token, rows are chunks."""

    data: np.ndarray  # float32 scores
    indices: np.ndarray  # chunk row of each score
    indptr: np.ndarray  # where each token's column starts in data and indices
    vocabulary: dict[str, int]  # token -> column
    documents: int


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
        counted = _count([_ids_of(t, token_ids, vocabulary) for t in tokens])
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


def _count(id_lists: list[np.ndarray]) -> Counts:
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


def tokenizer_fingerprint() -> str:
    """A hash of the tokenizing code: saved token counts are reused only by the same code."""
    # Not TOKENIZER_VERSION alone: a change that forgot to bump it must not leave stale tokens.
    from index import tokenizing, transliteration

    digest = hashlib.sha256()
    for module_file in (tokenizing.__file__, transliteration.__file__, __file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:16]


def saved_tokens(table: TokenTable) -> tuple[dict[str, np.ndarray], list[str]]:
    """The table as flat arrays (for np.savez) and the vocabulary their ids index."""
    vocabulary, kinds = table.vocabulary, [table.words, table.sounds]
    used = np.zeros(len(vocabulary), dtype=bool)
    for counts in kinds:
        used[counts.ids] = True
    # Tokens of deleted chunks linger in the vocabulary; renumber once they are most of it.
    if len(vocabulary) > 2 * int(used.sum()) + 1000:
        number = np.cumsum(used) - 1
        vocabulary = [token for token, kept in zip(vocabulary, used.tolist(), strict=True) if kept]
        kinds = [Counts(number[c.ids], c.counts, c.sizes, c.lengths) for c in kinds]
    arrays = {}
    for kind, counts in zip(KINDS, kinds, strict=True):
        arrays[f"{kind}_ids"] = counts.ids.astype(np.int32)
        # Counts are small (a chunk repeats a token a few times): one byte each, not eight.
        top = int(counts.counts.max(initial=0))
        arrays[f"{kind}_counts"] = counts.counts.astype(np.min_scalar_type(top))
        arrays[f"{kind}_sizes"] = counts.sizes.astype(np.int64)
        arrays[f"{kind}_lengths"] = counts.lengths.astype(np.int64)
    return arrays, vocabulary


def restored_tokens(vocabulary: list[str], arrays: Mapping[str, np.ndarray]) -> TokenTable:
    """A table from saved_tokens' arrays and vocabulary."""
    kinds = [
        Counts(*(arrays[f"{kind}_{name}"] for name in ("ids", "counts", "sizes", "lengths")))
        for kind in KINDS
    ]
    for k in kinds:
        if int(k.ids.max(initial=-1)) >= len(vocabulary) or int(k.sizes.sum()) != len(k.ids):
            raise ValueError("saved token counts do not fit together")
    if len(kinds[0].sizes) != len(kinds[1].sizes):
        raise ValueError("saved token counts do not fit together")
    return TokenTable(vocabulary, *kinds)


def bag(tokens: list[str]) -> Counts:
    """Count one token list under process-wide ids (for bm25_from_bags)."""
    ids = np.array([_ids.setdefault(token, len(_ids)) for token in tokens], dtype=np.int64)
    return _count([ids])


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


def bm25_files(scores: Scores) -> dict[str, bytes]:
    """The files bm25s.BM25.save writes for these scores, by name; bm25s.BM25.load reads them."""
    params = {
        "k1": BM25_K1,
        "b": BM25_B,
        "delta": 0.5,
        "method": "lucene",
        "idf_method": "lucene",
        "dtype": "float32",
        "int_dtype": "int32",
        "num_docs": scores.documents,
        "version": _bm25s_version(),
        "backend": "numpy",
    }
    files = {"params.index.json": json.dumps(params, indent=4).encode()}
    files["vocab.index.json"] = json.dumps(scores.vocabulary, ensure_ascii=False).encode()
    for name in ("data", "indices", "indptr"):
        files[f"{name}.csc.index.npy"] = npy_bytes(getattr(scores, name))
    return files


def npy_bytes(array: np.ndarray) -> bytes:
    """An array in .npy format (no pickle), as np.save writes it."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _bm25s_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bm25s")
    except PackageNotFoundError:  # pragma: no cover - bm25s is a dependency
        return "0.0.0"
