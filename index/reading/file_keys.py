"""File keys: which files a sync need not read again, because nothing can have changed them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.reading import decoding, documents, formats, loading, metadata
from index.reading.documents import FileKey

if TYPE_CHECKING:
    from index.reading.documents import SourceDocument

# A file changed shortly before it was read can change again within the same timestamp tick
# and keep its key ("racy git"). Sub-second times step every kernel tick (10 ms at most) or
# finer; whole-second ones (FAT, HFS+, ext3, some network shares) every 1 or 2 s.
RACY_NS = 100_000_000
RACY_WHOLE_SECONDS_NS = 3_000_000_000
FILE_STATS_FORMAT = 1  # bump when file_stats() records something else


def reader_fingerprint() -> str:
    """A hash of the code that turns files into documents: only it may reuse the texts it stored."""
    # Every module of the reading stage, this one included, is hashed.
    digest = hashlib.sha256()
    for module_file in (
        loading.__file__,
        formats.__file__,
        __file__,
        decoding.__file__,
        metadata.__file__,
        documents.__file__,
    ):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:16]


def unchanged_files(
    stats: Mapping[str, Any], documents: Mapping[str, SourceDocument]
) -> dict[str, tuple[FileKey, SourceDocument]]:
    """Stored documents that need not be read again while their file keeps its key.

    Only files left alone for longer than a timestamp tick before they were read qualify: any
    later write then gives them another change time, however coarse the file system's clock.
    """
    if stats.get("format") != FILE_STATS_FORMAT or stats.get("reader") != reader_fingerprint():
        return {}
    unchanged = {}
    for source, key in stats["files"].items():
        size, modified, inode, changed = key
        whole_seconds = modified % 10**9 == 0 or changed % 10**9 == 0
        window = RACY_WHOLE_SECONDS_NS if whole_seconds else RACY_NS
        if source in documents and max(modified, changed) < stats["scanned_ns"] - window:
            unchanged[source] = ((size, modified, inode, changed), documents[source])
    return unchanged


def file_stats(
    scanned_ns: int, documents: list[SourceDocument], keys: Mapping[str, FileKey]
) -> dict[str, Any]:
    """The keys of the files these documents were read from, for unchanged_files next time.

    A kept document (its file unreadable now) has no key, so its file is read again next time.
    """
    files = {d.source: list(keys[d.source]) for d in documents if d.source in keys}
    return {
        "format": FILE_STATS_FORMAT,
        "scanned_ns": scanned_ns,
        "reader": reader_fingerprint(),
        "files": files,
    }
