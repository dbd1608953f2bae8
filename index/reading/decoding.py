"""Turn raw file bytes into clean text, or say precisely why a file cannot be read as text."""

from __future__ import annotations

import codecs
import re
import unicodedata

# C0/C1 controls except tab and newline, plus the BOM and bidi overrides that hide text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069]")
# Unicode category Cc (C0 and C1 controls, a fixed set), except tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnreadableFile(Exception):
    """A file that holds no usable text; the message says why and what to do."""


def decode_bytes(data: bytes) -> str:
    """Decode strictly (UTF-8, or UTF-16/32 after a BOM) and clean; never drop bytes silently."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in data[:8192]:
        raise UnreadableFile("looks binary (contains NUL bytes)")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"is not valid UTF-8 (byte {error.start}); save it as UTF-8 and index again"
        ) from None
    return clean_text(text)


def clean_text(text: str) -> str:
    """Normalize line ends and composition; drop control characters that render as nothing."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    cleaned = _INVISIBLE.sub("", text)
    if not cleaned.strip():
        raise UnreadableFile("is empty")
    if _control_share(text) > 0.1:
        raise UnreadableFile("looks binary (mostly control characters)")
    return cleaned


def strip_invisible(text: str) -> str:
    """Remove control, BOM and bidi-override characters (used for questions too)."""
    return _INVISIBLE.sub("", text)


def _control_share(text: str) -> float:
    sample = text[:8192]
    # A regex, not unicodedata.category per character: that loop was most of a one-file sync.
    return len(_CONTROLS.findall(sample)) / max(1, len(sample))
