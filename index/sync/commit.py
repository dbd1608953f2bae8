"""Commit what a sync produced as a new generation, and remember it for the next sync."""

from __future__ import annotations

import logging
import time
from typing import Any

from index.config import IndexConfig
from index.embedding.multilingual import LABEL as MULTILINGUAL_LABEL
from index.lexical.files import npy_bytes
from index.lexical.token_counts import TokenTable
from index.reading.documents import FileOutcome, SourceDocument
from index.storage.chunk_means import MEANS_FILE, chunk_means
from index.storage.files import json_bytes, save_index
from index.storage.generations import GenerationWriter, commit
from index.storage.manifest import load_manifest
from index.storage.parts import SavedIndex
from index.sync.changes import chunker_fingerprint
from index.sync.multilingual import MultilingualParts
from index.sync.previous import remember
from index.sync.vectors import BuildVectors
from index.text.chunking import Chunk

log = logging.getLogger(__name__)


def commit_index(
    config: IndexConfig,
    documents: list[SourceDocument],
    chunks: list[Chunk],
    vectors: BuildVectors,
    tokens: TokenTable,
    stats: dict[str, Any],
    multilingual: MultilingualParts,
    outcomes: list[FileOutcome] | None = None,
) -> None:
    """Write and commit a new generation, and keep it in memory for the next sync (--watch)."""
    writer = GenerationWriter(config.storage_dir)
    save_index(
        writer,
        documents,
        chunks,
        (vectors.chunks, vectors.sentences),
        tokens,
        stats,
        multilingual.languages,
        multilingual.vectors,
    )
    manifest = _manifest(config, documents, chunks, vectors.chunks.shape[1])
    manifest["ledger"] = ledger(outcomes or [])
    if multilingual.vectors is not None:
        manifest["multilingual"] = MULTILINGUAL_LABEL
    generation = commit(config.storage_dir, writer, manifest)
    written = SavedIndex(
        generation,
        load_manifest(generation),
        documents={d.source: d for d in documents},
        chunks=chunks,
        chunk_matrix=vectors.chunks,
        sentence_vectors=vectors.sentences,
        file_stats=stats,
        tokens=tokens,
        multilingual_sentences=multilingual.vectors,
        chunk_languages=multilingual.languages,
        verified=True,
    )
    remember(config, generation, written)


def commit_file_stats(
    config: IndexConfig,
    previous: SavedIndex,
    stats: dict[str, Any],
    outcomes: list[FileOutcome] | None = None,
) -> None:
    """If file keys moved, commit the same index with the new ones, its other files hard-linked.

    Files touched or copied back with the same bytes, or last read by an older version, would
    otherwise be read again by every sync until some document changes. An index written by an
    older version also gets the parts it lacks (_missing_parts) this way, without re-embedding.
    """
    files_ledger = ledger(outcomes or [])
    same_ledger = files_ledger == previous.manifest.get("ledger", files_ledger)
    added = _missing_parts(previous)
    if (
        not added
        and same_ledger
        and stats == {**previous.file_stats, "scanned_ns": stats["scanned_ns"]}
    ):
        return
    writer = GenerationWriter(config.storage_dir)
    for name, checksum in previous.manifest["files"].items():
        if name != "file_stats.json":  # all verified by _up_to_date
            writer.link(name, previous.generation / name, checksum)
    writer.write("file_stats.json", json_bytes(stats))
    for name, data in added.items():
        writer.write(name, data)
    kept = {k: v for k, v in previous.manifest.items() if k not in ("files", "format")}
    kept["ledger"] = files_ledger
    generation = commit(config.storage_dir, writer, kept)
    parts = {k: v for k, v in vars(previous).items() if k not in ("generation", "manifest")}
    recorded = SavedIndex(generation, load_manifest(generation), **{**parts, "file_stats": stats})
    remember(config, generation, recorded)


def _missing_parts(previous: SavedIndex) -> dict[str, bytes]:
    """Files that an index written by an older version lacks and loads would otherwise redo."""
    if MEANS_FILE in previous.manifest["files"]:
        return {}
    sentences = previous.multilingual_sentences  # read only here: None without e5
    if sentences is None:
        return {}
    counts = [len(chunk.sentences) for chunk in previous.chunks]
    means = chunk_means(sentences, counts)
    log.info("Stored each chunk's e5 vector, which loading this older index recomputed")
    return {MEANS_FILE: npy_bytes(means)}


def ledger(outcomes: list[FileOutcome]) -> dict[str, list[str]]:
    """What became of each file (status and reason) as the Documents tab lists it."""
    return {o.source: [o.status, o.reason] for o in outcomes if o.still_there}


def _manifest(
    config: IndexConfig, documents: list[SourceDocument], chunks: list[Chunk], dimension: int
) -> dict[str, object]:
    return {
        "settings": config.settings(),
        "chunker": chunker_fingerprint(config),
        "dimension": dimension,
        "metric": "inner_product",
        "normalized": True,
        "counts": {"documents": len(documents), "chunks": len(chunks)},
        "documents": {d.source: d.sha256 for d in documents},
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
