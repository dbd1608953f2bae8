"""Names in a sentence, and whether the evidence holds each one, in either script."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.generation.acronyms import acronym_names, skeleton
from assistant.generation.common_words import COMMON_WORDS, ENGLISH_FUNCTION_WORDS, FUNCTION_WORDS
from assistant.generation.hindi_names import context_names
from assistant.generation.hindi_words import PLURAL_ENDINGS, vocabulary_keys
from index import phonetic_tokens

# Capitalised words that start sentences or clauses without naming anyone.
_NOT_NAMES = ENGLISH_FUNCTION_WORDS | frozenset(
    "mr mrs ms dr shri smt party chief leader minister president former formerly one two three "
    "said says "
    # Months and weekdays are dates, checked as such (facts.py).
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_HINDI_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")
NAME_PREFIX = 5  # "India" and "Indian" are one name; shorter shared starts are not
_COMMON_ENDINGS = ("ing", "ed", "ly", "er", "ion", "ness", "ment")
HINDI_NAME_SKELETON = 4  # "=" and three consonants at least: shorter sounds match anything
PROPER = "!"  # lexicon key of the sound of a name the documents never write in lower case


def names(sentence: str, lexicon: frozenset[str]) -> list[str]:
    """Capitalised English words, and Hindi words spelling a name the documents use in English.

    A Hindi spelling of a name the documents never use in English is found only where it stands
    as names stand (hindi_names.py): Devanagari has no capitals, and taking every unknown Hindi
    word for a name rejected most Hindi paraphrases.
    """
    found = []
    for match in _LATIN_WORD.finditer(sentence):
        word = bare_name(match.group())
        if len(word) < 2 or not word[:1].isupper() or word.lower() in _NOT_NAMES:
            continue
        at_start = not sentence[: match.start()].strip(" \"'“‘(")
        # A word the documents write in lower case is a common word, capitalised or not ("the
        # Assembly elections"). The first word is capitalised anyway: a name only if the
        # documents use it as one, or it does not end as common words do ("Further").
        written_lower = "~" + word.lower() in lexicon
        common = (
            at_start and skeleton(word) not in lexicon and word.lower().endswith(_COMMON_ENDINGS)
        )
        if not word.isupper() and (written_lower or common):
            continue
        found.append(word)
    known = [word for word in _HINDI_WORD.findall(sentence) if _spells_a_name(word, lexicon)]
    return found + known + [w for w in context_names(sentence, lexicon) if w not in known]


def bare_name(word: str) -> str:
    """The word without a possessive "'s" or stray quotes: "BSP's" is the name BSP."""
    return re.sub(r"['’]s$", "", word).strip("'’-")


def _spells_a_name(word: str, lexicon: frozenset[str]) -> bool:
    """Whether a Devanagari word sounds as a name of the documents (in either script)."""
    key = skeleton(word)
    if word in FUNCTION_WORDS or word in COMMON_WORDS or len(key) < HINDI_NAME_SKELETON:
        return False
    if word.endswith(PLURAL_ENDINGS):  # names take no plural: कारणों is "reasons", not Kairana
        return False
    # Only the sound of a word the documents never write in lower case: मायावती (mvt), अखिलेश
    # (kls), बसपा (bsp) are names; पार्टी (prt) sounds as "Party", which they also write "party".
    return PROPER + key in lexicon


def name_lexicon(texts: Iterable[str]) -> frozenset[str]:
    """Skeletons of the capitalised words the documents use mid-sentence: their names.

    Also "~word" for each word they write in lower case: common words, not names; and the keys
    of the Hindi words they use (hindi_names.vocabulary_keys).
    """
    lexicon, capitalised = set(), set()
    for text in texts:
        lexicon |= vocabulary_keys(text)
        for match in _LATIN_WORD.finditer(text):
            word = match.group()
            if word.islower():
                lexicon.add("~" + word)
            before = text[max(0, match.start() - 2) : match.start()]
            if word[:1].isupper() and word.lower() not in _NOT_NAMES and "." not in before:
                key = skeleton(word)
                if len(key) >= 4:  # "=" and at least three consonants: short ones match anything
                    lexicon.add(key)
                    capitalised.add((key, re.sub(r"['’]s$", "", word).lower()))
    proper = {PROPER + key for key, word in capitalised if "~" + word not in lexicon}
    return frozenset(lexicon | proper)


def missing_names(sentence_names: list[str], evidence: str, sentence: str = "") -> list[str]:
    """The names not found in the evidence, as written, as a transliteration or an acronym."""
    latin = {re.sub(r"['’]s$", "", w.lower()) for w in _LATIN_WORD.findall(evidence)}  # "BSP's"
    words = latin | set(_HINDI_WORD.findall(evidence))
    prefixes = {w[:NAME_PREFIX] for w in words if len(w) >= NAME_PREFIX}
    sounds = set(phonetic_tokens(evidence))
    # An acronym's letters are initials, not sounds: AIADMK sounds as DMK once its vowels go.
    # Written in capitals, it is found by its letters in English and by its sound in Hindi.
    spoken = set(phonetic_tokens(" ".join(_HINDI_WORD.findall(evidence))))
    by_acronym = acronym_names(sentence_names, evidence, sentence)
    return [
        name
        for name in sentence_names
        if name.lower() not in words
        and not (len(name) >= NAME_PREFIX and name.lower()[:NAME_PREFIX] in prefixes)
        and skeleton(name) not in (spoken if _initials(name) else sounds)
        and not _sounds_alike(name, spoken if _initials(name) else sounds)
        and name not in by_acronym
    ]


def _initials(name: str) -> bool:
    return name.isascii() and name.isupper() and len(name) > 1


def _sounds_alike(name: str, sounds: set[str]) -> bool:
    # Spellings drift at the ends (Azamgarh, आजमगढ़): half of the name's 4-grams is enough.
    grams = [token for token in phonetic_tokens(name) if not token.startswith(("=", "#"))]
    return bool(grams) and sum(gram in sounds for gram in set(grams)) * 2 >= len(set(grams))
