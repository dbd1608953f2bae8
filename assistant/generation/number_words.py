"""Numbers written as words, in English and Hindi: "twenty-three", "तेईस", "दो लाख", "डेढ़ करोड़".

Hindi names every number up to a hundred with its own word, so the whole list is here; English
joins its tens and units ("twenty-three"). A count followed by a scale word is one number ("two
lakh", "पांच सौ"). "one" and "एक" count only inside such a number: alone they mostly mean "a".
"""

from __future__ import annotations

import re

_ENGLISH_UNITS = "one two three four five six seven eight nine".split()
_ENGLISH = {
    word: value
    for value, word in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split(),
        2,
    )
} | {word: 10 * tens for tens, word in enumerate("twenty thirty forty fifty sixty seventy "
                                                   "eighty ninety".split(), 2)}  # fmt: skip
_HINDI_1_TO_100 = (
    "एक दो तीन चार पांच छह सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस बीस "
    "इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस तीस इकतीस बत्तीस तैंतीस चौंतीस "
    "पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस "
    "सैंतालीस अड़तालीस उनचास पचास इक्यावन बावन तिरपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ "
    "इकसठ बासठ तिरसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर "
    "पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी "
    "सत्तासी अट्ठासी नवासी नब्बे इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे "
    "निन्यानबे सौ"
).split()
# Other spellings in common use (chandrabindu, nasal, ब/व).
_HINDI_VARIANTS = {
    "पाँच": 5, "छः": 6, "छे": 6, "पन्द्रह": 15, "अठाईस": 28, "चौतीस": 34, "चौवालीस": 44,
    "चौसठ": 64, "अठासी": 88, "इक्यानवे": 91, "बानवे": 92, "तिरानवे": 93, "चौरानवे": 94,
    "पचानवे": 95, "छियानवे": 96, "सत्तानवे": 97, "अट्ठानवे": 98, "निन्यानवे": 99,
    "डेढ़": 1.5, "ढाई": 2.5,
}  # fmt: skip
COUNT_WORDS: dict[str, float] = (
    _ENGLISH | {word: value for value, word in enumerate(_HINDI_1_TO_100, 1)} | _HINDI_VARIANTS
)
_ALONE_MEANS_A = frozenset({"एक"})  # "one" is not in the table: it only ends "twenty-one"
SCALES = {
    "hundred": 1e2, "सौ": 1e2, "thousand": 1e3, "हजार": 1e3, "हज़ार": 1e3, "lakh": 1e5,
    "lakhs": 1e5, "लाख": 1e5, "million": 1e6, "crore": 1e7, "crores": 1e7, "करोड़": 1e7,
    "करोड": 1e7, "billion": 1e9, "अरब": 1e9,
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z]+|[\u0900-\u0963\u0970-\u097f]+")
_JOIN = re.compile(r"[\s-]")  # what may stand between "twenty" and "three"


def word_number_spans(text: str) -> list[tuple[str, int, int]]:
    """Each number written in words, as a value ("23", "200000"), with where it is written."""
    words = list(_WORD.finditer(text))
    found, at = [], 0
    while at < len(words):
        lower = words[at].group().lower()
        value = COUNT_WORDS.get(lower)
        start, end = words[at].span()
        if value is None and lower in _ENGLISH_UNITS:  # "one": a number only before a scale
            value = 1.0
        if value is None:
            at += 1
            continue
        alone = lower in _ALONE_MEANS_A or lower == "one"
        nxt = _next(text, words, at)
        if value >= 20 and value % 10 == 0 and nxt in _ENGLISH_UNITS and lower in _ENGLISH:
            value += _ENGLISH_UNITS.index(nxt) + 1
            at, end, alone = at + 1, words[at + 1].end(), False
            nxt = _next(text, words, at)
        if nxt in SCALES:
            value *= SCALES[nxt]
            at, end, alone = at + 1, words[at + 1].end(), False
        if not alone:
            found.append((number_text(value), start, end))
        at += 1
    return found


def number_text(value: float) -> str:
    """A value as facts are compared: "23", "1.5", "150000"."""
    return f"{value:.6g}" if value != int(value) else str(int(value))


def _next(text: str, words: list[re.Match[str]], at: int) -> str:
    """The next word, lower case, when only a space or hyphen stands between; else ""."""
    if at + 1 >= len(words):
        return ""
    gap = text[words[at].end() : words[at + 1].start()]
    return words[at + 1].group().lower() if len(gap) == 1 and _JOIN.match(gap) else ""
