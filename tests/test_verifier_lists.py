"""Names listed together, and names a sentence adds to the content, must stand where the claim says.

Made-up articles, so the rules are tested apart from the claims sets they were measured on.
"""

from __future__ import annotations

import pytest

from assistant.generation.attribution import misattributed
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.lists import listed_apart, listed_pairs
from assistant.generation.names import name_lexicon, names

STRIKE = "The union will not call a strike in Pune or Nashik this year, the union said."
ELSEWHERE = (
    "The owners, who hoped for calm in Pune and Nashik, face a hard vote on wages in Nagpur."
)
HINDI = "नागपुर: गुरुवार को यूनियन कार्यालय में कोल्हापुर और औरंगाबाद में हड़ताल की तैयारियों पर बैठक हुई।"
MET = "Three days before the deal, union chief Rajan Mehta and Birla met in Mumbai."
SIGNED = "At a press event on Monday in Nagpur with Rajan Mehta and Birla, the deal was signed."
ARTICLES = {"strike.txt": f"{STRIKE} {ELSEWHERE}", "hi.txt": HINDI, "deal.txt": f"{MET} {SIGNED}"}
LEXICON = name_lexicon(
    [
        *ARTICLES.values(),
        "Nagpur, Pune, Nashik, Kolhapur, Aurangabad and Mumbai are cities. Rajan Mehta met Birla.",
    ]
)


def _sentence(source: str, text: str, language: str = "en") -> EvidenceSentence:
    start = ARTICLES[source].index(text)
    return EvidenceSentence(
        1, source, "", "", "", start, start + len(text), text, language, 1.0
    )  # fmt: skip


def test_pairs_are_names_joined_by_a_conjunction() -> None:
    assert listed_pairs("No strike in Pune and Nashik, Rajan said.", LEXICON) == [
        ("Pune", "Nashik")
    ]
    assert listed_pairs("In Pune, Rajan said no.", LEXICON) == []  # a comma alone lists nothing


@pytest.mark.parametrize(
    ("statement", "apart"),
    [
        # Rule: a list is said in one breath; "Nagpur" twenty words later is not in it.
        ("The union said it will not strike in Pune or Nagpur this year.", ["Pune", "Nagpur"]),
        # The list as the article gives it, or with words between its items, is supported.
        ("The union said it will not strike in Pune or Nashik this year.", []),
        ("The owners hoped for calm in Nashik and Pune.", []),
    ],
)
def test_listed_names_must_be_listed_in_one_sentence(statement: str, apart: list[str]) -> None:
    evidence = [_sentence("strike.txt", STRIKE), _sentence("strike.txt", ELSEWHERE)]
    assert listed_apart(statement, evidence, LEXICON) == apart


def test_a_dateline_does_not_join_a_list() -> None:
    # "नागपुर:" opens the sentence as its place line; the list in it is "कोल्हापुर और औरंगाबाद".
    evidence = [_sentence("hi.txt", HINDI, "hi")]
    assert listed_apart("नागपुर और औरंगाबाद में हड़ताल की तैयारी हुई।", evidence, LEXICON)
    assert not listed_apart("कोल्हापुर और औरंगाबाद में हड़ताल की तैयारी हुई।", evidence, LEXICON)
    # Across scripts, by their sounds.
    assert not listed_apart("A strike was planned in Kolhapur and Aurangabad.", evidence, LEXICON)
    assert listed_apart("A strike was planned in Nagpur and Aurangabad.", evidence, LEXICON)


@pytest.mark.parametrize(
    ("statement", "misplaced"),
    [
        # Rule: a sentence that adds to the content holds a name only with the words next to it
        # in the claim: the meeting was in Mumbai; Nagpur is where the deal was signed.
        (
            "Three days before the deal was signed at a press event, Rajan Mehta and Birla met "
            "in Nagpur.",
            ["Nagpur"],
        ),
        (
            "Three days before the deal was signed at a press event, Rajan Mehta and Birla met "
            "in Mumbai.",
            [],
        ),
        (
            "The deal was signed at a press event in Nagpur three days after Rajan Mehta and "
            "Birla met.",
            [],
        ),
    ],
)
def test_a_name_from_a_helping_sentence_needs_its_words(
    statement: str, misplaced: list[str]
) -> None:
    evidence = [_sentence("deal.txt", MET), _sentence("deal.txt", SIGNED)]
    assert misattributed(statement, evidence, LEXICON, ARTICLES) == misplaced


def test_the_leader_of_names_its_own_subject() -> None:
    # "the leader of X" is not "she": the article before it does not lend the claim a name.
    article = "Birla spoke in Pune. Mehta, the leader of the union, met Rajan in Mumbai."
    articles = {"a.txt": article}
    text = "Mehta, the leader of the union, met Rajan in Mumbai."
    start = article.index(text)
    content = EvidenceSentence(1, "a.txt", "", "", "", start, len(article), text, "en", 1.0)
    other = EvidenceSentence(
        1, "a.txt", "", "", "", 0, start - 1, "Birla spoke in Pune.", "en", 1.0
    )
    claim = "Mehta, the union's leader, met Rajan in Pune."
    assert misattributed(claim, [content, other], LEXICON, articles) == ["Pune"]


def test_hindi_names_listed_with_a_documents_word_or_owning_a_title() -> None:
    lexicon = name_lexicon(["Birla met Rajan.", "हड़ताल नागपुर और कोल्हापुर में हुई। बैठक हुई।"])
    # Rule: a word no document has, listed with a word of the documents that is no common word
    # ("कोल्हापुर और सोलापुर"), is a name; so is one whose office a title is ("... के पूर्व विधायक").
    assert "सोलापुर" in names("हड़ताल कोल्हापुर और सोलापुर में हुई।", lexicon)
    assert "लातूर" in names("लातूर के पूर्व विधायक ने बैठक की।", lexicon)
    # Unseen common nouns listed with the documents' common words, or before no title, are not.
    assert names("बैठक और चर्चा हुई।", lexicon) == []
    assert names("बैठक के बाद चर्चा हुई।", lexicon) == []
