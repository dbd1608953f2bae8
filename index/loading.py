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
from index.decoding import UnreadableFile, clean_text, decode_bytes
from index.metadata import language_of, modified_date, split_date_marker, title_of

log = logging.getLogger(__name__)
# Size, modification time, inode and change time (ns): an edit, copy or replace changes one.
FileKey = tuple[int, int, int, int]
# Decoded text by file content (SHA-256), oldest first; bounded so a long --watch stays small.
_decoded: dict[tuple[str, str, str], tuple[str | None, str, str, str]] = {}
_DECODED_MAX = 20_000
# Elements that end a line of text, so paragraphs do not run together into one sentence.
_HTML_BLOCKS = (
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul"
).split()


@dataclass(frozen=True)
class SourceDocument:
    """One loaded document; `text` is what every stored offset indexes into."""

    source: str
    title: str
    date: str
    language: str
    text: str
    sha256: str


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: indexed, duplicate, skipped or kept (as stored before), and why."""

    source: str
    status: str
    reason: str = ""
    still_there: bool = True  # False when the file vanished while being indexed


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


def reader_fingerprint() -> str:
    """A hash of the code that turns files into documents: only it may reuse the texts it stored."""
    from index import decoding, metadata

    digest = hashlib.sha256()
    for module_file in (__file__, decoding.__file__, metadata.__file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:16]


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
            return unchanged[1], key  # same file as when it was indexed (syncing.py)
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileVanished("disappeared while indexing") from None
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    # Re-decoding every unchanged file on each sync would dominate a one-file change (--watch).
    decoded_key = (sha256, suffix, path.stem)
    if decoded_key not in _decoded:
        _decoded[decoded_key] = _decode(path, data)
        while len(_decoded) > _DECODED_MAX:
            _decoded.pop(next(iter(_decoded)))
    marker_date, text, title, language = _decoded[decoded_key]
    date = marker_date or modified_date(info.st_mtime)
    return SourceDocument(source, title, date, language, text, sha256), key


def _decode(path: Path, data: bytes) -> tuple[str | None, str, str, str]:
    """The date marker, clean text, title and language of one file's bytes."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".markdown"):
        raw_text = decode_bytes(data)
    elif suffix in (".html", ".htm"):
        raw_text = _read_html(data)
    else:
        raw_text = _read_rich(path)
    marker_date, text = split_date_marker(raw_text)
    text = clean_text(text)
    return marker_date, text, title_of(text, fallback=path.stem), language_of(text)


def _read_html(data: bytes) -> str:
    """The visible text of an HTML page, one line per block element."""
    from bs4 import BeautifulSoup

    # Not HTMLTagReader: it keeps <script>/<style> text inside <body> and needs a <body> tag.
    text = decode_bytes(data)
    try:
        soup = BeautifulSoup(text, "html.parser")
    except Exception as error:  # bs4 raises ParserRejectedMarkup and others on broken markup
        raise UnreadableFile(f"could not be parsed ({type(error).__name__}: {error})") from None
    for hidden in soup(["head", "script", "style", "noscript", "template"]):
        hidden.decompose()
    for block in soup(_HTML_BLOCKS):
        block.insert_after("\n")
    lines = (line.strip() for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def _read_rich(path: Path) -> str:
    """PDF and DOCX through llama-index's file readers, which return plain text."""
    from llama_index.readers.file import DocxReader, PDFReader

    readers = {".pdf": PDFReader(return_full_document=True), ".docx": DocxReader()}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(f"has a type no reader handles ({path.suffix.lower()})")
    try:
        parts = reader.load_data(path)
    except Exception as error:  # third-party parsers raise anything on a damaged file
        # PDFReader retries through tenacity, whose RetryError hides the parser's own message.
        last_attempt = getattr(error, "last_attempt", None)
        cause = (last_attempt.exception() if last_attempt else None) or error
        raise UnreadableFile(f"could not be parsed ({type(cause).__name__}: {cause})") from None
    return clean_text("\n\n".join(part.text for part in parts))
