"""HTML for chat bubbles and the sources panel, in which all document text is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from assistant import Answer, Citation

CONTEXT_CHARS = 300
# A sentence ends at . ! ? or the Devanagari danda (with any closing quote) before a space,
# or at a line break.
_SENTENCE_END = re.compile(r"[.!?।][\"'”’)\]]*(?=\s)|\n")

EMPTY_SOURCES = '<p class="sources-empty">The passages an answer cites appear here.</p>'
NOTHING_CITED = (
    '<p class="sources-empty">Nothing was cited: the documents do not answer this question.</p>'
)

# Colours come from the Gradio theme so the panel reads in light and dark mode alike.
SOURCES_CSS = """
.source { border: 1px solid var(--border-color-primary); border-radius: 8px;
          padding: 10px 14px; margin-bottom: 12px; background: var(--block-background-fill); }
.source-heading { font-size: 1rem; font-weight: 600; margin: 0 0 4px 0; }
.source-number { color: var(--color-accent); margin-right: 4px; }
.source-meta { font-size: 0.85rem; color: var(--body-text-color-subdued); margin: 0 0 8px 0; }
.source-passage { white-space: pre-wrap; line-height: 1.5; margin: 0; }
.source-passage mark { background: #fde68a; color: #1f2937; padding: 1px 2px; border-radius: 3px; }
.sources-empty { color: var(--body-text-color-subdued); font-style: italic; }
"""


def chat_text(text: str) -> str:
    """Text for a chat bubble, which Gradio inserts as HTML: escaped, it shows as written."""
    # Only & < > matter in element text; leaving quotes alone keeps copied messages readable.
    return html.escape(valid_text(text), quote=False)


def valid_text(text: str) -> str:
    """`text` with lone surrogates (undecodable bytes a client may send) shown as "?"."""
    # They cannot be encoded as UTF-8, so echoing one back would fail the whole reply.
    return text.encode("utf-8", "replace").decode("utf-8")


def render_sources(answer: Answer, document_text: Callable[[str], str]) -> str:
    """One card per citation, or the empty state that says nothing was cited."""
    if not answer.citations:
        return NOTHING_CITED
    cards = "".join(
        render_citation(citation, document_text(citation.source)) for citation in answer.citations
    )
    return f'<div class="sources">{cards}</div>'


def render_citation(citation: Citation, text: str) -> str:
    """Number, title, date, file, and the quote highlighted inside its passage."""
    escape = html.escape
    before = context_before(text, citation.start)
    after = context_after(text, citation.end)
    return (
        f'<article class="source" id="source-{citation.id}">'
        f'<h3 class="source-heading"><span class="source-number">[{citation.id}]</span> '
        f"{escape(citation.title)}</h3>"
        f'<p class="source-meta">{escape(citation.date)} · '
        f"<code>{escape(citation.source)}</code></p>"
        f'<p class="source-passage">{escape(before)}<mark>{escape(citation.quote)}</mark>'
        f"{escape(after)}</p></article>"
    )


def context_before(text: str, start: int, chars: int = CONTEXT_CHARS) -> str:
    """About `chars` characters before `start`, beginning at a sentence, else after a word."""
    if start <= chars:
        return text[:start]
    window = text[start - chars : start]
    sentence_end = _SENTENCE_END.search(window)
    if sentence_end:
        return window[sentence_end.end() :].lstrip()
    # No sentence end means no line break either, so a space is the only word boundary left.
    space = window.find(" ")
    return "…" + (window[space + 1 :] if space >= 0 else window)


def context_after(text: str, end: int, chars: int = CONTEXT_CHARS) -> str:
    """About `chars` characters after `end`, ending at a sentence, else before a word."""
    if len(text) - end <= chars:
        return text[end:].rstrip()
    window = text[end : end + chars]
    sentence_ends = list(_SENTENCE_END.finditer(window))
    if sentence_ends:
        return window[: sentence_ends[-1].end()].rstrip()
    space = window.rfind(" ")
    return (window[:space] if space > 0 else window) + "…"
