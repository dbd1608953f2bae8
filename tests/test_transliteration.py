"""Phonetic tokens: English names meet their Devanagari transliterations, and little else does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.text.transliteration import phonetic_tokens

# Pairs as they occur in Hindi XQuAD paragraphs and the English questions about them.
PAIRS = [
    ("Tesla", "टेस्ला"),
    ("New York", "न्यूयॉर्क"),
    ("Panthers", "पैंथर्स"),
    ("Jared Allen", "जेरेड एलेन"),
    ("Priestley", "प्रिस्टले"),
    ("Oxygen", "ऑक्सीजन"),
    ("Wiltshire", "विल्टशायर"),
    ("Campbell", "कैंपबेल"),
    ("NFL", "एनएफएल"),
]


def shared(english: str, hindi: str) -> set[str]:
    return set(phonetic_tokens(english)) & set(phonetic_tokens(hindi))


@pytest.mark.parametrize(("english", "hindi"), PAIRS)
def test_a_name_and_its_transliteration_share_tokens(english: str, hindi: str) -> None:
    assert shared(english, hindi)


def test_unrelated_names_mostly_share_nothing() -> None:
    mismatched = [(e, h) for e, _ in PAIRS for _, h in PAIRS if (e, h) not in PAIRS]
    overlapping = [pair for pair in mismatched if shared(*pair)]
    assert len(overlapping) <= len(mismatched) // 10, overlapping


def test_each_name_overlaps_its_own_transliteration_most() -> None:
    for english, hindi in PAIRS:
        best = max((h for _, h in PAIRS), key=lambda h: len(shared(english, h)))
        assert best == hindi, english


def test_numbers_match_exactly_in_either_script_and_grouping() -> None:
    assert "#1773" in phonetic_tokens("in 1,773 or earlier")
    assert "#1773" in phonetic_tokens("१७७३ में")
    assert not shared("1773", "1774 में")


def test_english_function_words_give_no_tokens() -> None:
    assert phonetic_tokens("What is the name of it?") == phonetic_tokens("name")
    assert phonetic_tokens("") == []


def test_both_spellings_of_a_nukta_letter_agree() -> None:
    # NFC leaves ड़ decomposed (ड + nukta) while some texts use the precomposed code point.
    assert phonetic_tokens("\u0921\u093cा") == phonetic_tokens("\u095cा") == phonetic_tokens("ra")


def test_capitalized_words_count_twice() -> None:
    assert phonetic_tokens("Tesla").count("=tsl") == 2 * phonetic_tokens("tesla").count("=tsl")


@given(st.text())
def test_any_text_gives_compact_tokens(text: str) -> None:
    for token in phonetic_tokens(text):
        assert token and not any(character.isspace() for character in token)
