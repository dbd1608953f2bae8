"""A loaded document and what became of each file: the types every later stage shares."""

from __future__ import annotations

from dataclasses import dataclass

# Size, modification time, inode and change time (ns): an edit, copy or replace changes one.
FileKey = tuple[int, int, int, int]


@dataclass(frozen=True)
class SourceDocument:
    """One loaded document; `text` is what every stored offset indexes into."""

    source: str
    title: str
    date: str
    language: str
    text: str
    sha256: str
    date_source: str = "file"  # "text": a date marker in the document; "file": its modified time


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: indexed, duplicate, skipped or kept (as stored before), and why."""

    source: str
    status: str
    reason: str = ""
    still_there: bool = True  # False when the file vanished while being indexed
