"""A storage folder: the CURRENT pointer to its live generation, its one-writer lock, its errors."""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POINTER = "CURRENT"


class IndexMissingError(Exception):
    """No index has been built in this storage folder yet."""


class IndexCorruptError(Exception):
    """Stored files are damaged or were not written by this program."""


class IndexMismatchError(Exception):
    """The index was built with another model or other settings than the ones in use."""


class StorageBusyError(Exception):
    """Another process is writing to the same storage folder."""


@contextmanager
def writer_lock(storage_dir: Path) -> Iterator[None]:
    """One writer per storage folder; a second one fails at once with a clear message."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    with open(storage_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageBusyError(
                f"Another `assistant index` is writing to {storage_dir}; wait for it to finish"
            ) from None
        _remove_debris(storage_dir)
        yield


def current_generation(storage_dir: Path) -> Path:
    """The directory CURRENT points at; its files' checksums are checked by their readers."""
    pointer = storage_dir / POINTER
    if not pointer.is_file():
        raise IndexMissingError(
            f"No index in {storage_dir}: build one with `assistant index DOCUMENTS_DIR`"
        )
    broken = IndexCorruptError(rebuild_hint(storage_dir, "the CURRENT pointer is broken"))
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise broken from None
    generation = storage_dir / name
    if not name.startswith("gen-") or "/" in name or not generation.is_dir():
        raise broken
    return generation


def rebuild_hint(storage_dir: Path, problem: str) -> str:
    """The message of an IndexCorruptError: what is damaged, and that a rebuild fixes it."""
    return f"The index in {storage_dir} is damaged ({problem}): rebuild it with `assistant index`"


def _remove_debris(storage_dir: Path) -> None:
    # Called with the writer lock held, so no live writer owns a .building-* directory; an
    # up-to-date build commits nothing, so it must not rely on commit() to clean up. A writer
    # killed between the pointer switch and its clean-up leaves the old generation behind too.
    try:
        keep = current_generation(storage_dir).name
    except (IndexMissingError, IndexCorruptError):  # never delete what might be the only copy
        keep = None
    for path in storage_dir.iterdir():
        stale = path.name.startswith("gen-") and keep is not None and path.name != keep
        if path.is_dir() and (stale or path.name.startswith(".building-")):
            shutil.rmtree(path, ignore_errors=True)
