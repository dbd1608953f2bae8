"""The index a sync builds on: the current generation, kept in memory while no file changes."""

from __future__ import annotations

import logging
from pathlib import Path

from index.config import IndexConfig
from index.embedding.minilm import dimension_of
from index.storage.folder import IndexCorruptError, current_generation
from index.storage.manifest import load_manifest
from index.storage.parts import SavedIndex

log = logging.getLogger(__name__)
# The index this process wrote or read last, by storage folder, with its files' sizes and times:
# while CURRENT names it and no file was touched, the next sync (--watch) need not read it back.
_written: dict[Path, tuple[str, tuple[object, ...], SavedIndex]] = {}


def _with_vectors(previous: SavedIndex | None) -> SavedIndex | None:
    """The previous index with the parts a changing sync reuses read now, or None if damaged."""
    if previous is None:
        return None
    try:
        previous.read(
            "chunks",
            "chunk_matrix",
            "sentence_vectors",
            "tokens",
            "multilingual_sentences",
            "chunk_languages",
        )
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


def remember(config: IndexConfig, generation: Path, saved: SavedIndex) -> None:
    """Keep this index, just committed, as the one the next sync of this storage builds on."""
    signature = _stat_signature(generation)
    _written[config.storage_dir.resolve()] = (generation.name, signature, saved)


def _stat_signature(generation: Path) -> tuple[object, ...]:
    stats = ((path.name, path.stat()) for path in sorted(generation.rglob("*")))
    return tuple((name, info.st_size, info.st_mtime_ns) for name, info in stats)
