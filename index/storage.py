"""Persist an index as an immutable generation directory and switch to it with one atomic rename.

llama-index's StorageContext.persist rewrites files in place with no fsync, so a crash can mix
old and new files (reliability notes); we write a new generation, fsync it, then move a pointer.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

POINTER = "CURRENT"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1


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


def new_generation_dir(storage_dir: Path) -> Path:
    """A fresh hidden directory to write into; it becomes visible only through commit()."""
    path = storage_dir / f".building-{uuid.uuid4().hex[:12]}"
    path.mkdir(parents=True)
    return path


def commit(storage_dir: Path, building: Path, manifest: dict[str, Any]) -> Path:
    """Checksum, fsync and publish a finished generation, then drop generations no longer used."""
    manifest = {**manifest, "format": FORMAT_VERSION, "files": _checksums(building)}
    _write_synced(building / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    final = storage_dir / f"gen-{uuid.uuid4().hex[:12]}"
    os.rename(building, final)
    _write_synced(storage_dir / f"{POINTER}.tmp", final.name)
    os.rename(storage_dir / f"{POINTER}.tmp", storage_dir / POINTER)
    _fsync_dir(storage_dir)
    _remove_stale(storage_dir, keep=final.name)
    return final


def current_generation(storage_dir: Path) -> Path:
    """The directory CURRENT points at, verified against its manifest's checksums."""
    pointer = storage_dir / POINTER
    if not pointer.is_file():
        raise IndexMissingError(
            f"No index in {storage_dir}: build one with `assistant index DOCUMENTS_DIR`"
        )
    broken = IndexCorruptError(_rebuild_hint(storage_dir, "the CURRENT pointer is broken"))
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise broken from None
    generation = storage_dir / name
    if not name.startswith("gen-") or "/" in name or not generation.is_dir():
        raise broken
    return generation


def read_manifest(generation: Path) -> dict[str, Any]:
    """Parse the manifest and check every stored file's SHA-256 before anything else reads them."""
    storage_dir = generation.parent
    try:
        manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
        expected = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexCorruptError(_rebuild_hint(storage_dir, "manifest.json is unreadable")) from None
    if not isinstance(expected, dict):
        raise IndexCorruptError(_rebuild_hint(storage_dir, "manifest.json lists no files"))
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {storage_dir} has format {manifest.get('format')}, this program reads "
            f"{FORMAT_VERSION}: rebuild it with `assistant index`"
        )
    actual = _checksums(generation, skip=MANIFEST)
    if actual != expected:
        names = actual.keys() | expected.keys()
        damaged = sorted(name for name in names if actual.get(name) != expected.get(name))
        raise IndexCorruptError(_rebuild_hint(storage_dir, f"{damaged[0]} fails its checksum"))
    return dict(manifest)


def _rebuild_hint(storage_dir: Path, problem: str) -> str:
    return f"The index in {storage_dir} is damaged ({problem}): rebuild it with `assistant index`"


def _checksums(directory: Path, skip: str = MANIFEST) -> dict[str, str]:
    sums = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative != skip:
            sums[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def write_json(path: Path, value: object) -> None:
    """Write compact UTF-8 JSON and fsync it (JSON, never pickle, for anything we store)."""
    _write_synced(path, json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def fsync_tree(directory: Path) -> None:
    """Flush every file written by third-party savers (FAISS, numpy, bm25s) to disk."""
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(directory)


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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


def _remove_stale(storage_dir: Path, keep: str) -> None:
    # Runs under the writer lock, so any .building-* directory is debris from a killed writer.
    for path in storage_dir.iterdir():
        if path.is_dir() and path.name != keep and path.name.startswith(("gen-", ".building-")):
            shutil.rmtree(path, ignore_errors=True)
