"""Document metadata taken from the text itself: the date marker, a title and the language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

# Some articles open with " date 2023-08-30 First sentence..."; the marker is metadata, not text.
_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_LETTER = re.compile(r"[^\W\d_]")
# A first line longer than this is a paragraph, not a title; displays cut titles further.
TITLE_CHARS = 300


def split_date_marker(text: str) -> tuple[str | None, str]:
    """Return (ISO date, text without the marker) when the text starts with a valid marker."""
    match = _DATE_MARKER.match(text)
    if not match:
        return None, text
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return None, text
    return match.group(1), text[match.end() :]


def file_date(path: Path) -> str:
    """The file's modification date, used when the text carries no date marker."""
    return modified_date(path.stat().st_mtime)


def modified_date(mtime: float) -> str:
    """The UTC date of a modification time in seconds since the epoch."""
    return datetime.fromtimestamp(mtime, tz=UTC).date().isoformat()


def title_of(text: str, fallback: str) -> str:
    """The first non-empty line (Markdown heading marks removed), whole unless it is a paragraph."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            if len(line) <= TITLE_CHARS:
                return line
            cut = line.rfind(" ", 0, TITLE_CHARS)
            return line[: cut if cut > 40 else TITLE_CHARS].rstrip(" ,;:") + "…"
    return fallback


def language_of(text: str) -> str:
    """'hi' when Devanagari is a good share of the letters, else 'en' (the model's language)."""
    sample = text[:20000]
    letters = len(_LETTER.findall(sample))
    # Devanagari vowel signs are marks, not letters, so count the script separately.
    devanagari = len(_DEVANAGARI.findall(sample))
    return "hi" if letters and devanagari / (letters + 1) > 0.3 else "en"
