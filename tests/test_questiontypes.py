"""The answer-type check: a sentence must hold a fact of the asked kind that the question lacks."""

from __future__ import annotations

import pytest

from assistant.questiontypes import asked_type, can_answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How old is Mayawati?", "age"),
        ("What is Akhilesh Yadav's age?", "age"),
        ("In which year did Imran Masood join the BSP?", "year"),
        ("What was the Congress's vote share in 2009?", "percent"),
        ("How many votes did the BSP candidate get?", "count"),
        ("When will votes be counted?", "date"),
        ("आजमगढ़ उपचुनाव के नतीजे किस तारीख को घोषित हुए?", "date"),
        ("Who leads the Lok Jan Shakti Party?", "name"),
        ("Where was the alliance announced?", "name"),
        ("Why did Mayawati rule out an alliance?", None),
    ],
)
def test_asked_type(question: str, kind: str | None) -> None:
    assert asked_type(question) == kind


def test_a_name_must_be_one_the_question_does_not_hold() -> None:
    question = "What was the name of the BSP candidate who lost the Rajya Sabha election?"
    kind = asked_type(question)
    assert not can_answer("In the Rajya Sabha polls, the BSP nominee lost.", kind, question)
    assert can_answer("The BSP fielded Bhimrao Ambedkar in the Rajya Sabha polls.", kind, question)
    # A month is not a name.
    assert not can_answer("The polls were held in March and the BSP lost.", kind, question)


def test_a_count_must_be_a_number_the_question_does_not_hold() -> None:
    question = "How many of the 500 coordinators are from Uttar Pradesh?"
    kind = asked_type(question)
    assert not can_answer("All 500 coordinators were invited on January 11.", kind, question)
    assert can_answer("Of the 500 coordinators, 80 are from Uttar Pradesh.", kind, question)


def test_year_and_percent() -> None:
    year = "In which year did Imran Masood join the BSP?"
    assert not can_answer("On August 29, the BSP expelled Imran Masood.", asked_type(year), year)
    assert can_answer("Imran Masood joined the BSP in 2022.", asked_type(year), year)
    share = "What vote share did the SP get?"
    assert not can_answer("The SP won 111 seats.", asked_type(share), share)
    assert can_answer("The SP got 34 per cent of the votes.", asked_type(share), share)
