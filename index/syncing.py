"""Compare a folder's documents with the stored index: added, changed, removed and unchanged."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.loading import FileOutcome, LoadResult, SourceDocument

if TYPE_CHECKING:
    from index.store import StoredIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncChanges:
    """Sources by what happened to them since the stored index, compared by content hash."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


def compare(previous: StoredIndex | None, documents: list[SourceDocument]) -> SyncChanges:
    """Classify each source by its SHA-256 against the one stored (none stored: all added)."""
    stored = {s: d.sha256 for s, d in previous.documents.items()} if previous else {}
    current = {d.source: d.sha256 for d in documents}
    return SyncChanges(
        added=tuple(s for s in current if s not in stored),
        changed=tuple(s for s in current if s in stored and stored[s] != current[s]),
        removed=tuple(s for s in stored if s not in current),
        unchanged=tuple(s for s in current if stored.get(s) == current[s]),
    )


def keep_unreadable(
    loaded: LoadResult, previous: StoredIndex | None
) -> tuple[list[SourceDocument], list[FileOutcome]]:
    """Keep the stored version of a file that is still there but cannot be read now.

    A file saved half-way, made unreadable or replaced by something binary must not take what
    was indexed with it; a deleted file (or a duplicate, whose text is indexed) is let go.
    """
    documents = list(loaded.documents)
    outcomes = []
    for outcome in loaded.outcomes:
        stored = previous.documents.get(outcome.source) if previous else None
        if outcome.status == "skipped" and outcome.still_there and stored is not None:
            outcome = replace(
                outcome, status="kept", reason=f"{outcome.reason}; kept the version indexed before"
            )
            log.info("Kept the stored version of %s: %s", outcome.source, outcome.reason)
            documents.append(stored)
        outcomes.append(outcome)
    return documents, outcomes
