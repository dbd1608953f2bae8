"""Property: for any Unicode question, ask() keeps the answer contract or explains in one line."""

from __future__ import annotations

import json
import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import REFUSAL, Answer, Assistant, QuestionError

# Every code point, surrogates included (a client can send them as JSON escapes).
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
# The questions a retriever sees, long ones included (the limit is 2000 characters).
QUESTIONS = st.text(ANY_CHARACTER, max_size=300) | st.text(
    ANY_CHARACTER, min_size=1900, max_size=2100
)
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,  # the first question loads the model
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_contract(assistant: Assistant, answer: Answer) -> None:
    """The contract of design.md: a refusal without citations, or quotes found at their offsets."""
    data = answer.to_dict()
    assert list(data) == ["question", "answer", "refused", "generator", "citations", "unsupported"]
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # what the CLI prints
    if answer.refused:
        assert answer.answer == REFUSAL and answer.citations == ()
        return
    assert answer.citations, "an answer that is not a refusal cites something"
    assert answer.answer == " ".join(f"{c.quote} [{c.id}]" for c in answer.citations)
    assert [c.id for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        text = assistant.document_text(citation.source)
        assert 0 <= citation.start < citation.end <= len(text)
        assert text[citation.start : citation.end] == citation.quote
        assert math.isfinite(citation.score)


def ask_or_explain(assistant: Assistant, question: str) -> Answer | None:
    """The answer, or None after checking the error is one clear line."""
    try:
        return assistant.ask(question)
    except QuestionError as error:
        message = str(error)
        assert message and "\n" not in message
        assert "empty" in message or "characters long" in message
        return None


@PROPERTY_SETTINGS
@given(question=QUESTIONS)
def test_any_unicode_question_keeps_the_contract(assistant: Assistant, question: str) -> None:
    answer = ask_or_explain(assistant, question)
    if answer is not None:
        assert_contract(assistant, answer)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_document_words_among_noise_keep_the_contract(assistant: Assistant, data) -> None:
    # Words from the documents make retrieval find passages, so citations get exercised too.
    words = document_words(assistant)
    pieces = data.draw(
        st.lists(
            st.sampled_from(words) | st.text(ANY_CHARACTER, max_size=5), min_size=1, max_size=25
        )
    )
    answer = ask_or_explain(assistant, " ".join(pieces))
    if answer is not None:
        assert_contract(assistant, answer)


_WORDS: list[str] = []


def document_words(assistant: Assistant) -> list[str]:
    if not _WORDS:
        texts = (assistant.document_text(source) for source in sorted(assistant.index.documents))
        _WORDS.extend(sorted({w for text in texts for w in re.findall(r"\w{4,}", text)}))
    return _WORDS
