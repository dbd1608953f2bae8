"""Whether names a statement lists ("Gorakhpur and Kairana") are listed together in the evidence.

A list is said in one breath: "the bypolls in Gorakhpur and Kairana" is not supported by "the
way it did it in Gorakhpur and Phulpur" beside a sentence that mentions Kairana twenty words
later, nor by a Hindi dateline ("लखनऊ: ... आजमगढ़ और रामपुर में") for "लखनऊ और रामपुर". Each pair
of names joined by a conjunction must be listed in one evidence sentence: a conjunction or comma
between them, a few content words apart at most ("Kairana parliamentary and Noorpur assembly
seats"), and no clause mark. Names are matched word by word as missing_names matches them, so
the pair may be found in either script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.generation.attachment import PAIR_REACH, content_words
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.names import bare_name, missing_names, names

# What joins two listed names: "and", "or" (with "the" after), Hindi "और", "तथा", "एवं", "या".
_JOINED = re.compile(r"^\s*(?:and|or|&|और|तथा|एवं|या)\s+(?:the\s+)?$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[\u0900-\u0963\u0971-\u097f]+")
_CLAUSE_MARK = re.compile(r"[;:।.!?]")
_JOINERS = frozenset("and or और तथा एवं या".split())


def listed_apart(
    statement: str, evidence: Sequence[EvidenceSentence], lexicon: frozenset[str]
) -> list[str]:
    """The first pair of listed names that no evidence sentence holds next to each other."""
    for first, second in listed_pairs(statement, lexicon):
        if not any(_together(first, second, s.text) for s in evidence):
            return [first, second]
    return []


def listed_pairs(statement: str, lexicon: frozenset[str]) -> list[tuple[str, str]]:
    """Pairs of names of the statement joined by a conjunction, in order."""
    claimed = set(names(statement, lexicon))
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(statement)]
    places = [(w, start, end) for w, start, end in words if bare_name(w) in claimed]
    return [
        (bare_name(one), bare_name(other))
        for (one, _, end), (other, start, _) in zip(places, places[1:], strict=False)
        if _JOINED.match(statement[end:start])
    ]


def _together(first: str, second: str, sentence: str) -> bool:
    """Whether the sentence lists both: a conjunction or comma between, and few other words."""
    words = list(_WORD.finditer(sentence))
    ones = [i for i, w in enumerate(words) if not missing_names([first], w.group(), first)]
    others = [i for i, w in enumerate(words) if not missing_names([second], w.group(), second)]
    for i in ones:
        for j in others:
            low, high = sorted((i, j))
            between = sentence[words[low].end() : words[high].start()]
            between_words = {w.group().lower() for w in words[low + 1 : high]}
            if (
                i != j
                and not _CLAUSE_MARK.search(between)
                and (between_words & _JOINERS or "," in between)
                and len(content_words(between)) <= PAIR_REACH
            ):
                return True
    return False
