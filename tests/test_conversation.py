"""Conversation: a short follow-up is searched together with the previous question."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.conversation import Conversation, is_follow_up

# Mayawati's articles; the Hindi one (002) is quotable for an English question since the index
# has multilingual vectors.
MAYAWATI = {"000_b5ed93c4b23e3d48.txt", "001_12eda452278b32ab.txt", "002_ae3089e6771e0f62.txt"}
FOLLOW_UP = "What did she say about the Samajwadi Party?"


def test_a_follow_up_uses_the_previous_question(assistant: Assistant) -> None:
    conversation = Conversation(assistant)
    first = conversation.ask("What did Mayawati announce about the upcoming byelections in 2018?")
    assert not first.refused
    follow_up = conversation.ask(FOLLOW_UP)
    assert follow_up.question == FOLLOW_UP
    assert not follow_up.refused
    assert follow_up.citations
    assert {c.source for c in follow_up.citations} <= MAYAWATI
    assert conversation.questions == [first.question, FOLLOW_UP]
    # Searched with the two questions together, quoted for the follow-up alone.
    passages = assistant.search(f"{first.question} {FOLLOW_UP}")
    for citation in follow_up.citations:
        assert any(
            p.source == citation.source
            and p.start <= citation.start
            and citation.end <= p.start + len(p.text)
            for p in passages
        )


def test_a_new_subject_is_not_merged_with_the_previous_one(assistant: Assistant) -> None:
    conversation = Conversation(assistant)
    conversation.ask("What did Mayawati announce about the upcoming byelections in 2018?")
    answer = conversation.ask("How many Lok Sabha coordinators did the Congress call to New Delhi?")
    assert answer.citations == assistant.ask(answer.question).citations
    assert answer.citations[0].source == "004_757c3292b47dc842.txt"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (FOLLOW_UP, True),
        ("And the Congress?", True),
        ("उन्होंने क्या कहा?", True),
        ("How many Lok Sabha coordinators did the Congress call to New Delhi?", False),
        ("Who is Mayawati?", False),
        ("What did she say " + "about the many parties in the state " * 3 + "?", False),
    ],
)
def test_follow_ups_are_short_questions_that_refer_back(question: str, expected: bool) -> None:
    assert is_follow_up(question) is expected


def test_the_first_question_is_never_treated_as_a_follow_up(assistant: Assistant) -> None:
    answer = Conversation(assistant).ask(FOLLOW_UP)
    assert answer.citations == assistant.ask(FOLLOW_UP).citations


def test_follow_up_quotes_the_new_subject_not_the_first_answer(assistant) -> None:
    from assistant.conversation import Conversation

    conversation = Conversation(assistant)
    first = conversation.ask("Why did Mayawati rule out an alliance with the NDA and INDIA?")
    follow_up = conversation.ask("What did she say about the Samajwadi Party?")
    assert not follow_up.refused
    assert follow_up.citations[0].quote != first.citations[0].quote
    assert "Samajwadi Party" in follow_up.citations[0].quote


def test_a_resumed_conversation_answers_follow_ups_like_a_live_one(assistant: Assistant) -> None:
    first = "What did Mayawati announce about the upcoming byelections in 2018?"
    live = Conversation(assistant)
    live.ask(first)
    resumed = Conversation(assistant, questions=[first])
    assert resumed.ask(FOLLOW_UP).citations == live.ask(FOLLOW_UP).citations


def test_stream_ends_with_the_answer_and_its_documents(assistant: Assistant) -> None:
    from assistant.conversation import Reply

    *deltas, reply = Conversation(assistant).stream("Who is the chief of the BSP?")
    assert deltas == []  # an extractive answer is ready at once: nothing to stream
    assert isinstance(reply, Reply) and reply.answer.citations
    for citation in reply.answer.citations:
        assert reply.texts[citation.source][citation.start : citation.end] == citation.quote
