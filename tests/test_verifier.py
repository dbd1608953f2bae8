"""The verifier on hand-made sentences against real evidence from documents/."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.generation.attachment import negation_about
from assistant.generation.checks import Checker
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import facts, negated
from assistant.generation.hindi_names import context_names
from assistant.generation.names import name_lexicon
from assistant.generation.verifying import split_reply, verify_reply
from index import language_of

ALLIANCE = "Bahujan Samaj Party (BSP) chief Mayawati on August 30 ruled out any possibility"
SEATS = "The SP won 23 parliamentary seats in 2009"
TIES = "\"The BSP's close ties with the Samajwadi Party are not for any selfish motive"
ACTIVATE = "has announced that she would not activate her party cadres"
SHARE = "the SP would put up candidates in 63 seats, while the Congress will run in 17"
WITHDREW = "the Apna Dal (K) withdrew them on March 23"
EXPELLED = "On August 29, the BSP said it had expelled senior leader Imran Masood"


def evidence_of(assistant: Assistant, *parts: str) -> list[EvidenceSentence]:
    """The real sentences of documents/ that contain each text, in their own language."""
    found = []
    index = assistant.index
    for part in parts:
        sentences = [
            (chunk.source, start, end)
            for chunk in index.chunks
            for start, end in chunk.sentences
            if part in index.documents[chunk.source].text[start:end]
        ]
        assert sentences, f"no sentence holds {part!r}"
        source, start, end = sentences[0]
        document = index.documents[source]
        text = document.text[start:end]
        found.append(
            EvidenceSentence(
                len(found) + 1, source, document.title, document.date, document.date_source,
                start, end, text, language_of(text), 1.0,
            )
        )  # fmt: skip
    return found


@pytest.mark.parametrize(
    ("statement", "evidence", "supported", "reason"),
    [
        ("Mayawati ruled out an alliance with the NDA on August 30.", ALLIANCE, True, ""),
        ("Mayawati ruled out an alliance with the NDA on August 25.", ALLIANCE, False, "number"),
        ("Mayawati ruled out an alliance with the NDA in September.", ALLIANCE, False, "date"),
        (
            "Akhilesh Yadav ruled out an alliance with the NDA on August 30.",
            ALLIANCE,
            False,
            "name",
        ),
        ("Mayawati did not rule out an alliance with the NDA.", ALLIANCE, False, "negat"),
        ("The SP won 23 parliamentary seats in 2009.", SEATS, True, ""),
        ("The SP won 35 parliamentary seats in 2009.", SEATS, False, "number"),
        # Every fact is in the evidence, but its 5 goes with 2019 there, not with 2009.
        ("The SP won 5 parliamentary seats in 2009.", SEATS, False, "else"),
        ("The SP won 5 parliamentary seats in 2019.", SEATS, True, ""),
        ("In 2009, the SP won 23 parliamentary seats.", SEATS, True, ""),
        ("The BSP's ties with the Samajwadi Party are for a selfish motive.", TIES, False, "negat"),
        ("Mayawati said she would activate her party cadres.", ACTIVATE, False, "negation"),
        # A number the evidence gives, but of something else, even in the same sentence.
        ("The Congress will run in 17 of the state's 80 Lok Sabha seats.", SHARE, True, ""),
        ("The Congress will run in 63 of the state's 80 Lok Sabha seats.", SHARE, False, "else"),
        # A negator counts where it bears on the statement's words, not elsewhere in its clause.
        ("According to the SP, the Congress has just 2 of the 403 MLA seats.", SEATS, True, ""),
        ("The SP has agreed to the Congress's claims.", SEATS, False, "negation"),
        # A date put first is about the whole sentence.
        (
            "On March 23, Apna Dal (K) withdrew its candidates for Phulpur and Kaushambi.",
            WITHDREW,
            True,
            "",
        ),
        # Across scripts: names by their sounds, Devanagari digits and Hindi month names.
        ("बसपा प्रमुख मायावती ने ३० अगस्त को एनडीए और इंडिया से गठबंधन से इनकार किया।", ALLIANCE, True, ""),
        ("मायावती ने 25 अगस्त को गठबंधन से इनकार किया।", ALLIANCE, False, "number"),
        ("मायावती ने 30 अगस्त को कांग्रेस के साथ गठबंधन से इनकार किया।", ALLIANCE, False, "name"),
    ],
)
def test_hand_made_statements(
    assistant: Assistant,
    checker: Checker,
    statement: str,
    evidence: str,
    supported: bool,
    reason: str,
) -> None:
    verdict = checker.check(statement, evidence_of(assistant, evidence))
    assert verdict.supported is supported, verdict
    assert reason in verdict.reason


def test_a_date_from_another_cited_sentence_does_not_support(
    assistant: Assistant, checker: Checker
) -> None:
    # Both cited sentences together hold "August 29", but only as the day of the expulsion.
    cited = evidence_of(assistant, ALLIANCE, EXPELLED)
    moved = checker.check("On August 29, Mayawati ruled out an alliance with the NDA.", cited)
    kept = checker.check("On August 30, Mayawati ruled out an alliance with the NDA.", cited)
    assert not moved.supported and "said of something else" in moved.reason, moved
    assert kept.supported, kept


def test_a_sentence_without_a_valid_marker_is_dropped(
    assistant: Assistant, checker: Checker
) -> None:
    evidence = evidence_of(assistant, ALLIANCE, SEATS)
    reply = (
        "Mayawati ruled out an alliance on August 30 [1]. The SP won 23 seats in 2009. "
        "The SP won 23 parliamentary seats in 2009 [9]. The SP won 23 parliamentary seats in "
        "2009. [2]"
    )
    kept, dropped = verify_reply(reply, evidence, checker)
    assert [k.text for k in kept] == [
        "Mayawati ruled out an alliance on August 30.",
        "The SP won 23 parliamentary seats in 2009.",
    ]
    assert [k.evidence[0].number for k in kept] == [1, 2]
    reasons = {d.sentence: d.reason for d in dropped}
    assert "no [n] marker" in reasons["The SP won 23 seats in 2009."]
    assert "[9]" in reasons["The SP won 23 parliamentary seats in 2009."]


def test_a_wrong_marker_is_reattached_to_the_sentence_that_supports_it(
    assistant: Assistant, checker: Checker
) -> None:
    evidence = evidence_of(assistant, ALLIANCE, SEATS)
    kept, dropped = verify_reply(
        "The SP won 23 parliamentary seats in 2009. [1]", evidence, checker
    )
    assert not dropped and kept[0].evidence == (evidence[1],)


def test_facts_read_devanagari_digits_lakh_crore_and_percent() -> None:
    assert facts("३४ प्रतिशत वोट") == facts("34% of the votes") == {"34%"}
    assert facts("2 lakh people") == facts("२ लाख लोग") == {"200000"}
    assert facts("1.5 crore") == {"15000000"} and facts("1,00,000") == {"100000"}
    assert facts("on 30 जून") == facts("on June 30") == {"30", "month:6"}
    assert negated("उसने ऐसा नहीं कहा") and negated("She didn't say so")
    assert not negated("नागपुर में बैठक हुई") and not negated("Nothingham won")


def test_replies_split_on_danda_and_keep_markers_with_their_sentence() -> None:
    reply = "मायावती ने बैठक की। [1] उन्होंने कहा [2]। Second one? [3]\nA line"
    assert split_reply(reply) == [
        "मायावती ने बैठक की। [1]",
        "उन्होंने कहा [2]।",
        "Second one? [3]",
        "A line",
    ]


def test_an_echo_of_the_prompt_is_not_an_answer(assistant: Assistant, checker: Checker) -> None:
    evidence = evidence_of(assistant, ALLIANCE, SEATS)
    reply = (
        "End every sentence with [n], where n is the number of the evidence it comes from. "
        "Write one to three short sentences in English. [1] Copy numbers exactly. [2]"
    )
    kept, dropped = verify_reply(reply, evidence, checker)
    assert not kept and len(dropped) == 3


def test_a_negator_counts_only_where_it_bears_on_the_statement() -> None:
    cadres = "The BSP will not activate its cadres in any bypoll in future"
    assert negation_about("The BSP will activate its cadres.", cadres)
    seats = "is not okay with the grand old party's claims citing the Congress has just 1 out of 80"
    assert not negation_about("The Congress has just 1 of the 80 MP seats.", seats)
    # Hindi puts नहीं after the object: the words before it count too.
    assert negation_about("पार्टी ने सूची रद्द की।", "पार्टी ने उम्मीदवारों की सूची रद्द नहीं की।")
    assert not negation_about("पार्टी ने सूची रद्द की।", "मायावती ने कहा कि वह नहीं जाएंगी।")


@pytest.mark.parametrize(
    ("statement", "evidence", "supported", "reason"),
    [
        # Hindi names the documents never write, told by where they stand.
        ("नीतीश कुमार ने 30 अगस्त को एनडीए और इंडिया से गठबंधन से इनकार किया।", ALLIANCE, False, "name"),
        (
            "शिवपाल यादव और मायावती ने 30 अगस्त को एनडीए और इंडिया से गठबंधन से इनकार किया।",
            ALLIANCE,
            False,
            "शिवपाल",
        ),
        ("ममता बनर्जी ने कहा कि सपा ने 2009 में 23 संसदीय सीटें जीती थीं।", SEATS, False, "name"),
        # A title before a known name, or alone as the agent, is not a name.
        ("बसपा प्रमुख मायावती ने 30 अगस्त को एनडीए और इंडिया से गठबंधन से इनकार किया।", ALLIANCE, True, ""),
        (
            "बसपा प्रमुख ने 30 अगस्त को एनडीए और इंडिया से गठबंधन की संभावना से इनकार किया।",
            ALLIANCE,
            True,
            "",
        ),
        ("सपा ने 2009 में 23 संसदीय सीटें जीती थीं।", SEATS, True, ""),
    ],
)
def test_hindi_statements_with_names_the_documents_never_write(
    assistant: Assistant,
    checker: Checker,
    statement: str,
    evidence: str,
    supported: bool,
    reason: str,
) -> None:
    verdict = checker.check(statement, evidence_of(assistant, evidence))
    assert verdict.supported is supported, verdict
    assert reason in verdict.reason


def test_context_names_need_an_unseen_word_where_names_stand() -> None:
    lexicon = name_lexicon(["Mayawati met Akhilesh Yadav in Lucknow.", "मायावती ने बैठक की।"])
    assert context_names("नीतीश कुमार ने बैठक की।", lexicon) == ["नीतीश", "कुमार"]
    assert context_names("मायावती ने कहा कि शिवपाल यादव और अखिलेश मिले।", lexicon) == [
        "शिवपाल",
        "यादव",
    ]
    # Next to a known name: titles as often as first names, so nothing is taken.
    assert context_names("मायावती ने वरिष्ठ नेता अखिलेश को निकाला।", lexicon) == []
    # Seen words, pronouns, plural nouns, a title after a name, and objects are not names.
    assert context_names("मायावती ने बैठक की।", lexicon) == []
    assert context_names("उन्होंने कहा कि नेताओं ने बैठक की।", lexicon) == []
    assert context_names("मायावती प्रमुख ने बैठक की।", lexicon) == []
    assert context_names("मायावती ने पटना में बैठक की।", lexicon) == []
    # Whom the agent told: a recipient right after "X ने"; not a weekday, nor the verb's noun.
    assert context_names("मायावती ने रॉयटर्स को बताया।", lexicon) == ["रॉयटर्स"]
    assert context_names("मायावती ने सोमवार को बैठक की।", lexicon) == []
    assert context_names("मायावती ने आरोप लगाया कि बैठक हुई।", lexicon) == []


def test_hindi_statements_get_a_multilingual_cosine(assistant: Assistant, checker: Checker) -> None:
    evidence = evidence_of(assistant, ALLIANCE)
    said = checker.check("मायावती ने 30 अगस्त को एनडीए से गठबंधन से इनकार किया।", evidence)
    other = checker.check("मायावती ने 30 अगस्त को लखनऊ में बारिश देखी।", evidence)
    english = checker.check("Mayawati ruled out an alliance with the NDA on August 30.", evidence)
    assert said.multilingual and other.multilingual and not english.multilingual
    assert 0.0 < other.similarity < said.similarity < 1.0
