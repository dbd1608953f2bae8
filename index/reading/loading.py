"""Read a documents folder into validated documents and a ledger of what became of each file."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from index.config import ENV_PREFIX, IndexConfig
from index.reading.decoding import UnreadableFile
from index.reading.documents import FileKey, FileOutcome, SourceDocument
from index.reading.formats import decoded_text
from index.reading.metadata import modified_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    """The documents that loaded, and one outcome per file seen, so the counts add up."""

    documents: list[SourceDocument]
    outcomes: list[FileOutcome]
    keys: dict[str, FileKey]  # by source, for every file that loaded, taken before reading it
    read: set[str]  # sources whose bytes were read (the others matched a stored key)


class FileVanished(UnreadableFile):
    """The file was listed but deleted before it could be read."""


class DocumentsFolderError(Exception):
    """The documents folder is missing, not a folder, or holds nothing to index."""


def load_documents(
    config: IndexConfig,
    indexed: Mapping[str, str] | None = None,
    unchanged: Mapping[str, tuple[FileKey, SourceDocument]] | None = None,
) -> LoadResult:
    """Load every supported file under the documents folder; bad files are skipped with a reason.

    Of files with the same bytes one is indexed: the one `indexed` (source -> SHA-256 of what is
    stored) already holds, so citations keep their source; else the first in folder order.
    A file whose key equals its `unchanged` entry is not read: that entry's document is used.
    """
    folder = config.documents_dir
    if not folder.is_dir():
        raise DocumentsFolderError(
            f"Documents folder {folder} does not exist: create it and add files"
        )
    stored = indexed or {}
    reusable = unchanged or {}
    seen: list[SourceDocument | FileOutcome] = []
    keys: dict[str, FileKey] = {}
    read: set[str] = set()
    for path in _walk(folder):
        source = path.relative_to(folder).as_posix()
        try:
            document, keys[source] = _load_file(path, source, config, reusable.get(source))
            seen.append(document)
            if source not in reusable or document is not reusable[source][1]:
                read.add(source)
        except UnreadableFile as problem:
            # Info, not warning: the caller reports the ledger, and a CLI would say it twice.
            log.info("Skipped %s: %s", source, problem)
            vanished = isinstance(problem, FileVanished)
            seen.append(FileOutcome(source, "skipped", str(problem), still_there=not vanished))
    keeper: dict[str, str] = {}
    for document in (d for d in seen if isinstance(d, SourceDocument)):
        if document.sha256 not in keeper or stored.get(document.source) == document.sha256:
            keeper[document.sha256] = document.source
    documents = [d for d in seen if isinstance(d, SourceDocument) and keeper[d.sha256] == d.source]
    outcomes = [
        entry if isinstance(entry, FileOutcome) else _outcome(entry, keeper) for entry in seen
    ]
    if not documents:
        raise DocumentsFolderError(
            f"No readable documents in {folder}: add .txt, .md, .html, .pdf or .docx files"
        )
    return LoadResult(documents, outcomes, keys, read)


def _outcome(document: SourceDocument, keeper: dict[str, str]) -> FileOutcome:
    original = keeper[document.sha256]
    if original == document.source:
        return FileOutcome(document.source, "indexed")
    log.info("Not indexing %s again: duplicate of %s", document.source, original)
    return FileOutcome(document.source, "duplicate", f"duplicate of {original}")


def _walk(folder: Path) -> Iterator[Path]:
    # os.walk does not follow directory symlinks, so a symlink loop cannot trap us.
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # Linked folders are not walked; yield them so the ledger says why they were left out.
        yield from (Path(root) / d for d in dirs if (Path(root) / d).is_symlink())
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _load_file(
    path: Path,
    source: str,
    config: IndexConfig,
    unchanged: tuple[FileKey, SourceDocument] | None = None,
) -> tuple[SourceDocument, FileKey]:
    suffix = path.suffix.lower()
    if path.is_dir():
        raise UnreadableFile("is a link to a folder; links to folders are not followed")
    if suffix not in config.supported_suffixes:
        raise UnreadableFile(f"has an unsupported type {suffix or '(none)'}")
    try:
        info = path.stat()
        # Reading a pipe blocks until someone writes, a device like /dev/zero never ends.
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("is not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > config.max_file_bytes:
            raise UnreadableFile(
                f"is {size / 2**20:.1f} MB, over the {config.max_file_bytes / 2**20:g} MB limit "
                f"(raise it with {ENV_PREFIX}MAX_FILE_MB)"
            )
        # Taken before reading: a write after it changes the key, so the next sync reads again.
        key = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
        if unchanged is not None and unchanged[0] == key:
            return unchanged[1], key  # same file as when it was indexed (file_keys.py)
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileVanished("disappeared while indexing") from None
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    marker_date, text, title, language = decoded_text(path, data, sha256)
    date = marker_date or modified_date(info.st_mtime)
    date_source = "text" if marker_date else "file"
    return SourceDocument(source, title, date, language, text, sha256, date_source), key
