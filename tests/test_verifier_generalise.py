"""The verifier's rules of round five: each rejects a false statement and keeps a paraphrase."""

from __future__ import annotations

import pytest
from test_verifier import evidence_of

from assistant import Assistant
from assistant.generation.attachment import detached_facts
from assistant.generation.checks import Checker, checker_for
from assistant.generation.claims import check_claim
from assistant.generation.names import name_lexicon, names
from assistant.generation.negation import negation_mismatch

SEATS_2009 = "The SP won 23 parliamentary seats in 2009, 5 in 2019"
SECOND = "was second on around 12 parliamentary seats in 2009 polls"
FOCUS_2019 = "she will concentrate on the 2019 Lok Sabha polls"
SOLO_2024 = "She said her party would go it solo in the 2024 Lok Sabha"
PHASES = "Uttar Pradesh will vote in seven phases"
COUNTED = "Votes will be counted on June 4"
CADRES = "The BSP will not activate its cadres in any bypoll in future"


def test_facts_go_together_in_either_order(assistant: Assistant) -> None:
    # Rule: facts a chain of neighbours joins in one clause go together, in either order.
    second = evidence_of(assistant, SECOND)
    kept = "The party wants the 12 seats where it came second in 2009."
    assert detached_facts(kept, second) == []
    seats = evidence_of(assistant, SEATS_2009)
    assert detached_facts("The SP won 5 parliamentary seats in 2009.", seats)


@pytest.mark.parametrize(
    ("statement", "parts", "supported"),
    [
        # Rule: a number from another sentence than the one saying the content must come with
        # words around it there that the content sentence lacks.
        (
            "Mayawati said she would not activate BSP cadres for the byelections because she "
            "will concentrate on the 2024 Lok Sabha polls.",
            (FOCUS_2019, SOLO_2024),
            False,
        ),
        (
            "Votes in Uttar Pradesh will be counted on June 4, after polling in seven phases.",
            (PHASES, COUNTED),
            True,
        ),
    ],
)
def test_a_number_is_in_the_sentence_that_says_it(
    assistant: Assistant,
    checker: Checker,
    statement: str,
    parts: tuple[str, ...],
    supported: bool,
) -> None:
    verdict = checker.check(statement, evidence_of(assistant, *parts))
    assert verdict.supported is supported, verdict


def test_negation_is_read_in_the_clause_its_negator_speaks_of(assistant: Assistant) -> None:
    def coverage(statement: str, text: str) -> float:
        return checker_for(assistant.index, assistant.config).coverage(statement, text)

    cadres = evidence_of(assistant, CADRES)
    # Rule: a negated English statement agrees with any negated clause of the sentence it
    # restates that speaks of what follows its negator.
    kept = "The BSP said it would not put its cadres to work in future bypolls, as in Gorakhpur."
    assert negation_mismatch(kept, cadres, coverage) == ""
    flipped = "The BSP said it would put its cadres to work in future bypolls, as in Gorakhpur."
    assert negation_mismatch(flipped, cadres, coverage)


def test_negation_across_scripts_reads_the_whole_sentence(assistant: Assistant) -> None:
    # Rule: where no clause shares a word with the statement, the whole evidence is read.
    def nothing_shared(statement: str, text: str) -> float:
        return 0.0

    # Its first clause ("In any Lok Sabha bypoll or otherwise in the interim") negates nothing.
    interim = evidence_of(assistant, "we will not ask our workers to leave everything")
    said = "उन्होंने कहा कि वे कार्यकर्ताओं से सब कुछ छोड़ने को नहीं कहेंगी।"
    assert negation_mismatch(said, interim, nothing_shared) == ""
    assert negation_mismatch(said.replace(" नहीं", ""), interim, nothing_shared)


def test_a_claim_may_join_a_sentence_and_the_one_it_refers_back_to(assistant: Assistant) -> None:
    # Rule: the best sentences are also tried with their neighbours ("She said" after the
    # sentence naming Mayawati), and a pronoun subject holds the names of the sentence before.
    said = "Mayawati said the BSP would fight the 2024 Lok Sabha and Assembly elections on its own."
    assert check_claim(assistant.index, said, assistant.config).supported
    other = said.replace("Mayawati", "Akhilesh Yadav")
    assert not check_claim(assistant.index, other, assistant.config).supported


@pytest.mark.parametrize(
    ("statement", "supported"),
    [
        # Rule: a Devanagari word standing where the evidence sentence has a name (three of
        # the four words around it shared) must be that name; a common word may stand for it.
        ("उन्होंने कहा कि सभी कार्यकर्ता अधिक से अधिक लोगों को सपा में जोड़ने का प्रयास करें।", False),
        ("उन्होंने कहा कि सभी कार्यकर्ता अधिक से अधिक लोगों को पार्टी में जोड़ने का प्रयास करें।", True),
    ],
)
def test_a_word_in_a_name_s_place_is_that_name(
    assistant: Assistant, checker: Checker, statement: str, supported: bool
) -> None:
    evidence = evidence_of(assistant, "अधिक से अधिक लोगों को बसपा में जोड़ने")
    verdict = checker.check(statement, evidence)
    assert verdict.supported is supported, verdict


def test_hindi_names_after_a_title_or_before_a_surname() -> None:
    lexicon = name_lexicon(["Pallavi Patel met Asaduddin Owaisi in Hyderabad.", "पार्टी ने कहा।"])
    # Rule: unseen words after a title (नेता, प्रमुख ...) or right before a known name are names.
    assert names("उसने वरिष्ठ नेता नसीमुद्दीन सिद्दीकी को निकाला।", lexicon) == [
        "नसीमुद्दीन",
        "सिद्दीकी",
    ]
    assert "अनुप्रिया" in names("बैठक में अनुप्रिया पटेल थीं।", lexicon)
    # ... and a paraphrase naming no one keeps its common words, a known first name its own.
    assert names("उसने वरिष्ठ नेता को पार्टी से निकाला।", lexicon) == []
    assert "बैठक" not in names("बैठक में पल्लवी पटेल थीं।", lexicon)


@pytest.mark.parametrize(
    ("statement", "supported"),
    [
        # Rule: "The INDIA alliance" names its subject, so the article before it is not read
        # for names ("The BSP chief" still refers back): the BSP is only mentioned elsewhere.
        (
            "The INDIA alliance of Opposition parties against the BJP includes the Congress, "
            "the TMC, the DMK and the BSP.",
            False,
        ),
        (
            "The INDIA alliance of Opposition parties against the BJP includes the Congress, "
            "the TMC and the DMK.",
            True,
        ),
    ],
)
def test_a_named_party_does_not_refer_back(
    assistant: Assistant, checker: Checker, statement: str, supported: bool
) -> None:
    evidence = evidence_of(
        assistant, "The INDIA alliance, on the other hand", "induction of BSP into the opposition"
    )
    verdict = checker.check(statement, evidence)
    assert verdict.supported is supported, verdict
