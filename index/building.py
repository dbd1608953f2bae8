"""Sync the index with a documents folder: load -> chunk -> reuse or embed vectors -> store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk
from index.config import IndexConfig
from index.embedding import dimension_of, embed
from index.lexical import TokenTable, count_tokens
from index.loading import FileOutcome, SourceDocument, load_documents
from index.storage import (
    GenerationWriter,
    IndexCorruptError,
    commit,
    current_generation,
    json_bytes,
    load_manifest,
    writer_lock,
)
from index.store import SavedIndex, save_index
from index.syncing import (
    SyncChanges,
    carry_chunks,
    chunker_fingerprint,
    compare,
    file_stats,
    keep_unreadable,
    unchanged_files,
)
from index.vectors import BuildVectors, build_vectors

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
# The index this process wrote or read last, by storage folder, with its files' sizes and times:
# while CURRENT names it and no file was touched, the next sync (--watch) need not read it back.
_written: dict[Path, tuple[str, tuple[object, ...], SavedIndex]] = {}


@dataclass(frozen=True)
class BuildReport:
    """What a sync did, for the CLI's summary and for tests."""

    documents: int
    chunks: int
    seconds: float
    outcomes: list[FileOutcome]
    changes: SyncChanges
    reused_chunks: int
    embedded_chunks: int  # chunks whose text was not in the stored index
    embedded_texts: int  # distinct chunk and sentence texts sent to the model
    reused_documents: int
    up_to_date: bool
    read_files: int  # files read; the others kept the size and times they were indexed with

    def count(self, status: str) -> int:
        """How many files ended with this status (indexed, skipped, duplicate, kept)."""
        return sum(outcome.status == status for outcome in self.outcomes)


def build_index(config: IndexConfig, progress: Progress | None = None) -> BuildReport:
    """Bring the stored index in line with config.documents_dir, embedding only new text."""
    started = time.perf_counter()
    with writer_lock(config.storage_dir):
        scanned_ns = time.time_ns()  # before any file is looked at (syncing.unchanged_files)
        previous = _previous_index(config)
        held = {s: d.sha256 for s, d in previous.documents.items()} if previous else None
        loaded = load_documents(config, held, unchanged_files(previous))
        documents, outcomes = keep_unreadable(loaded, previous)
        stats = file_stats(scanned_ns, documents, loaded.keys)
        if previous is not None and _up_to_date(previous, documents, config):
            _record_file_stats(config, previous, stats)
            count = int(previous.manifest["counts"]["chunks"])  # verified, so not parsed again
            return BuildReport(
                documents=len(documents),
                chunks=count,
                seconds=time.perf_counter() - started,
                outcomes=outcomes,
                changes=compare(previous, documents),
                reused_chunks=count,
                embedded_chunks=0,
                embedded_texts=0,
                reused_documents=len(documents),
                up_to_date=True,
                read_files=len(loaded.read),
            )
        previous = _with_vectors(previous)
        changes = compare(previous, documents)
        chunks, carried = carry_chunks(documents, previous, config)
        texts = {d.source: d.text for d in documents}
        vectors = build_vectors(
            texts, chunks, carried, previous, lambda batch: _embed_batched(config, batch, progress)
        )
        saved_tokens = previous.tokens if previous is not None else None
        chunk_texts = [texts[c.source][c.start : c.end] for c in chunks]
        tokens = count_tokens(
            chunk_texts, saved_tokens, vectors.chunk_rows if saved_tokens else None
        )
        _store(config, documents, chunks, vectors, tokens, stats)
    seconds = time.perf_counter() - started
    log.info("Indexed %d documents, %d chunks in %.1f s", len(documents), len(chunks), seconds)
    fresh = vectors.chunk_rows < 0
    embedded_sources = {c.source for c, new in zip(chunks, fresh.tolist(), strict=True) if new}
    return BuildReport(
        documents=len(documents),
        chunks=len(chunks),
        seconds=seconds,
        outcomes=outcomes,
        changes=changes,
        reused_chunks=vectors.reused_chunks,
        embedded_chunks=vectors.embedded_chunks,
        embedded_texts=vectors.embedded_texts,
        reused_documents=len(documents) - len(embedded_sources),
        up_to_date=False,
        read_files=len(loaded.read),
    )


def _store(
    config: IndexConfig,
    documents: list[SourceDocument],
    chunks: list[Chunk],
    vectors: BuildVectors,
    tokens: TokenTable,
    stats: dict[str, Any],
) -> None:
    """Write and commit a new generation, and keep it in memory for the next sync (--watch)."""
    writer = GenerationWriter(config.storage_dir)
    save_index(writer, documents, chunks, (vectors.chunks, vectors.sentences), tokens, stats)
    manifest = _manifest(config, documents, chunks, vectors.chunks.shape[1])
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
        verified=True,
    )
    _remember(config, generation, written)


def _up_to_date(previous: SavedIndex, documents: list[SourceDocument], config: IndexConfig) -> bool:
    """Same settings and documents, and every stored file intact (this sync read only some)."""
    same = (
        previous.manifest.get("settings") == config.settings()
        and {d.source: d for d in documents} == previous.documents
    )
    try:
        return same and previous.verified
    except IndexCorruptError as problem:
        log.warning("Not reusing the stored index (%s); indexing everything again", problem)
        return False


def _record_file_stats(config: IndexConfig, previous: SavedIndex, stats: dict[str, Any]) -> None:
    """If file keys moved, commit the same index with the new ones, its other files hard-linked.

    Files touched or copied back with the same bytes, or last read by an older version, would
    otherwise be read again by every sync until some document changes.
    """
    if stats == {**previous.file_stats, "scanned_ns": stats["scanned_ns"]}:
        return
    writer = GenerationWriter(config.storage_dir)
    for name, checksum in previous.manifest["files"].items():
        if name != "file_stats.json":  # all verified by _up_to_date
            writer.link(name, previous.generation / name, checksum)
    writer.write("file_stats.json", json_bytes(stats))
    kept = {k: v for k, v in previous.manifest.items() if k not in ("files", "format")}
    generation = commit(config.storage_dir, writer, kept)
    parts = {k: v for k, v in vars(previous).items() if k not in ("generation", "manifest")}
    recorded = SavedIndex(generation, load_manifest(generation), **{**parts, "file_stats": stats})
    _remember(config, generation, recorded)


def _with_vectors(previous: SavedIndex | None) -> SavedIndex | None:
    """The previous index with the parts a changing sync reuses read now, or None if damaged."""
    if previous is None:
        return None
    try:
        previous.read("chunks", "chunk_matrix", "sentence_vectors", "tokens")
    except Exception as problem:  # damaged or from another layout: embed everything again
        log.warning("Not reusing the stored index (%s); indexing everything again", problem)
        _written.pop(previous.generation.parent.resolve(), None)
        return None
    return previous


def _previous_index(config: IndexConfig) -> SavedIndex | None:
    """The current index when readable and embedded with the same model, else None."""
    key = config.storage_dir.resolve()
    try:
        generation = current_generation(config.storage_dir)
        signature = _stat_signature(generation)
        remembered = _written.get(key)
        if remembered and remembered[:2] == (generation.name, signature):
            previous = remembered[2]
        else:
            previous = SavedIndex(generation, load_manifest(generation))
            previous.read("documents", "file_stats")
            _written[key] = (generation.name, signature, previous)
    except IndexCorruptError as problem:
        log.warning("Not reusing the stored index (%s); indexing everything again", problem)
        return None
    except Exception as problem:  # missing or from another version: nothing can be reused
        log.info("Not reusing the stored index: %s", problem)
        return None
    same_model = previous.manifest.get("settings", {}).get("model") == config.model_label
    return previous if same_model else None


def prepare_next_sync(config: IndexConfig) -> None:
    """Load the model and the stored parts a sync reuses ahead, so --watch meets an edit fast."""
    dimension_of(config.model_path)
    remembered = _written.get(config.storage_dir.resolve())
    if remembered:
        _with_vectors(remembered[2])


def _remember(config: IndexConfig, generation: Path, saved: SavedIndex) -> None:
    signature = _stat_signature(generation)
    _written[config.storage_dir.resolve()] = (generation.name, signature, saved)


def _stat_signature(generation: Path) -> tuple[object, ...]:
    return tuple(
        (path.name, path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(generation.rglob("*"))
    )


def _embed_batched(config: IndexConfig, texts: list[str], progress: Progress | None) -> np.ndarray:
    """Embed in slices so progress shows."""
    slice_size = config.batch_size * 8
    parts = []
    for start in range(0, len(texts), slice_size):
        parts.append(embed(config.model_path, texts[start : start + slice_size]))
        if progress:
            progress(min(start + slice_size, len(texts)), len(texts))
    dimension = dimension_of(config.model_path)
    return np.concatenate(parts) if parts else np.zeros((0, dimension), dtype=np.float32)


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
