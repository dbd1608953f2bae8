"""Compare a folder with the stored index: what changed, and what of the index carries over."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from index.config import IndexConfig
from index.reading.documents import FileOutcome, SourceDocument
from index.reading.loading import LoadResult
from index.text import chunking
from index.text.chunking import Chunk, chunk_document

if TYPE_CHECKING:
    from index.storage.parts import SavedIndex

log = logging.getLogger(__name__)
# Chunk spans by file content and chunker, oldest first, bounded for a long --watch.
_chunked: dict[tuple[object, ...], list[tuple[int, int, tuple[tuple[int, int], ...]]]] = {}
_CHUNKED_MAX = 100_000


@dataclass(frozen=True)
class SyncChanges:
    """Sources by what happened to them since the stored index, compared by content hash."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


def compare(previous: SavedIndex | None, documents: list[SourceDocument]) -> SyncChanges:
    """Classify each source by its SHA-256 against the one stored (none stored: all added)."""
    stored = {s: d.sha256 for s, d in previous.documents.items()} if previous else {}
    current = {d.source: d.sha256 for d in documents}
    return SyncChanges(
        added=tuple(s for s in current if s not in stored),
        changed=tuple(s for s in current if s in stored and stored[s] != current[s]),
        removed=tuple(s for s in stored if s not in current),
        unchanged=tuple(s for s in current if stored.get(s) == current[s]),
    )


def keep_unreadable(
    loaded: LoadResult, previous: SavedIndex | None
) -> tuple[list[SourceDocument], list[FileOutcome]]:
    """Keep the stored version of a file that is still there but cannot be read now.

    A file saved half-way, made unreadable or replaced by something binary must not take what
    was indexed with it; a deleted file (or a duplicate, whose text is indexed) is let go.
    """
    documents = list(loaded.documents)
    outcomes = []
    for outcome in loaded.outcomes:
        stored = previous.documents.get(outcome.source) if previous else None
        if outcome.status == "skipped" and outcome.still_there and stored is not None:
            outcome = replace(
                outcome, status="kept", reason=f"{outcome.reason}; kept the version indexed before"
            )
            log.info("Kept the stored version of %s: %s", outcome.source, outcome.reason)
            documents.append(stored)
        outcomes.append(outcome)
    return documents, outcomes


def carry_chunks(
    documents: list[SourceDocument], previous: SavedIndex | None, config: IndexConfig
) -> tuple[list[Chunk], list[int]]:
    """Every document's chunks, and per chunk its row in `previous` if carried over, else -1.

    A document whose text the same chunker split before keeps its stored chunks, and with them
    its vectors and token counts by row: nothing about it is looked up by text.
    """
    chunker = chunker_fingerprint(config)
    old_chunks = previous.chunks if previous is not None else []
    old_documents = previous.documents if previous is not None else {}
    stored: dict[str, list[int]] = {}
    if previous is not None and previous.manifest.get("chunker") == chunker:
        for row, chunk in enumerate(old_chunks):
            stored.setdefault(chunk.source, []).append(row)
    chunks: list[Chunk] = []
    carried: list[int] = []
    for document in documents:
        old = old_documents.get(document.source)
        rows = stored.get(document.source) if old and old.text == document.text else None
        if rows:
            chunks.extend(old_chunks[row] for row in rows)
            carried.extend(rows)
        else:
            new = _chunks_of(document, config, chunker)
            chunks.extend(new)
            carried.extend([-1] * len(new))
    return chunks, carried


def _chunks_of(document: SourceDocument, config: IndexConfig, chunker: str) -> list[Chunk]:
    """Chunk a document, or recall how the same bytes were chunked by the same chunker."""
    key = (document.sha256, document.source.rpartition(".")[2], chunker)
    if key not in _chunked:
        spans = chunk_document("", document.text, config.chunk_chars)
        _chunked[key] = [(c.start, c.end, c.sentences) for c in spans]
        while len(_chunked) > _CHUNKED_MAX:
            _chunked.pop(next(iter(_chunked)))
    return [Chunk(document.source, *span) for span in _chunked[key]]


def chunker_fingerprint(config: IndexConfig) -> str:
    """The chunking code, its sentence limit and the chunk size: stored chunks need all three."""
    code = Path(chunking.__file__).read_bytes()
    digest = hashlib.sha256(code + repr(chunking.MAX_SENTENCE_CHARS).encode()).hexdigest()[:16]
    return f"{digest}:{config.chunk_chars}"
