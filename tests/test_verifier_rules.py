"""The verifier's rules for names, acronyms, numbers as words and facts said together."""

from __future__ import annotations

import pytest
from test_verifier import evidence_of

from assistant import Assistant
from assistant.generation.attribution import misattributed
from assistant.generation.checks import Checker
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import facts
from assistant.generation.names import missing_names, name_lexicon, names
from index import language_of

ALLIANCE = "Bahujan Samaj Party (BSP) chief Mayawati on August 30 ruled out any possibility"
RED_FLAG = "SP chief Akhilesh Yadav has red flagged the entry of Mayawati"
PHASES = "Uttar Pradesh will vote in seven phases"
COUNTED = "Votes will be counted on June 4"
HINDI_MEETING = "मायावती ने 30 जून को राष्ट्रीय और प्रदेश कमेटी"
BYPOLL = "उपचुनाव में सपा को हार मिली है"


def test_numbers_written_as_words_in_english_and_hindi() -> None:
    assert facts("twenty-three seats") == facts("तेईस सीटें") == facts("23 seats") == {"23"}
    assert facts("दो लाख लोग") == facts("two lakh people") == {"200000"}
    assert facts("पांच सौ समन्वयक") == facts("500 coordinators") == {"500"}
    assert facts("डेढ़ करोड़") == {"15000000"} and facts("2 सौ") == {"200"}
    # Alone, "one" and "एक" mean "a"; before a scale word they are numbers.
    assert facts("एक साल पहले") == facts("one of them") == set()
    assert facts("एक करोड़") == facts("one crore") == {"10000000"}
    assert facts("बृहस्पतिवार को") == facts("on Thursday") == {"day:4"}


def test_names_are_neither_function_words_nor_words_the_documents_write_in_lower_case() -> None:
    lexicon = name_lexicon(["They met Akhilesh in Lucknow and Kairana.", "The assembly met."])
    # Short sounds (a-kh-l-sh) are names where no document writes the word in lower case.
    assert names("अखिलेश यादव ने बैठक की।", lexicon)[:1] == ["अखिलेश"]
    # लेकिन sounds as Lucknow, कारण as Kairana: common words, not names.
    assert names("लेकिन इसका कारण साफ था।", lexicon) == []
    assert names("हार के कारणों पर बात हुई।", lexicon) == []  # names take no plural
    assert names("Behind closed doors, the Assembly met Akhilesh.", lexicon) == ["Akhilesh"]


def test_acronyms_match_what_they_stand_for_in_either_script() -> None:
    party = "Bahujan Samaj Party chief Mayawati met the Bharatiya Janata Party"
    assert missing_names(["BSP", "बसपा", "भाजपा", "BJP", "RLD"], party) == ["RLD"]
    assert missing_names(["समाजवादी"], BYPOLL, "उपचुनाव में समाजवादी पार्टी हार गई।") == []
    # A first name is no acronym of the surname after it (D-Y is no "Yadav").
    assert missing_names(["Dimple"], "Akhilesh Yadav", "Dimple Yadav met him.") == ["Dimple"]


@pytest.mark.parametrize(
    ("statement", "evidence", "supported", "reason"),
    [
        # The name is in one sentence, the date in another: nothing says them together.
        (
            "Akhilesh Yadav on August 30 ruled out an alliance with the NDA.",
            (ALLIANCE, RED_FLAG),
            False,
            "together",
        ),
        (
            "Mayawati ruled out an alliance with the NDA on August 30.",
            (ALLIANCE, RED_FLAG),
            True,
            "",
        ),
        # A sentence naming no one continues the one before it: its subject is elided.
        ("Votes in Uttar Pradesh will be counted on June 4.", (PHASES, COUNTED), True, ""),
        # A Hindi name with a short sound that the documents use for someone else.
        (
            "अखिलेश यादव ने 30 जून को राष्ट्रीय और प्रदेश कमेटी के साथ अहम बैठक की।",
            (HINDI_MEETING,),
            False,
            "name",
        ),
        ("मायावती ने 30 जून को राष्ट्रीय और प्रदेश कमेटी के साथ बैठक की।", (HINDI_MEETING,), True, ""),
        # समाजवादी पार्टी is what सपा stands for.
        ("उपचुनाव में समाजवादी पार्टी को हार मिली।", (BYPOLL,), True, ""),
    ],
)
def test_hand_made_statements_on_the_new_rules(
    assistant: Assistant,
    checker: Checker,
    statement: str,
    evidence: tuple[str, ...],
    supported: bool,
    reason: str,
) -> None:
    verdict = checker.check(statement, evidence_of(assistant, *evidence))
    assert verdict.supported is supported, verdict
    assert reason in verdict.reason


# Hand-made articles for the attribution rule (attribution.py): the name must be said where the
# claim's content is, or before it in its article when that sentence says "She" or "उन्होंने".
ARTICLES = {
    "expelled": "The BSP said it had expelled senior leader Imran Masood from the party in "
    "western Uttar Pradesh. He had joined it in 2022.",
    "joined": "In 2022, Om Prakash Rajbhar and Sanjay Chauhan came together.",
    "solo": "BSP chief Mayawati met reporters in Lucknow. Rain fell all day. She said her party "
    "would contest the Lok Sabha elections alone.",
    "met": "Akhilesh Yadav met Mayawati on Monday. The SP announced a new strategy against the "
    "BJP for the bypolls.",
    "hindi": "बसपा प्रमुख मायावती ने लखनऊ में बैठक की। उन्होंने कहा कि पार्टी अकेले चुनाव लड़ेगी।",
    "hindi-other": "अखिलेश यादव लखनऊ पहुंचे।",
}
ATTRIBUTION_LEXICON = name_lexicon(
    [*ARTICLES.values(), "They met Akhilesh Yadav and Mayawati of the BSP in Lucknow."]
)


def sentence_of(source: str, part: str) -> EvidenceSentence:
    """The hand-made article's sentence that starts with `part`."""
    text = ARTICLES[source]
    start = text.index(part)
    end = next((i + 1 for i in range(start, len(text)) if text[i] in ".।"), len(text))
    sentence = text[start:end]
    return EvidenceSentence(
        1, source, text.split(".")[0], "", "", start, end, sentence, language_of(sentence), 1.0
    )


@pytest.mark.parametrize(
    ("statement", "parts", "misattributed_names"),
    [
        # The content is in the sentence on Imran Masood; Rajbhar is only mentioned elsewhere.
        (
            "The BSP expelled senior leader Om Prakash Rajbhar from the party in western "
            "Uttar Pradesh.",
            [("expelled", "The BSP"), ("joined", "In 2022")],
            ["Om", "Prakash", "Rajbhar"],
        ),
        # "She said" follows a sentence naming Mayawati, two sentences back in its article.
        (
            "Mayawati said her party would contest the Lok Sabha elections alone.",
            [("solo", "She said"), ("met", "Akhilesh")],
            [],
        ),
        # ... and names no Akhilesh: the other sentence only mentions him.
        (
            "Akhilesh Yadav said his party would contest the Lok Sabha elections alone.",
            [("solo", "She said"), ("met", "Akhilesh")],
            ["Akhilesh", "Yadav"],
        ),
        # Each sentence carries a part of the claim: the names may be in either.
        (
            "Mayawati met reporters in Lucknow and the SP announced a new strategy for the "
            "bypolls.",
            [("solo", "BSP chief"), ("met", "The SP")],
            [],
        ),
        ("मायावती ने कहा कि पार्टी अकेले चुनाव लड़ेगी।", [("hindi", "उन्होंने")], []),
        (
            "अखिलेश यादव ने कहा कि पार्टी अकेले चुनाव लड़ेगी।",
            [("hindi", "उन्होंने"), ("hindi-other", "अखिलेश")],
            ["अखिलेश"],
        ),
    ],
)
def test_names_are_said_where_the_claim_s_content_is(
    statement: str, parts: list[tuple[str, str]], misattributed_names: list[str]
) -> None:
    evidence = [sentence_of(source, part) for source, part in parts]
    found = misattributed(statement, evidence, ATTRIBUTION_LEXICON, ARTICLES)
    assert found[: len(misattributed_names)] == misattributed_names
    assert bool(found) is bool(misattributed_names)
