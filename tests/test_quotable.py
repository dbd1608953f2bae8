"""Quotable sentences: statements and the title, never the page furniture around an article."""

from __future__ import annotations

from assistant.quotable import quotable

PAGE = (
    "Rail line opens\n\n"
    "The new rail line opens in Pune next year. It has nine stations.\n\n"
    "Mayor praises the budget, says more buses soon\n\n"
    "Share this article\n"
    "click me!\n\n"
    "Trains will run every ten minutes.\n"
)


def span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def test_statements_and_the_title_of_an_article_are_quotable() -> None:
    for sentence in (
        "Rail line opens",
        "It has nine stations.",
        "Trains will run every ten minutes.",
    ):
        assert quotable(PAGE, *span(PAGE, sentence)), sentence


def test_headlines_and_buttons_inside_an_article_are_not() -> None:
    for line in (
        "Mayor praises the budget, says more buses soon",
        "Share this article",
        "click me!",
    ):
        assert not quotable(PAGE, *span(PAGE, line)), line


def test_hindi_statements_end_with_a_danda_and_an_ellipsis_trails_off() -> None:
    page = "शीर्षक\n\nबसपा ने बैठक बुलाई। यह अहम थी।\n\nअब क्या करेगा भारत...\n"
    assert quotable(page, *span(page, "यह अहम थी।"))
    assert not quotable(page, *span(page, "अब क्या करेगा भारत..."))


def test_every_line_of_notes_and_lists_stays_quotable() -> None:
    notes = "Trip\n\n- Train leaves at 9\n- Hotel is near the station\n- Museum closed Monday\n"
    for line in ("- Train leaves at 9", "- Hotel is near the station"):
        assert quotable(notes, *span(notes, line))
