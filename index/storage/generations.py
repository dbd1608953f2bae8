"""Persist an index as an immutable generation directory and switch to it with one atomic rename.

llama-index's StorageContext.persist rewrites files in place with no fsync, so a crash can mix
old and new files (reliability notes); we write a new generation, fsync it, then move a pointer.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from index.storage.folder import POINTER
from index.storage.manifest import FORMAT_VERSION, MANIFEST


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


def _remove_stale(storage_dir: Path, keep: str) -> None:
    # Runs under the writer lock, so any .building-* directory is debris from a killed writer.
    for path in storage_dir.iterdir():
        if path.is_dir() and path.name != keep and path.name.startswith(("gen-", ".building-")):
            shutil.rmtree(path, ignore_errors=True)
