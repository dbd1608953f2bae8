"""Names swapped in a near copy: a word standing where the evidence sentence has a name.

Devanagari has no capitals, and a Hindi name the documents use in Hindi only, or one too short
to have a sound of its own (सपा), is not told from a common word by its spelling. But a statement
that copies an evidence sentence around one word ("लोगों को सपा में जोड़ने" against "लोगों को
बसपा में जोड़ने", "मायावती आगरा में ही रहकर" against "लखनऊ में ही रहकर") puts that word in the
name's place: it must be that name. Common words are exempt (a paraphrase says "पार्टी" for the
party's name), as are words the evidence sentence also holds (a reordering).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.generation.common_words import COMMON_WORDS, FUNCTION_WORDS
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.names import missing_names, names
from index import language_of

# Devanagari words only: an English name is capitalised, and names.py finds it wherever it is.
_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")
REACH = 2  # words on each side of the slot
MATCHED = 3  # of the (up to) four words around the slot, how many the two must share


def swapped_names(
    statement: str, evidence: Sequence[EvidenceSentence], lexicon: frozenset[str]
) -> list[str]:
    """The statement's words that stand where a same-language evidence sentence has a name."""
    words = _WORD.findall(statement)
    language = language_of(statement)
    found: list[str] = []
    for sentence in evidence:
        if sentence.language != language:
            continue
        theirs = _WORD.findall(sentence.text)
        named = set(names(sentence.text, lexicon))
        slots = [(j, other) for j, other in enumerate(theirs) if other in named]
        for i, word in enumerate(words):
            if word in found or _common(word) or not slots:
                continue
            around = _around(words, i)
            if any(
                other != word and len(around & _around(theirs, j)) >= MATCHED for j, other in slots
            ) and missing_names([word], sentence.text, statement):
                found.append(word)
    return found


def _around(words: list[str], place: int) -> set[str]:
    return set(words[max(0, place - REACH) : place] + words[place + 1 : place + 1 + REACH])


def _common(word: str) -> bool:
    """A word a paraphrase may put for a name: a common or function word."""
    return word in COMMON_WORDS or word in FUNCTION_WORDS
