"""What kind of answer a question asks for (an age, a count, a date), and if a sentence has one.

The extractive answerer has no reader model; this cheap check keeps it from citing a sentence
that shares the question's words but cannot contain the asked fact.
"""

from __future__ import annotations

import re

_MONTH = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|जनवरी|फरवरी|मार्च|अप्रैल|मई|जून|जुलाई|"
    r"अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर"
)
_DAY = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|"
    r"सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार"
)
_DIGITS = re.compile(r"[\d०-९][\d०-९,.]*")
_MONTH_NEAR = re.compile(rf"({_MONTH})\W*$|^\W*({_MONTH})\b", re.IGNORECASE)
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_NUMBER_WORD = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|lakh|crore|dozen|half)\b|(दो|तीन|चार|पांच|पाँच|छह|सात|आठ|नौ|दस|सौ|"
    r"हजार|लाख|करोड़)",
    re.IGNORECASE,
)
_DATE = re.compile(rf"\d|\b({_MONTH}|{_DAY}|week|month|year)\b|({_MONTH}|{_DAY})", re.IGNORECASE)
_AGE = re.compile(r"\b(aged?|\d+[- ]years?[- ]old)\b|उम्र|वर्षीय", re.IGNORECASE)
_PERCENT = re.compile(r"%|\bper ?cent\b|प्रतिशत|फीसदी")
# Checked in this order: "what year" is a year before it is a date, "vote share" a percentage
# before it is a count.
_ASKS = {
    "age": re.compile(r"\bhow old\b|\bage\b|उम्र"),
    "year": re.compile(r"\b(which|what) year\b|किस (साल|वर्ष)"),
    "percent": re.compile(r"\bvote share\b|\bpercentage\b|\bper ?cent\b|प्रतिशत|फीसदी"),
    "count": re.compile(r"\bhow (many|much)\b|\bwhat (share|number)\b|कितन"),
    "date": re.compile(
        r"\bwhen\b|\b(what|which) (date|day|month)\b|\bकब\b|किस (तारीख|दिन|महीने|तिथि)"
    ),
    "name": re.compile(
        r"\bwho(m|se)?\b|\bname of\b|\bwhere\b|\b(which|what) (city|place|constituency|seat|"
        r"district|state|newspaper|channel|team|country)\b|कौन|किसने|किसे|किसको|कहां|कहाँ|"
        r"किस (शहर|जगह|इलाके|जिले|राज्य|सीट|पार्टी|दल|अखबार|देश)"
    ),
}
# A capitalized word inside a sentence: a name, unless the question already holds it. All-caps
# words are left out: they are mostly party and body abbreviations (BSP, AICC), not people.
_NAME = re.compile(r"(?<=\S )[A-Z][a-z]+")
_DEVANAGARI, _LATIN = re.compile("[\u0900-\u097f]"), re.compile("[A-Za-z]")
_CALENDAR = re.compile(rf"^({_MONTH}|{_DAY})$", re.IGNORECASE)


def asked_type(question: str) -> str | None:
    """The kind of fact the question plainly asks for ('age', 'count', 'name'...), or None."""
    lowered = question.lower()
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(lowered)), None)


def can_answer(sentence: str, kind: str | None, question: str = "") -> bool:
    """Whether the sentence holds a fact of the asked kind that the question does not hold."""
    if kind == "age":
        return bool(_AGE.search(sentence))
    if kind == "year":
        asked = {n.rstrip(",.") for n in _DIGITS.findall(question)}
        found = {n.rstrip(",.") for n in _DIGITS.findall(sentence)}
        return any(_YEAR.match(n) for n in found - asked)
    if kind == "percent":
        return bool(_PERCENT.search(sentence))
    if kind == "count":
        return _has_count(sentence, question)
    if kind == "name":
        if _DEVANAGARI.search(sentence) and not _LATIN.search(sentence):
            return True  # Devanagari has no capitals to tell a name by: the models weigh the rest
        asked = {word.lower() for word in re.findall(r"\w+", question)}
        names = (name for name in _NAME.findall(sentence) if not _CALENDAR.match(name))
        return any(name.lower() not in asked for name in names)
    if kind == "date":
        return bool(_DATE.search(sentence))
    return True


def _has_count(sentence: str, question: str) -> bool:
    """A number that is neither a year, the day of a month nor in the question; or a number word."""
    asked = {n.rstrip(",.") for n in _DIGITS.findall(question)}
    for match in _DIGITS.finditer(sentence):
        number = match.group().rstrip(",.")
        if number in asked:
            continue
        before = sentence[max(0, match.start() - 12) : match.start()]
        after = sentence[match.end() : match.end() + 12]
        is_date = _MONTH_NEAR.search(before) or _MONTH_NEAR.search(after)
        if not _YEAR.match(number) and not is_date:
            return True
    return bool(_NUMBER_WORD.search(sentence))
