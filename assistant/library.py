"""The documents folder as a person manages it: list with the index's ledger, upload, delete, sync.

Kept free of any UI so the web app's Documents tab and tests share one set of checks: a name is
sanitised and its type and size are checked before a byte is written, a file is only ever created
inside the folder and never over an existing one, and a sync commits a new index generation while
questions keep being answered from the previous one.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index import BuildReport, build_index

if TYPE_CHECKING:
    from assistant.assistant import Assistant

NAME_CHARS = 100
_KEPT_PUNCTUATION = " .()_-"
# One sync at a time from this process; build_index's lock also guards against other processes.
_SYNCING = threading.Lock()
DATE_ORIGINS = {"text": "from the text", "file": "file modified"}


class LibraryError(ValueError):
    """An upload or delete that was refused; the message says why, in one line."""


@dataclass(frozen=True)
class DocumentRow:
    """One file of the folder as the Documents tab lists it."""

    source: str
    title: str
    date: str
    date_origin: str  # "from the text", "file modified", or "" when not indexed
    language: str
    chunks: int
    size: int
    status: str  # indexed, skipped, duplicate, kept, or "not synced yet"
    reason: str


def list_documents(assistant: Assistant) -> list[DocumentRow]:
    """Every file in the documents folder, with what the current index made of it."""
    index = assistant.index
    ledger: dict[str, list[str]] = index.manifest.get("ledger", {})
    chunks: dict[str, int] = {}
    for chunk in index.chunks:
        chunks[chunk.source] = chunks.get(chunk.source, 0) + 1
    rows = []
    for source, size in _files(assistant.config.index.documents_dir).items():
        status, reason = ledger.get(source, ["indexed" if source in index.documents else "", ""])
        document = index.documents.get(source)
        rows.append(
            DocumentRow(
                source=source,
                title=document.title if document else "",
                date=document.date if document else "",
                date_origin=DATE_ORIGINS.get(document.date_source, "") if document else "",
                language=document.language if document else "",
                chunks=chunks.get(source, 0),
                size=size,
                status=status or "not synced yet",
                reason=reason,
            )
        )
    return rows


def safe_name(name: str) -> str:
    """A plain file name for an upload: no folders, no leading dot, no markup or control chars."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    stem, dot, suffix = base.rpartition(".")
    stem = re.sub("_+", "_", _plain(stem if dot else base)).strip(" ._")[:NAME_CHARS]
    suffix = _plain(suffix).replace("_", "").lower() if dot else ""
    if not stem:
        raise LibraryError(f"{name!r} has no usable file name")
    return f"{stem}.{suffix}" if suffix else stem


def _plain(text: str) -> str:
    # Letters, marks (Devanagari vowel signs) and digits of any script; anything else, markup
    # and control characters included, becomes "_".
    return "".join(
        c if unicodedata.category(c)[0] in "LMN" or c in _KEPT_PUNCTUATION else "_" for c in text
    )


def save_upload(assistant: Assistant, name: str, upload: Path) -> str:
    """Copy an uploaded file into the documents folder under a safe, new name; return the name."""
    config = assistant.config.index
    target_name = safe_name(name)
    suffix = Path(target_name).suffix.lower()
    if suffix not in config.supported_suffixes:
        allowed = ", ".join(config.supported_suffixes)
        raise LibraryError(f"{target_name}: type {suffix or '(none)'} is not allowed ({allowed})")
    size = upload.stat().st_size
    if size > config.max_file_bytes:
        raise LibraryError(
            f"{target_name}: {size / 2**20:.1f} MB is over the "
            f"{config.max_file_bytes / 2**20:.0f} MB limit"
        )
    folder = config.documents_dir
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / target_name
    # Written under a hidden name (the sync skips those), then linked: os.link never replaces an
    # existing name or follows a symlink planted there, so nothing is overwritten.
    staging = folder / f".upload-{os.getpid()}-{threading.get_ident()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        with upload.open("rb") as source, os.fdopen(os.open(staging, flags, 0o644), "wb") as out:
            while block := source.read(2**20):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.link(staging, target, follow_symlinks=False)
    except FileExistsError:
        raise LibraryError(
            f"{target_name} already exists: delete it first or rename the file"
        ) from None
    finally:
        staging.unlink(missing_ok=True)
    return target_name


def delete_document(assistant: Assistant, source: str) -> None:
    """Remove one listed file from the documents folder (a link is removed, not its target)."""
    folder = assistant.config.index.documents_dir
    files = _files(folder)
    if source not in files:
        raise LibraryError(f"{source!r} is not a file in the documents folder")
    if len(files) == 1:
        raise LibraryError(f"{source} is the only document: the index needs at least one")
    (folder / source).unlink()


def sync(assistant: Assistant, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Bring the index in line with the folder; questions meanwhile use the previous generation."""
    with _SYNCING:
        return build_index(assistant.config.index, progress)


def _files(folder: Path) -> dict[str, int]:
    """Relative name -> size of every file the sync would look at (hidden ones are skipped)."""
    found: dict[str, int] = {}
    if not folder.is_dir():
        return found
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(n for n in names if not n.startswith(".")):
            path = Path(root) / name
            try:
                size = path.lstat().st_size
            except OSError:
                continue
            found[path.relative_to(folder).as_posix()] = size
    return found
