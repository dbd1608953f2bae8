"""What a sync adds for the multilingual model: each chunk's language and the sentences' e5 vectors.

MiniLM reads English only. Text in any other language needs multilingual-e5, and once a folder
holds more than one language every sentence gets it, so a question in one language can find
text in the other. An English-only folder pays nothing new (ASSISTANT_MULTILINGUAL=always or
never overrides the rule). Vectors are reused by the sentence rows that build_vectors matched,
so an index written before this model existed is upgraded by embedding only what needs e5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index.embedding.multilingual import LABEL
from index.reading.documents import SourceDocument
from index.reading.metadata import language_of
from index.text.chunking import Chunk

if TYPE_CHECKING:
    from index.storage.parts import SavedIndex

EmbedPassages = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class MultilingualParts:
    """Each chunk's language, the sentences' e5 vectors (None: not needed) and what was embedded."""

    languages: list[str]
    vectors: np.ndarray | None  # float16, one row per sentence, the chunks' sentences in order
    embedded_texts: int  # distinct sentence texts sent to the multilingual model


def chunk_languages(
    documents: dict[str, SourceDocument],
    chunks: list[Chunk],
    chunk_rows: np.ndarray,
    previous: SavedIndex | None,
) -> list[str]:
    """Each chunk's language: Hindi by its script, else its document's language.

    A mixed-script document's chunks differ: a Latin chunk of a Hindi document is English.
    """
    stored = previous.chunk_languages if previous is not None else None
    return [
        stored[row] if stored is not None and row >= 0 else _chunk_language(documents[c.source], c)
        for c, row in zip(chunks, chunk_rows.tolist(), strict=True)
    ]


def _chunk_language(document: SourceDocument, chunk: Chunk) -> str:
    if language_of(document.text[chunk.start : chunk.end]) == "hi":
        return "hi"
    return "en" if document.language == "hi" else document.language


def needs_multilingual(mode: str, languages: list[str]) -> bool:
    """Whether this folder's texts get multilingual vectors (see the module's rule)."""
    return mode == "always" or (mode == "auto" and any(lang != "en" for lang in languages))


def multilingual_vectors(
    sentence_texts: list[str],
    sentence_rows: np.ndarray,
    previous: SavedIndex | None,
    embed_passages: EmbedPassages,
) -> tuple[np.ndarray, int]:
    """The e5 vector of every sentence, from the previous index's row where it has one."""
    old = _reusable(previous)
    rows = sentence_rows if old is not None else np.full(len(sentence_texts), -1, dtype=np.int64)
    missing = np.flatnonzero(rows < 0).tolist()
    fresh_texts = list(dict.fromkeys(sentence_texts[i] for i in missing))
    fresh = embed_passages(fresh_texts) if fresh_texts else None
    dimension = fresh.shape[1] if fresh is not None else (old.shape[1] if old is not None else 384)
    vectors = np.empty((len(sentence_texts), dimension), dtype=np.float16)
    kept = rows >= 0
    if old is not None:
        vectors[kept] = old[rows[kept]]
    if fresh is not None:
        fresh_row = {text: row for row, text in enumerate(fresh_texts)}
        vectors[missing] = fresh[[fresh_row[sentence_texts[i]] for i in missing]]
    return vectors, len(fresh_texts)


def _reusable(previous: SavedIndex | None) -> np.ndarray | None:
    """The previous index's e5 vectors, if it has them from this model."""
    if previous is None or previous.manifest.get("multilingual") != LABEL:
        return None
    return previous.multilingual_sentences
