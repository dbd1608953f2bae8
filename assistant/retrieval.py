"""Hybrid retrieval: BM25 and dense scores fused per chunk, weighted by what each signal can read.

llama-index's QueryFusionRetriever fuses with fixed weights; ours change per query and per chunk,
because the bundled English model scores Hindi text as noise (nDCG@10 0.048 on Hindi XQuAD) and
naive fusion then drowns good BM25 results. Weights come from benchmarks/fusion_weights.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from index import (
    StoredIndex,
    embed,
    embed_multilingual_query,
    language_of,
    models_read,
    phonetic_tokens,
    tokenize,
)

CANDIDATES = 100
# Weights of (dense, BM25, phonetic) scores by (question language, chunk language): the first
# three are the best on the first half of XQuAD's questions in benchmarks/fusion_weights.py
# (README, "Retrieval quality"); XQuAD has no Hindi questions over English text, so the fourth is
# not tuned there. The model reads only English, so dense counts only between English texts.
# Within one script, phonetic tokens catch spellings that words miss (Hindi transliterations
# above all); across scripts only names and numbers match, through them. Those weights sum to
# less than 1 so a cross-script match never outranks an equally good match in the question's own
# language. For English, (0.65, 0.35, 0.1) scored 0.0001 higher on that half (a tie) but ranked
# "How many members does the INDIA alliance have?" (tests/test_retrieval.py) second.
WEIGHTS = {
    ("en", "en"): (0.65, 0.35, 0.05),
    ("hi", "hi"): (0.0, 1.0, 0.2),
    ("en", "hi"): (0.0, 0.15, 0.35),
    ("hi", "en"): (0.0, 0.15, 0.45),
}
# In an index with multilingual-e5 vectors (any folder that holds non-English text): weights of
# (MiniLM dense, e5 dense, BM25, phonetic), chosen on the first half of each of the four XQuAD
# sets by benchmarks/quality/fusion_weights.py. The chosen (0, 1.5, 1.0, 0.2) for (hi, hi) is
# scaled here to the sum of WEIGHTS' (1.2): the ranking is the same, and the fused score, which
# the answerer reads as a feature, keeps the scale its same-language model was fitted on. For
# English over an English corpus with e5 vectors the grid chose (0.45, 0.8, 0.35, 0.05): nDCG@10
# 0.9933 on the first half against 0.9926 without e5 (second half 0.9781 against 0.9749), but it
# ranked "How many members does the INDIA alliance have?" (tests/test_retrieval.py) below
# another article, so English keeps MiniLM's weights, as in an English-only folder.
MULTILINGUAL_WEIGHTS = {
    ("en", "en"): (0.65, 0.0, 0.35, 0.05),
    ("hi", "hi"): (0.0, 0.667, 0.444, 0.089),
    ("en", "hi"): (0.0, 1.0, 0.05, 0.1),
    ("hi", "en"): (0.0, 1.0, 0.15, 0.1),
}
# e5 cosines crowd into 0.7-0.9; on English XQuAD the means of relevant and other chunks (0.847,
# 0.736) map onto MiniLM's (0.508, 0.028) by this line (benchmarks/quality/fusion_weights.py).
E5_SCALE, E5_SHIFT = 4.3, -3.15
BM25 = (0.0, 0.0, 1.0, 0.0)


@dataclass(frozen=True)
class Query:
    """A question prepared once for every retriever and the answerer."""

    text: str
    language: str
    tokens: list[str]
    vector: np.ndarray | None  # MiniLM's; None where no weight reads it (see prepare_query)
    multilingual: np.ndarray | None = None  # the e5 `query:` vector, for an index that has e5


@dataclass(frozen=True)
class ScoredChunk:
    """One retrieved chunk with its fused score and each signal's own score (0 when absent)."""

    chunk_id: int
    score: float
    dense: float
    bm25: float
    phonetic: float
    multilingual: float = 0.0


def prepare_query(text: str, model_path: str, multilingual: bool = False) -> Query:
    """Tokenize and embed the question once per model the index uses, both models at once."""
    language = language_of(text)
    if not multilingual:
        return Query(text, language, tokenize(text), embed(model_path, [text])[0])
    if language != "en":
        # MiniLM reads English only: with e5 in the index, every weight of a Hindi (or other)
        # question is on e5, BM25 and sounds (MULTILINGUAL_WEIGHTS), so MiniLM's vector is skipped.
        return Query(text, language, tokenize(text), None, embed_multilingual_query(text))
    with ThreadPoolExecutor(1) as pool:  # both engines release the GIL: two cores, one wait
        e5 = pool.submit(embed_multilingual_query, text)
        vector = embed(model_path, [text])[0]
        return Query(text, language, tokenize(text), vector, e5.result())


def uses_multilingual(index: StoredIndex) -> bool:
    """Whether questions to this index need an e5 vector too."""
    return index.multilingual_chunks is not None


def retrieve(
    index: StoredIndex, query: Query, top_k: int, mode: str = "hybrid", other_languages: int = 0
) -> list[ScoredChunk]:
    """The top_k chunks for `query` under `mode` ('hybrid', 'dense' or 'bm25').

    With `other_languages`, and e5 vectors to read across languages, up to that many of the
    best chunks in another language than the question's that missed the top_k follow them.
    """
    bm25 = _bm25_scores(index.bm25, query.tokens) if mode != "dense" else None
    phonetic = _phonetic_scores(index, query) if mode == "hybrid" else None
    candidates = _candidates(index, query, [bm25, phonetic], mode)
    if not len(candidates):
        return []
    dense = _dense_scores(index, query, candidates)
    e5 = _multilingual_scores(index, query, candidates)
    lexical, sounds = _scaled(bm25, candidates), _scaled(phonetic, candidates)
    if mode == "dense":
        fused = e5 if e5 is not None else dense
    elif mode == "bm25":
        fused = lexical
    else:
        fused = _fused(index, query, candidates, (dense, e5, lexical, sounds))
    order = np.argsort(-fused, kind="stable")
    order = _with_other_languages(index, query, candidates, order, top_k, other_languages)
    e5 = e5 if e5 is not None else np.zeros(len(candidates))
    return [
        ScoredChunk(
            int(candidates[i]),
            float(fused[i]),
            float(dense[i]),
            float(lexical[i]),
            float(sounds[i]),
            float(e5[i]),
        )
        for i in order
        if fused[i] > 0
    ]


def _with_other_languages(
    index: StoredIndex,
    query: Query,
    candidates: np.ndarray,
    order: np.ndarray,
    top_k: int,
    count: int,
) -> np.ndarray:
    """The top_k of `order`, then its first `count` others in another language than the question's.

    In a mixed folder most chunks often share the question's language, and five of them filled
    the top: an English question about the Hindi article saw no Hindi sentence to answer from.
    """
    if not count or query.multilingual is None or index.multilingual_chunks is None:
        return order[:top_k]
    rest = order[top_k:]
    other = rest[index.chunk_languages[candidates[rest]] != query.language][:count]
    return np.concatenate([order[:top_k], other])


def _fused(
    index: StoredIndex,
    query: Query,
    candidates: np.ndarray,
    signals: tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray],
) -> np.ndarray:
    """The weighted sum of the signals, weights by question language and each chunk's language."""
    dense, e5, lexical, sounds = signals
    languages = index.chunk_languages[candidates]
    if e5 is None:
        table = [WEIGHTS.get((query.language, str(lang)), (0.0, 1.0, 0.0)) for lang in languages]
        weights = np.array(table).reshape(-1, 3)
        return weights[:, 0] * dense + weights[:, 1] * lexical + weights[:, 2] * sounds
    # A language neither table names (not en/hi) is read by e5 and BM25, and one that e5 does not
    # read by BM25 alone: its e5 vectors are noise.
    rows = [
        MULTILINGUAL_WEIGHTS.get(
            (query.language, str(lang)), (0.0, 1.0, 1.0, 0.0) if models_read(str(lang)) else BM25
        )
        for lang in languages
    ]
    w = np.array(rows).reshape(-1, 4)
    return w[:, 0] * dense + w[:, 1] * e5 + w[:, 2] * lexical + w[:, 3] * sounds


def _candidates(
    index: StoredIndex, query: Query, lexical: list[np.ndarray | None], mode: str
) -> np.ndarray:
    """Union of the best chunks by meaning, by words and by sound; only these are scored."""
    found: list[np.ndarray] = []
    count = min(CANDIDATES, len(index.chunks))
    if mode != "bm25" and count:
        if query.vector is not None:
            _search_on_one_thread()
            _, ids = index.chunk_vectors.search(query.vector.reshape(1, -1), count)
            found.append(ids[0][ids[0] >= 0])
        if index.multilingual_chunks is not None and query.multilingual is not None:
            cosines = index.multilingual_chunks @ query.multilingual
            found.append(np.argpartition(-cosines, count - 1)[:count])
    for scores in lexical:
        if scores is not None and count:
            top = np.argpartition(-scores, count - 1)[:count]
            found.append(top[scores[top] > 0])
    return np.unique(np.concatenate(found)).astype(np.int64) if found else np.zeros(0, np.int64)


def _scaled(scores: np.ndarray | None, candidates: np.ndarray) -> np.ndarray:
    """BM25 scores have no fixed range: divide by the query's best, so 1 means the top match."""
    if scores is None:
        return np.zeros(len(candidates))
    return scores[candidates] / max(float(scores.max()), 1e-9)


def _dense_scores(index: StoredIndex, query: Query, candidates: np.ndarray) -> np.ndarray:
    """MiniLM's cosines of the candidates, each 0..1 (zeros for a question it does not read)."""
    if query.vector is None:
        return np.zeros(len(candidates))
    cosines = _chunk_and_sentence(
        index, candidates, index.chunk_matrix, index.sentence_vectors, query.vector
    )
    return np.clip(cosines, 0.0, 1.0)


def _chunk_and_sentence(
    index: StoredIndex,
    candidates: np.ndarray,
    chunks: np.ndarray,
    sentences: Any,
    vector: np.ndarray,
) -> np.ndarray:
    """Half the chunk's cosine, half its best sentence's: questions usually target one sentence."""
    chunk_cosines = chunks[candidates] @ vector
    # One gather and one product for every candidate's sentences, then the best per chunk, in
    # place of a Python loop of small products per candidate (same numbers, fewer calls).
    starts = index.first_sentence[candidates]
    counts = index.first_sentence[candidates + 1] - starts
    offsets = np.cumsum(counts) - counts
    rows = np.arange(int(counts.sum())) + np.repeat(starts - offsets, counts)
    cosines = sentences[rows].astype(np.float32) @ vector
    best_sentence = np.maximum.reduceat(cosines, offsets) if len(rows) else chunk_cosines
    return np.asarray(0.5 * chunk_cosines + 0.5 * best_sentence)


def _multilingual_scores(
    index: StoredIndex, query: Query, candidates: np.ndarray
) -> np.ndarray | None:
    """The e5 score as _dense_scores scores MiniLM's, rescaled onto MiniLM's range; None without."""
    if index.multilingual_chunks is None or query.multilingual is None:
        return None
    cosines = _chunk_and_sentence(
        index,
        candidates,
        index.multilingual_chunks,
        index.multilingual_sentences,
        query.multilingual,
    )
    return np.clip(E5_SCALE * cosines + E5_SHIFT, 0.0, 1.0)


def _bm25_scores(bm25: Any, tokens: list[str]) -> np.ndarray:
    if not tokens or not bm25.scores["num_docs"]:
        return np.zeros(int(bm25.scores["num_docs"]), dtype=np.float32)
    return np.asarray(bm25.get_scores(tokens), dtype=np.float32)


def _phonetic_scores(index: StoredIndex, query: Query) -> np.ndarray:
    """Sound-alike scores: across scripts they match names; within one, spelling variants."""
    return _bm25_scores(index.phonetic, phonetic_tokens(query.text))


@lru_cache(maxsize=1)
def _search_on_one_thread() -> None:
    """One question is one short scan: FAISS's OpenMP threads only wait on each other.

    Measured on the shared 2-core machine: a flat search of 50,000 vectors took 28-31 ms with
    2 threads and 4.5-5.4 ms with 1 (README "Performance").
    """
    import faiss

    faiss.omp_set_num_threads(1)
