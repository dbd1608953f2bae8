"""The checkable facts of a sentence: numbers (any script, lakh/crore, percent), dates, negation."""

from __future__ import annotations

import re

from assistant.generation.number_words import SCALES, number_text, word_number_spans

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:,\d{2,3})*(?:\.\d+)?)(?:\s*(" + "|".join(SCALES) + r")(?!\w))?"
    r"(?:\s*(%|per\s?cent|प्रतिशत|फीसदी|फ़ीसदी)(?!\w))?",
    re.IGNORECASE,
)
_ORDINALS = {
    word: value
    for words in (
        "second third fourth fifth sixth seventh eighth ninth tenth".split(),
        "दूसरा तीसरा चौथा पांचवां छठा सातवां आठवां नौवां दसवां".split(),
        "दूसरी तीसरी चौथी पांचवीं छठी सातवीं आठवीं नौवीं दसवीं".split(),
        "दूसरे तीसरे चौथे पांचवें छठे सातवें आठवें नौवें दसवें".split(),
    )
    for value, word in enumerate(words, 2)
}
_MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "जनवरी फरवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "जनवरी फ़रवरी मार्च अप्रेल मई जून जुलाई अगस्त सितम्बर अक्तूबर नवम्बर दिसम्बर",
    )
    for number, name in enumerate(names.split(), 1)
}
_WEEKDAYS = {
    name: number
    for names in (
        "monday tuesday wednesday thursday friday saturday sunday",
        "सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार",
    )
    for number, name in enumerate(names.split(), 1)
} | {"बृहस्पतिवार": 4, "वीरवार": 4, "इतवार": 7}
_WORD = re.compile(r"[A-Za-z]+|[\u0900-\u0963\u0970-\u097f]+")
_NEGATION_EN = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|cannot|without)\b|n't\b", re.IGNORECASE
)
_NEGATION_HI = re.compile(r"(?<![\u0900-\u097f])(नहीं|नही|न|ना|मत|बिना)(?![\u0900-\u097f])")


def facts(text: str) -> set[str]:
    """Numbers as values ("30", "150000", "34%"), months ("month:8") and weekdays ("day:1")."""
    return {fact for fact, _, _ in fact_spans(text)}


def fact_spans(text: str) -> list[tuple[str, int, int]]:
    """Each fact of `text` with where it is written (start, end), in reading order."""
    plain = text.translate(_DEVANAGARI_DIGITS)  # same length: offsets stay valid
    found = [(_number(match), match.start(), match.end()) for match in _NUMBER.finditer(plain)]
    # "2 सौ" is one number, read with its digits: the scale word is not a second one.
    found += [
        w for w in word_number_spans(plain) if not any(a < w[2] and w[1] < b for _, a, b in found)
    ]
    for match in _WORD.finditer(plain):
        word, lower = match.group(), match.group().lower()
        fact = ""
        if lower in _ORDINALS:
            fact = f"ordinal:{_ORDINALS[lower]}"
        # "may" is a month only when capitalised, and not as the first word of a sentence.
        elif lower in _MONTHS and (lower != "may" or (word == "May" and match.start() > 0)):
            fact = f"month:{_MONTHS[lower]}"
        elif lower in _WEEKDAYS:
            fact = f"day:{_WEEKDAYS[lower]}"
        if fact:
            found.append((fact, match.start(), match.end()))
    return sorted(found, key=lambda span: span[1])


def date_facts(iso_date: str) -> set[str]:
    """The year of a document's date, which a sentence drawn from it may state.

    Only the year: a day or month must come from the text, or a claim that moves an event to
    the publication day would pass.
    """
    year = iso_date.split("-")[0]
    return {str(int(year))} if year.isdigit() else set()


def negated(text: str) -> bool:
    """Whether the sentence says something is not so (English or Hindi negators)."""
    return bool(_NEGATION_EN.search(text) or _NEGATION_HI.search(text))


def negators(text: str) -> list[tuple[int, int]]:
    """Where each negator of `text` is written (start, end)."""
    found = [*_NEGATION_EN.finditer(text), *_NEGATION_HI.finditer(text)]
    return [(match.start(), match.end()) for match in found]


def _number(match: re.Match[str]) -> str:
    digits, scale, percent = match.groups()
    value = float(digits.replace(",", "")) * SCALES.get((scale or "").lower(), 1.0)
    return number_text(value) + ("%" if percent else "")
