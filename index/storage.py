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


class GenerationWriter:
    """A new generation being written: each file fsynced as it lands, its SHA-256 noted on the way.

    Hashing the bytes in memory spares reading the whole generation back before the commit.
    """

    def __init__(self, storage_dir: Path) -> None:
        # Hidden until commit() renames it; a killed writer leaves debris that the lock clears.
        self.directory = storage_dir / f".building-{uuid.uuid4().hex[:12]}"
        self.directory.mkdir(parents=True)
        self.checksums: dict[str, str] = {}

    def write(self, name: str, data: bytes) -> None:
        """Write one file (a name like "bm25/vocab.index.json") and flush it to disk."""
        path = self.directory / name
        path.parent.mkdir(exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self.checksums[name] = hashlib.sha256(data).hexdigest()

    def link(self, name: str, source: Path, checksum: str) -> None:
        """Take an identical, already verified file of the previous generation without rewriting it.

        A hard link shares the bytes, which is safe because no generation is ever written in
        place; where links fail (another file system, no link support) the file is copied.
        """
        path = self.directory / name
        path.parent.mkdir(exist_ok=True)
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        self.checksums[name] = checksum


def commit(storage_dir: Path, writer: GenerationWriter, manifest: dict[str, Any]) -> Path:
    """Record checksums, fsync and publish a finished generation, then drop the ones replaced."""
    building = writer.directory
    for directory in sorted({(building / name).parent for name in writer.checksums}):
        _fsync_dir(directory)
    files = dict(sorted(writer.checksums.items()))
    manifest = {**manifest, "format": FORMAT_VERSION, "files": files}
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
    manifest = load_manifest(generation)
    verify_files(generation, manifest)
    return manifest


def load_manifest(generation: Path) -> dict[str, Any]:
    """Parse the manifest and check its format; the files it lists are checked by their readers."""
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
    return dict(manifest)


def verify_files(generation: Path, manifest: dict[str, Any]) -> None:
    """Raise IndexCorruptError unless the generation holds exactly the files listed, unchanged."""
    expected = manifest["files"]
    actual = _checksums(generation, skip=MANIFEST)
    if actual != expected:
        names = actual.keys() | expected.keys()
        damaged = sorted(name for name in names if actual.get(name) != expected.get(name))
        problem = f"{damaged[0]} fails its checksum"
        raise IndexCorruptError(_rebuild_hint(generation.parent, problem))


def read_checked(generation: Path, manifest: dict[str, Any], name: str) -> bytes:
    """One stored file's bytes, once they match the SHA-256 that the manifest records for them."""
    try:
        data = (generation / name).read_bytes()
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != manifest["files"].get(name):
        raise IndexCorruptError(_rebuild_hint(generation.parent, f"{name} fails its checksum"))
    return data


def _rebuild_hint(storage_dir: Path, problem: str) -> str:
    return f"The index in {storage_dir} is damaged ({problem}): rebuild it with `assistant index`"


def _checksums(directory: Path, skip: str = MANIFEST) -> dict[str, str]:
    sums = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative != skip:
            sums[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def json_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON (JSON, never pickle, for anything we store)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


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
