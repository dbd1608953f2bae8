"""Chunk and sentence vectors for a build: reused from the last index by row or text, else embedded.

A vector depends only on the model and the text it embeds, so keying reuse by text is exact: a
renamed file, a moved paragraph or a chunk a changed chunker produced again costs no embedding.
Chunks carried over from an unchanged document keep their rows without any text lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index.text.chunking import Chunk

if TYPE_CHECKING:
    from index.storage.parts import SavedIndex

EmbedTexts = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class BuildVectors:
    """Row i of `chunks` belongs to chunk i; `sentences` follows the chunks' sentences in order."""

    chunks: np.ndarray  # float32, unit length
    sentences: np.ndarray  # float16, as stored
    chunk_rows: np.ndarray  # per chunk: a previous chunk row with the same text, or -1
    sentence_rows: np.ndarray  # per sentence: a previous sentence row with the same text, or -1
    embedded_texts: int  # distinct chunk and sentence texts sent to the model

    @property
    def reused_chunks(self) -> int:
        """Chunks whose text was in the stored index."""
        return int(np.count_nonzero(self.chunk_rows >= 0))

    @property
    def embedded_chunks(self) -> int:
        """Chunks whose text was not in the stored index."""
        return len(self.chunk_rows) - self.reused_chunks


def build_vectors(
    texts: dict[str, str],
    chunks: list[Chunk],
    carried: Sequence[int],
    previous: SavedIndex | None,
    embed_texts: EmbedTexts,
) -> BuildVectors:
    """Vectors of every chunk and sentence, reused from `previous` where it has them.

    carried[i] >= 0 is chunk i's row in `previous`, known by position; other chunks and their
    sentences are looked up by text. Each text found nowhere is embedded once.
    """
    counts = np.array([len(c.sentences) for c in chunks], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(counts)])
    chunk_rows = np.array(carried, dtype=np.int64) if previous else np.full(len(chunks), -1)
    sentence_rows = np.full(int(first[-1]), -1, dtype=np.int64)
    if previous is not None:
        # A carried chunk's sentences are its old chunk's sentences, in order.
        old_first = np.concatenate([[0], np.cumsum([len(c.sentences) for c in previous.chunks])])
        kept = np.repeat(chunk_rows >= 0, counts)
        within = np.arange(len(sentence_rows)) - np.repeat(first[:-1], counts)
        sentence_rows[kept] = (np.repeat(old_first[chunk_rows.clip(0)], counts) + within)[kept]
    missing: dict[int, str] = {}  # chunk or sentence position (sentences after chunks) -> text
    looked_up = np.flatnonzero(chunk_rows < 0).tolist()
    known_chunks, known_sentences = _known_texts(previous if looked_up else None)
    for i in looked_up:
        chunk, text = chunks[i], texts[chunks[i].source]
        chunk_rows[i] = known_chunks.get(text[chunk.start : chunk.end], -1)
        if chunk_rows[i] < 0:
            missing[i] = text[chunk.start : chunk.end]
        for k, (a, b) in enumerate(chunk.sentences):
            sentence_rows[first[i] + k] = known_sentences.get(text[a:b], -1)
            if sentence_rows[first[i] + k] < 0:
                missing[len(chunks) + int(first[i]) + k] = text[a:b]
    # dict.fromkeys dedups in order: documents that share text embed it once.
    fresh_texts = list(dict.fromkeys(missing.values()))
    if fresh_texts or previous is None:
        fresh = embed_texts(fresh_texts)
    else:  # nothing new (a deletion, a rename): do not even load the model
        fresh = np.zeros((0, previous.chunk_matrix.shape[1]), dtype=np.float32)
    fresh_row = {text: row for row, text in enumerate(fresh_texts)}
    new_rows = {position: fresh_row[text] for position, text in missing.items()}
    old_chunks = previous.chunk_matrix if previous is not None else fresh[:0]
    old_sentences = previous.sentence_vectors if previous is not None else fresh[:0]
    return BuildVectors(
        chunks=_gather(chunk_rows, old_chunks, new_rows, 0, fresh, np.float32),
        sentences=_gather(sentence_rows, old_sentences, new_rows, len(chunks), fresh, np.float16),
        chunk_rows=chunk_rows,
        sentence_rows=sentence_rows,
        embedded_texts=len(fresh_texts),
    )


def _gather(
    rows: np.ndarray,
    old: np.ndarray,
    new_rows: dict[int, int],
    offset: int,
    fresh: np.ndarray,
    dtype: type,
) -> np.ndarray:
    """Row i from old[rows[i]] where rows[i] >= 0, else from fresh (new_rows[offset + i])."""
    gathered: np.ndarray = np.empty((len(rows), fresh.shape[1]), dtype=dtype)
    is_old = rows >= 0
    # Whole-array gathers, not a row-by-row copy: this runs for 10,000s of rows every sync.
    gathered[is_old] = old[rows[is_old]]
    missing = np.flatnonzero(~is_old).tolist()
    gathered[~is_old] = fresh[np.array([new_rows[offset + i] for i in missing], dtype=np.int64)]
    return gathered


def _known_texts(previous: SavedIndex | None) -> tuple[dict[str, int], dict[str, int]]:
    """Row of every chunk text in previous.chunk_matrix and every sentence text in its sentences."""
    # Rows are found by text, so a chunk that appears twice maps to one row: any row is right.
    if previous is None:
        return {}, {}
    texts = {source: document.text for source, document in previous.documents.items()}
    chunk_rows = {texts[c.source][c.start : c.end]: row for row, c in enumerate(previous.chunks)}
    sentence_spans = ((c.source, a, b) for c in previous.chunks for a, b in c.sentences)
    sentence_rows = {texts[source][a:b]: row for row, (source, a, b) in enumerate(sentence_spans)}
    return chunk_rows, sentence_rows
