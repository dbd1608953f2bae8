"""A name put in the place of another name of a sentence the statement copies is rejected."""

from __future__ import annotations

import pytest
from test_verifier import evidence_of

from assistant import Assistant
from assistant.generation.checks import checker_for
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.names import missing_names, name_lexicon
from assistant.generation.swapped import swapped_names

PLAN = "Rajan asked the workers to stop the Tata plan to close the mill in Pune."
MEETING = "Birla and Rajan met the workers in Pune last week."
ARTICLES = {"mill.txt": f"{PLAN} {MEETING}"}


def _sentence(text: str) -> EvidenceSentence:
    start = ARTICLES["mill.txt"].index(text)
    return EvidenceSentence(
        1, "mill.txt", "Mill", "", "", start, start + len(text), text, "en", 1.0
    )  # fmt: skip


@pytest.mark.parametrize(
    ("statement", "swapped"),
    [
        # Rule: copying a document sentence more closely than the cited one, with another name
        # in a name's place, says what the documents say of someone else.
        ("Rajan asked the workers to stop the Birla plan to close the mill in Pune.", ["Birla"]),
        # A paraphrase without the name, or with the same name, copies nothing wrongly.
        ("Rajan asked workers to stop a plan to shut the Pune mill.", []),
        ("Rajan met the workers in Pune with Birla.", []),
    ],
)
def test_a_name_swapped_in_a_copied_document_sentence(statement: str, swapped: list[str]) -> None:
    lexicon = name_lexicon(ARTICLES.values())
    assert swapped_names(statement, [_sentence(MEETING)], lexicon, ARTICLES) == swapped


@pytest.mark.parametrize(
    ("statement", "supported"),
    [
        # Rule: names around the slot do not count as its context (a paraphrase moves or adds
        # them): "Uttar Pradesh Mallikarjun Kharge told" stands where "... Avinash Pande told" is.
        (
            "AICC in-charge of Uttar Pradesh Mallikarjun Kharge told ETV Bharat that all "
            "secular forces must come together against the BJP.",
            False,
        ),
        (
            "Avinash Pande, the AICC in-charge of Uttar Pradesh, told ETV Bharat that all "
            "secular forces must come together against the BJP.",
            True,
        ),
    ],
)
def test_a_name_in_another_s_place_among_names(
    assistant: Assistant, statement: str, supported: bool
) -> None:
    checker = checker_for(assistant.index, assistant.config)
    evidence = evidence_of(assistant, "AICC in-charge of Uttar Pradesh", "Mallikarjun Kharge")
    verdict = checker.check(statement, evidence)
    assert verdict.supported is supported, verdict


def test_an_acronym_is_found_by_its_letters_in_english() -> None:
    # Rule: capitals are initials: AIADMK is not DMK, though it sounds so once its vowels go;
    # the acronym as written, or its sound in Devanagari (एआईएडीएमके), is found.
    assert missing_names(["AIADMK"], "It includes the Congress and the DMK.") == ["AIADMK"]
    assert missing_names(["DMK"], "It includes the Congress and the DMK.") == []
    assert missing_names(["AIADMK"], "इसमें एआईएडीएमके शामिल है।") == []
    assert missing_names(["BSP"], "The BSP's ties with the SP are close.") == []
