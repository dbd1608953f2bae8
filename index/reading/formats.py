"""The text of a file by its type (plain text, HTML, PDF, DOCX), decoded once per content."""

from __future__ import annotations

from pathlib import Path

from index.reading.decoding import UnreadableFile, clean_text, decode_bytes
from index.reading.languages import document_language
from index.reading.metadata import split_date_marker, title_of

# Decoded text by file content (SHA-256), oldest first; bounded so a long --watch stays small.
_decoded: dict[tuple[str, str, str], tuple[str | None, str, str, str]] = {}
_DECODED_MAX = 20_000
# Elements that end a line of text, so paragraphs do not run together into one sentence.
_HTML_BLOCKS = (
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul"
).split()


def decoded_text(path: Path, data: bytes, sha256: str) -> tuple[str | None, str, str, str]:
    """The date marker, clean text, title and language of a file whose bytes have this SHA-256."""
    # Re-decoding every unchanged file on each sync would dominate a one-file change (--watch).
    decoded_key = (sha256, path.suffix.lower(), path.stem)
    if decoded_key not in _decoded:
        _decoded[decoded_key] = _decode(path, data)
        while len(_decoded) > _DECODED_MAX:
            _decoded.pop(next(iter(_decoded)))
    return _decoded[decoded_key]


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
    return marker_date, text, title_of(text, fallback=path.stem), document_language(text)


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
