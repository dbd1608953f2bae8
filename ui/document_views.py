"""HTML for the Documents tab: the folder's ledger as a table and one document's text, escaped."""

from __future__ import annotations

import html

from assistant.library import DocumentRow
from index import BuildReport
from ui.rendering import display_title

# A browser handles this much text in one element without stalling; longer documents show a
# window around the passage.
VIEW_CHARS = 300_000
# Other codes show as they are; "und" is a script neither model reads, found by its words only.
LANGUAGES = {"en": "English", "hi": "Hindi", "und": "unknown script (BM25 only)"}


def documents_table(rows: list[DocumentRow]) -> str:
    """Title, date and its origin, language, chunks, size and status of every file."""
    if not rows:
        return '<p class="sources-empty">The documents folder is empty: add files above.</p>'
    escape = html.escape
    header = "".join(
        f"<th>{name}</th>"
        for name in ("File", "Title", "Date", "Language", "Chunks", "Size", "Status")
    )
    body = []
    for row in rows:
        date = f"{row.date} ({row.date_origin})" if row.date else ""
        status = row.status + (f": {row.reason}" if row.reason else "")
        body.append(
            f'<tr data-source="{escape(row.source)}"><td><code>{escape(row.source)}</code></td>'
            f'<td title="{escape(row.title)}">{escape(display_title(row.title))}</td>'
            f"<td>{escape(date)}</td><td>{escape(LANGUAGES.get(row.language, row.language))}</td>"
            f"<td>{row.chunks}</td><td>{_size(row.size)}</td>"
            f'<td class="status-{escape(row.status.split()[0])}">{escape(status)}</td></tr>'
        )
    return f'<table class="doc-table"><tr>{header}</tr>{"".join(body)}</table>'


def document_view(source: str, text: str, start: int | None = None, end: int | None = None) -> str:
    """A document's whole text (or a window of a very long one), its passage marked."""
    escape = html.escape
    if start is None or end is None or not 0 <= start <= end <= len(text):
        start = end = 0
    first = max(0, min(start - VIEW_CHARS // 2, len(text) - VIEW_CHARS))
    last = min(len(text), first + VIEW_CHARS)
    note = (
        f'<p class="sources-empty">Characters {first:,}-{last:,} of {len(text):,}.</p>'
        if (first, last) != (0, len(text))
        else ""
    )
    body = (
        escape(text[first:start])
        + (f'<mark class="passage">{escape(text[start:end])}</mark>' if end > start else "")
        + escape(text[end:last])
    )
    return f'<h3><code>{escape(source)}</code></h3>{note}<div class="document-text">{body}</div>'


def sync_summary(report: BuildReport, added: list[str], refused: list[str]) -> str:
    """One line per refused upload and per file the sync did not index, then the counts."""
    lines = [f"Not added: {reason}" for reason in refused]
    for outcome in report.outcomes:
        if outcome.status != "indexed" and (not added or outcome.source in added):
            lines.append(f"{outcome.status} {outcome.source}: {outcome.reason}")
    indexed = [o.source for o in report.outcomes if o.status == "indexed" and o.source in added]
    if indexed:
        lines.append(f"Added and indexed: {', '.join(indexed)}")
    lines.append(f"Index synced: {report.documents} documents, {report.chunks} chunks.")
    return "\n".join(lines)


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.1f} KB"
