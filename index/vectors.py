"""Chunk and sentence vectors for a build: reused by exact text from the last index, else embedded.

A vector depends only on the model and the text it embeds, so keying reuse by text is exact: a
renamed file, a moved paragraph or a chunk a changed chunker produced again costs no embedding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index.chunking import Chunk

if TYPE_CHECKING:
    from index.store import StoredIndex

EmbedTexts = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class BuildVectors:
    """Row i of `chunks` belongs to chunk i; `sentences` follows the chunks' sentences in order."""

    chunks: np.ndarray  # float32, unit length
    sentences: np.ndarray  # float16, as stored
    reused_chunks: int
    embedded_chunks: int
    embedded_texts: int  # distinct chunk and sentence texts sent to the model
    fresh_mask: list[bool]  # per chunk: was its vector embedded in this build


def build_vectors(
    texts: dict[str, str],
    chunks: list[Chunk],
    previous: StoredIndex | None,
    embed_texts: EmbedTexts,
) -> BuildVectors:
    """Look every chunk and sentence text up in `previous`; embed each missing text once."""
    chunk_texts = [texts[c.source][c.start : c.end] for c in chunks]
    sentence_texts = [texts[c.source][a:b] for c in chunks for a, b in c.sentences]
    known_chunks, known_sentences = _known_texts(previous)
    missing_chunks = [t for t in chunk_texts if t not in known_chunks]
    missing_sentences = [t for t in sentence_texts if t not in known_sentences]
    # dict.fromkeys dedups in order: documents that share text embed it once.
    fresh_texts = list(dict.fromkeys(missing_chunks + missing_sentences))
    if fresh_texts or previous is None:
        fresh = embed_texts(fresh_texts)
    else:  # nothing new (a deletion, a rename): do not even load the model
        fresh = np.zeros((0, previous.chunk_vectors.d), dtype=np.float32)
    fresh_row = {text: row for row, text in enumerate(fresh_texts)}
    dimension = fresh.shape[1]
    old_chunks = previous.chunk_matrix if previous is not None else fresh[:0]
    old_sentences = previous.sentence_vectors if previous is not None else fresh[:0]
    chunk_vectors = _gather(chunk_texts, known_chunks, old_chunks, fresh_row, fresh, np.float32)
    sentence_vectors = _gather(
        sentence_texts, known_sentences, old_sentences, fresh_row, fresh, np.float16
    )
    return BuildVectors(
        chunks=chunk_vectors.reshape(-1, dimension),
        sentences=sentence_vectors.reshape(-1, dimension),
        reused_chunks=len(chunk_texts) - len(missing_chunks),
        embedded_chunks=len(missing_chunks),
        embedded_texts=len(fresh_texts),
        fresh_mask=[t not in known_chunks for t in chunk_texts],
    )


def _gather(
    texts: list[str],
    known: dict[str, int],
    old: np.ndarray,
    fresh_row: dict[str, int],
    fresh: np.ndarray,
    dtype: type,
) -> np.ndarray:
    """One row per text, from the old matrix where known, else from the fresh one."""
    rows: np.ndarray = np.empty((len(texts), fresh.shape[1]), dtype=dtype)
    is_old = np.array([text in known for text in texts], dtype=bool)
    old_rows = [known[text] for text in texts if text in known]
    new_rows = [fresh_row[text] for text in texts if text not in known]
    # Whole-array gathers, not a row-by-row copy: this runs for 10,000s of rows every sync.
    rows[is_old] = old[np.array(old_rows, dtype=np.int64)]
    rows[~is_old] = fresh[np.array(new_rows, dtype=np.int64)]
    return rows


def _known_texts(previous: StoredIndex | None) -> tuple[dict[str, int], dict[str, int]]:
    """Row of every chunk text in previous.chunk_matrix and every sentence text in its sentences."""
    # Rows are found by text, so a chunk that appears twice maps to one row: any row is right.
    if previous is None:
        return {}, {}
    texts = {source: document.text for source, document in previous.documents.items()}
    chunk_rows = {texts[c.source][c.start : c.end]: row for row, c in enumerate(previous.chunks)}
    sentence_spans = ((c.source, a, b) for c in previous.chunks for a, b in c.sentences)
    sentence_rows = {texts[source][a:b]: row for row, (source, a, b) in enumerate(sentence_spans)}
    return chunk_rows, sentence_rows
