"""manifest.json and the SHA-256 of every file it lists: nothing stored is trusted unchecked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from index.storage.checking import FileChecks
from index.storage.folder import IndexCorruptError, IndexMismatchError, rebuild_hint

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def load_manifest(generation: Path) -> dict[str, Any]:
    """Parse the manifest and check its format; the files it lists are checked by their readers."""
    storage_dir = generation.parent
    try:
        manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
        expected = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexCorruptError(rebuild_hint(storage_dir, "manifest.json is unreadable")) from None
    if not isinstance(expected, dict):
        raise IndexCorruptError(rebuild_hint(storage_dir, "manifest.json lists no files"))
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {storage_dir} has format {manifest.get('format')}, this program reads "
            f"{FORMAT_VERSION}: rebuild it with `assistant index`"
        )
    return dict(manifest)


def verify_files(generation: Path, manifest: dict[str, Any]) -> None:
    """Raise IndexCorruptError unless the generation holds exactly the files listed, unchanged."""
    with FileChecks(generation, manifest, skip=MANIFEST) as checks:
        checks.all_checked()


def read_checked(generation: Path, manifest: dict[str, Any], name: str) -> bytes:
    """One stored file's bytes, once they match the SHA-256 that the manifest records for them."""
    try:
        data = (generation / name).read_bytes()
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != manifest["files"].get(name):
        raise IndexCorruptError(rebuild_hint(generation.parent, f"{name} fails its checksum"))
    return data
