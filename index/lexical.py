"""BM25 over word and phonetic tokens, built fast enough to redo on every sync of a large folder.

bm25s.BM25.index counts terms in Python loops (seconds for 10,000 chunks, twice: words and
phonetic tokens), and tokenizing costs more than that again. So each chunk text's token counts
are remembered across syncs, and the score matrix is computed with numpy; the result is an
ordinary bm25s.BM25 (same Lucene formulas, same files), so retrieval and loading are unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.tokenizing import tokenize
from index.transliteration import phonetic_tokens

# Lucene's defaults; on Hindi XQuAD they beat bm25s' k1=1.5 (0.961 against 0.959 nDCG@10).
BM25_K1 = 1.2
BM25_B = 0.75
# Process-wide token ids, and token counts by chunk text; dropped whole when they grow past
# these bounds, so a --watch that runs for months stays small.
_ids: dict[str, int] = {}
_bags: dict[str, tuple[Bag, Bag]] = {}
_MAX_TOKENS = 2_000_000
_MAX_TEXTS = 200_000
_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Bag:
    """One text's tokens as distinct ids (into the process-wide table) and their counts."""

    ids: np.ndarray
    counts: np.ndarray
    length: int


def lexical_index(texts: list[str]) -> tuple[Any, Any, dict[str, float]]:
    """BM25 over word tokens and over phonetic tokens, and per-token IDF for single sentences."""
    if len(_ids) > _MAX_TOKENS or len(_bags) > _MAX_TEXTS:
        _ids.clear()
        _bags.clear()
    pairs = [_bags_of(text) for text in texts]
    bm25, document_frequency = bm25_from_bags([words for words, _ in pairs])
    phonetic, _ = bm25_from_bags([sounds for _, sounds in pairs])
    total = len(texts)
    idf = {
        token: math.log(1 + (total - count + 0.5) / (count + 0.5))
        for token, count in document_frequency.items()
    }
    return bm25, phonetic, idf


def remember_tokens(texts: Iterable[str]) -> None:
    """Tokenize texts now, so that the next lexical_index over them only counts."""
    for text in texts:
        _bags_of(text)


def tokenizer_fingerprint() -> str:
    """A hash of the tokenizing code: saved token counts are reused only by the same code."""
    # Not TOKENIZER_VERSION alone: a change that forgot to bump it must not leave stale tokens.
    from index import tokenizing, transliteration

    digest = hashlib.sha256()
    for module_file in (tokenizing.__file__, transliteration.__file__, __file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:16]


def saved_bags(texts: list[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """These texts' token counts as flat arrays (for np.savez) and the token table they index."""
    pairs = [_bags_of(text) for text in texts]
    arrays = {}
    for kind, bags in (("words", [w for w, _ in pairs]), ("sounds", [s for _, s in pairs])):
        arrays[f"{kind}_ids"] = np.concatenate([b.ids for b in bags] or [_NONE]).astype(np.int32)
        counts = np.concatenate([b.counts for b in bags] or [_NONE])
        # Counts are small (a chunk repeats a token a few times): one byte each, not eight.
        arrays[f"{kind}_counts"] = counts.astype(np.min_scalar_type(int(counts.max(initial=0))))
        arrays[f"{kind}_sizes"] = np.array([len(b.ids) for b in bags], dtype=np.int64)
        arrays[f"{kind}_lengths"] = np.array([b.length for b in bags], dtype=np.int64)
    return arrays, list(_ids)  # the whole table: cheaper than renumbering the tokens used


def restore_bags(texts: list[str], vocabulary: list[str], arrays: Mapping[str, Any]) -> None:
    """Remember saved token counts of these texts, so that lexical_index only counts them."""
    table = np.array([_ids.setdefault(token, len(_ids)) for token in vocabulary], dtype=np.int64)
    kinds = []
    for kind in ("words", "sounds"):
        ids, counts = table[arrays[f"{kind}_ids"]], arrays[f"{kind}_counts"]
        sizes = arrays[f"{kind}_sizes"].tolist()
        ends = np.cumsum(sizes).tolist()
        lengths = arrays[f"{kind}_lengths"].tolist()
        kinds.append(
            [
                Bag(ids[end - size : end], counts[end - size : end], length)
                for size, end, length in zip(sizes, ends, lengths, strict=True)
            ]
        )
    for text, words, sounds in zip(texts, *kinds, strict=True):
        _bags.setdefault(text, (words, sounds))


def _bags_of(text: str) -> tuple[Bag, Bag]:
    if text not in _bags:
        _bags[text] = (bag(tokenize(text)), bag(phonetic_tokens(text)))
    return _bags[text]


def bag(tokens: list[str]) -> Bag:
    """Count a token list under the process-wide ids."""
    ids = np.array([_ids.setdefault(token, len(_ids)) for token in tokens], dtype=np.int64)
    distinct, counts = np.unique(ids, return_counts=True)
    return Bag(distinct, counts, len(tokens))


def bm25_from_bags(bags: list[Bag]) -> tuple[Any, dict[str, int]]:
    """A bm25s.BM25 (Lucene variant) over these documents, and each token's document count."""
    import bm25s
    import scipy.sparse

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
    sizes = np.array([len(b.ids) for b in bags], dtype=np.int64)
    document = np.repeat(np.arange(len(bags)), sizes)
    global_ids = np.concatenate([b.ids for b in bags]) if bags else np.zeros(0, np.int64)
    term_frequency = np.concatenate([b.counts for b in bags]) if bags else np.zeros(0)
    # Renumber the tokens these documents use as 0..n-1 (counting, not sorting: it runs per sync).
    present = np.bincount(global_ids, minlength=len(_ids)) > 0
    token = (np.cumsum(present) - 1)[global_ids]
    names = _names_of(np.flatnonzero(present))
    document_frequency = np.bincount(token, minlength=len(names))
    idf = np.log1p((len(bags) - document_frequency + 0.5) / (document_frequency + 0.5))
    lengths = np.array([b.length for b in bags], dtype=np.float64)
    average = max(float(lengths.mean()), 1e-9) if bags else 1.0
    norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths[document] / average)
    scores = idf[token] * term_frequency / (norm + term_frequency)
    matrix = scipy.sparse.csc_matrix(
        (scores.astype(np.float32), (document, token)),
        shape=(len(bags), len(names)),
        dtype=np.float32,
    )
    bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    bm25.scores = {
        "data": matrix.data,
        "indices": matrix.indices,
        "indptr": matrix.indptr,
        "num_docs": len(bags),
    }
    vocabulary = {name: number for number, name in enumerate(names)}
    # As bm25s.index does: an empty token after the vocabulary, for queries with no known token.
    bm25.vocab_dict = vocabulary if "" in vocabulary else {**vocabulary, "": len(names)}
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None
    return bm25, dict(zip(names, document_frequency.tolist(), strict=True))


def _names_of(ids: np.ndarray) -> list[str]:
    names = list(_ids)  # dicts keep insertion order, so position is the id
    return [names[i] for i in ids.tolist()]
