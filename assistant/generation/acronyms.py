"""Acronyms and what they stand for, across scripts: BSP, बसपा and Bahujan Samaj Party are one.

English acronyms are read by their letters' names (बीएसपी); Hindi ones often by the first sound of
each word (बसपा, सपा: समाजवादी पार्टी). A name matches when its letters or sounds spell a run of
capitalised words in the evidence, or when a run of the sentence's words spells an acronym there.
"""

from __future__ import annotations

import itertools
import re

from assistant.generation.common_words import COMMON_WORDS, FUNCTION_WORDS
from index import phonetic_tokens

_HINDI_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")
_ANY_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[\u0900-\u0963\u0971-\u097f]+")
_CAPITALISED_RUN = re.compile(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")
# The sound of each letter's name, as acronyms are spoken and written in Hindi (bee, see...), as
# index/text/transliteration.py spells them.
_LETTER_SOUND = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        " b s d  f j c  j k l m n  p k r s t  v dbl ks v jd".split(" "),
        strict=True,
    )
)


def acronym_names(names: list[str], evidence: str, sentence: str) -> set[str]:
    """The names that the evidence holds as an acronym or as the words an acronym stands for."""
    initials = _initials(evidence)
    spelled_out = _spelled_out(sentence, _acronyms(evidence))
    return {
        name
        for name in names
        if name in spelled_out
        or (name.isupper() and "@" + name.lower() in initials)
        or (_HINDI_WORD.fullmatch(name) is not None and skeleton(name) in initials)
    }


def skeleton(word: str) -> str:
    """The word's whole consonant skeleton as phonetic tokens write it ("=kngrs"), or ""."""
    whole = [token for token in phonetic_tokens(word) if token.startswith("=")]
    return whole[0] if whole else ""


def _initials(text: str) -> set[str]:
    """Runs of capitalised words as acronyms: by letters ("@bsp") and by sounds ("=bsp")."""
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group().split()
        for start, end in itertools.combinations(range(len(words) + 1), 2):
            if end - start >= 2:
                found.add("@" + "".join(word[0].lower() for word in words[start:end]))
                sounds = [_LETTER_SOUND[word[0].lower()] for word in words[start:end]]
                found |= {"=" + "".join(sounds)} if all(sounds) else set()
    return found


def _spelled_out(sentence: str, acronyms: dict[str, int]) -> set[str]:
    """The sentence's runs of words whose first letters or sounds spell an evidence acronym."""
    words = _ANY_WORD.findall(sentence)
    for start, end in itertools.combinations(range(len(words) + 1), 2):
        run = words[start:end]
        if not 2 <= len(run) <= 4:
            continue
        letters = (
            "@" + "".join(w[0].lower() for w in run) if all(w[0].isupper() for w in run) else ""
        )
        sounds = [_first_sound(word) for word in run]
        sound = "=" + "".join(sounds) if all(sounds) else ""
        if acronyms.get(letters) == len(run) or acronyms.get(sound) == len(run):
            return set(run) | _spelled_out(" ".join(words[end:]), acronyms)
    return set()


def _acronyms(text: str) -> dict[str, int]:
    """A text's acronyms (BSP, सपा) by letters and by sounds, with how many words each spells."""
    found = {}
    for word in _ANY_WORD.findall(text):
        if word.isascii() and word.isupper() and 2 <= len(word) <= 6:
            found["@" + word.lower()] = len(word)
            found["=" + "".join(_LETTER_SOUND[letter] for letter in word.lower())] = len(word)
        elif not word.isascii() and word not in COMMON_WORDS and word not in FUNCTION_WORDS:
            key = skeleton(word)
            if 3 <= len(key) <= 5:  # two to four consonants, one word each
                found[key] = len(key) - 1
    return found


def _first_sound(word: str) -> str:
    if _HINDI_WORD.fullmatch(word):
        return skeleton(word)[1:2]
    return _LETTER_SOUND.get(word[0].lower(), "") if word[:1].isupper() else ""
