"""Which sentences an answer may quote: statements, not headings or page furniture around them.

Saved web pages carry lines that are not part of the article: related headlines, "Share this
article", "click me!", "Latest Videos". They share words with questions they do not answer (a
Hindi question on cooking was answered with a related headline), so in a document written in
full sentences, a line that does not end as a statement ends is not quoted; the title still is.
Notes and lists, whose lines seldom end with a full stop, are quoted line by line as before.
"""

from __future__ import annotations

import re

# A full stop or danda, then any closing quotes or brackets; an ellipsis trails off instead.
_CLOSED = re.compile(r"(?<!\.\.)[.\u0964\u0965][\"'\u201d\u2019)\]]*\s*$")
PROSE_SHARE = 0.5  # a document is prose when closed lines hold at least this share of its text
_prose: dict[tuple[int, int], bool] = {}
_SPACE = re.compile(r"\s*")


def quotable(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may be quoted as an answer."""
    # The title is the first text: nothing but whitespace before it (found without copying it).
    if start <= _SPACE.match(text).end() or not _is_prose(text):  # type: ignore[union-attr]
        return True  # the title line, or a document of notes and lists
    return bool(_CLOSED.search(text[start:end]))


def _is_prose(text: str) -> bool:
    # Keyed by hash and length, so the cache keeps no document text alive after a reload.
    key = (hash(text), len(text))
    if key not in _prose:
        if len(_prose) >= 1024:
            _prose.clear()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        closed = sum(len(line) for line in lines if _CLOSED.search(line))
        _prose[key] = closed >= PROSE_SHARE * sum(len(line) for line in lines)
    return _prose[key]
