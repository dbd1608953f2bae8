"""Follow the index generation that storage's pointer names, switching only to one that loads."""

from __future__ import annotations

import logging
import threading

from assistant.config import AssistantConfig
from index import IndexMismatchError, StoredIndex, current_generation, open_index

log = logging.getLogger(__name__)


class LiveIndex:
    """The index in memory, replaced by a newly committed generation once that one has loaded.

    `assistant index` commits by renaming a pointer, so reading it per question costs one small
    file read; a generation that fails to load is remembered and not retried until the next one.
    """

    def __init__(self, config: AssistantConfig, index: StoredIndex, generation: str | None):
        self.config = config
        self._index = index
        self._loaded = generation
        self._failed: str | None = None
        # One thread loads a new generation; the others keep answering from the old one meanwhile.
        self._loading = threading.Lock()

    @classmethod
    def open(cls, config: AssistantConfig) -> LiveIndex:
        """Load the current generation; errors (missing, corrupt, other model) propagate."""
        # Read the pointer before loading: if a commit lands in between, the next question sees a
        # newer name and reloads, where reading it after could pin an older index for good.
        generation = _pointed_generation(config)
        return cls(config, open_checked(config), generation)

    def current(self) -> StoredIndex:
        """The newest index that loaded: reloads first when the pointer names a new generation."""
        pointed = _pointed_generation(self.config)
        if pointed is None or pointed in (self._loaded, self._failed):
            return self._index
        if not self._loading.acquire(blocking=False):
            return self._index
        try:
            if pointed not in (self._loaded, self._failed):
                self._switch_to(pointed)
        finally:
            self._loading.release()
        return self._index

    def _switch_to(self, generation: str) -> None:
        try:
            fresh = open_checked(self.config)
        except Exception as problem:  # any failure keeps the index that works
            self._failed = generation
            log.warning("Still answering from the previous index: %s", problem)
            return
        # A commit during the load changes the pointer again; the next question then reloads.
        self._index, self._loaded = fresh, generation
        log.info("Switched to index generation %s", generation)


def open_checked(config: AssistantConfig) -> StoredIndex:
    """Load the index in config.storage_dir and check it was built with the configured model."""
    index = open_index(config.storage_dir)
    built_with = index.manifest.get("settings", {}).get("model")
    if built_with != config.index.model_label:
        raise IndexMismatchError(
            f"The index in {config.storage_dir} was built with model {built_with!r}, but "
            f"{config.index.model_label!r} is configured: rebuild it with `assistant index`"
        )
    return index


def _pointed_generation(config: AssistantConfig) -> str | None:
    try:
        return current_generation(config.storage_dir).name
    except Exception:  # a pointer mid-rebuild or removed: keep what is loaded
        return None
