"""Split document text into sentences and sentence-aligned chunks, keeping exact character offsets.

We do not use llama-index's SentenceSplitter: it recovers offsets afterwards with str.find, drops
sentence boundaries we need for citations, and is slow on very long lines (reliability notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (with any closing quotes or brackets) before whitespace, at a Devanagari
# danda even with no space after it, and at a line break (headlines and list items have no stop).
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s)|[\u0964\u0965]|\n")
MAX_SENTENCE_CHARS = 800


@dataclass(frozen=True)
class Chunk:
    """Whole sentences of one document; `sentences` are (start, end) offsets into its text."""

    source: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every sentence, trimmed of surrounding whitespace, in text order."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        spans.extend(_trimmed_pieces(text, position, match.end()))
        position = match.end()
    spans.extend(_trimmed_pieces(text, position, len(text)))
    return spans


def _trimmed_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trim whitespace; cut over-long runs (a 1 MB line) at spaces so no sentence is unbounded."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        # The cut can land inside a run of whitespace; a quote must not end in it.
        piece_end = cut
        while text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def chunk_document(source: str, text: str, max_chars: int) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most max_chars (a sentence is never split)."""
    chunks: list[Chunk] = []
    group: list[tuple[int, int]] = []
    for span in split_sentences(text):
        if group and span[1] - group[0][0] > max_chars:
            chunks.append(Chunk(source, group[0][0], group[-1][1], tuple(group)))
            group = []
        group.append(span)
    if group:
        chunks.append(Chunk(source, group[0][0], group[-1][1], tuple(group)))
    return chunks
