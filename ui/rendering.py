"""HTML for chat bubbles and the sources panel, in which all document text is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from assistant import Answer, Citation
from assistant.library import DATE_ORIGINS

CONTEXT_CHARS = 300
TITLE_DISPLAY_CHARS = 90
_MARKER = re.compile(r"\[(\d+)\]")
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
.source.highlighted { outline: 3px solid var(--color-accent); }
.view-link { font-size: 0.85rem; cursor: pointer; color: var(--link-text-color); }
"""


def chat_text(text: str) -> str:
    """Text for a chat bubble, which Gradio inserts as HTML: escaped, it shows as written."""
    # Only & < > matter in element text; leaving quotes alone keeps copied messages readable.
    return html.escape(valid_text(text), quote=False)


def valid_text(text: str) -> str:
    """`text` with lone surrogates (undecodable bytes a client may send) shown as "?"."""
    # They cannot be encoded as UTF-8, so echoing one back would fail the whole reply.
    return text.encode("utf-8", "replace").decode("utf-8")


def answer_html(answer: Answer, turn: int) -> str:
    """The answer for its chat bubble: escaped, each [n] a link to card n of this turn."""
    cited = {citation.id for citation in answer.citations}

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in cited:
            return match.group(0)
        return f'<a class="cite" href="#source-{turn}-{number}">[{number}]</a>'

    parts = [_MARKER.sub(link, chat_text(answer.answer))]
    if answer.unsupported:
        dropped = "".join(f"<li>{chat_text(u.sentence)}</li>" for u in answer.unsupported)
        parts.append(
            f'<p class="unsupported">Not supported by the documents:</p><ul>{dropped}</ul>'
        )
    if answer.notice:
        parts.append(f'<p class="notice">{chat_text(answer.notice)}</p>')
    return "".join(parts)


def render_sources(answer: Answer, document_text: Callable[[str], str], turn: int = 0) -> str:
    """One card per citation, or the empty state that says nothing was cited."""
    if not answer.citations:
        return NOTHING_CITED
    cards = "".join(
        render_citation(citation, document_text(citation.source), turn)
        for citation in answer.citations
    )
    return f'<div class="sources" data-turn="{turn}">{cards}</div>'


def sources_panel(turns: list[str], shown: int) -> str:
    """Every answer's cards, one answer's shown: a [n] link can reveal its own answer's card."""
    if not turns:
        return EMPTY_SOURCES
    shown = shown % len(turns)
    return "".join(
        f'<section class="turn-sources" data-turn="{number}"{"" if number == shown else " hidden"}>'
        f"{cards}</section>"
        for number, cards in enumerate(turns)
    )


def display_title(title: str) -> str:
    """A title cut at a word for a heading or table cell; JSON keeps it whole."""
    if len(title) <= TITLE_DISPLAY_CHARS:
        return title
    cut = title.rfind(" ", 0, TITLE_DISPLAY_CHARS)
    return title[: cut if cut > 30 else TITLE_DISPLAY_CHARS].rstrip(" ,;:") + "…"


def dated(date: str, date_source: str) -> str:
    """A date with where it came from, so a file time never passes for the article's date."""
    origin = DATE_ORIGINS.get(date_source, "")
    return f"{date} ({origin})" if origin else date


def render_citation(citation: Citation, text: str, turn: int = 0) -> str:
    """Number, title, date, file, and the quote highlighted inside its passage."""
    escape = html.escape
    before = context_before(text, citation.start)
    after = context_after(text, citation.end)
    return (
        f'<article class="source" id="source-{turn}-{citation.id}">'
        f'<h3 class="source-heading" title="{escape(citation.title)}">'
        f'<span class="source-number">[{citation.id}]</span> '
        f"{escape(display_title(citation.title))}</h3>"
        f'<p class="source-meta">{escape(dated(citation.date, citation.date_source))} · '
        f"<code>{escape(citation.source)}</code> · "
        f'<a class="view-link" data-source="{escape(citation.source)}" '
        f'data-start="{citation.start}" data-end="{citation.end}">view in document</a></p>'
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
