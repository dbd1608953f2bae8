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
_DAY = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|" \
    r"सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार"
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
_ASKS = {
    "age": re.compile(r"\bhow old\b|\bage\b|उम्र"),
    "count": re.compile(r"\bhow (many|much)\b|\bwhat (percentage|share|number)\b|कितन"),
    "date": re.compile(r"\bwhen\b|\b(what|which) (date|day|year|month)\b|\bकब\b"),
}


def asked_type(question: str) -> str | None:
    """'age', 'count' or 'date' when the question plainly asks for one, else None."""
    lowered = question.lower()
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(lowered)), None)


def can_answer(sentence: str, kind: str | None) -> bool:
    """Whether the sentence holds something of the asked kind (always True when none is asked)."""
    if kind == "age":
        return bool(_AGE.search(sentence))
    if kind == "count":
        return _has_count(sentence)
    if kind == "date":
        return bool(_DATE.search(sentence))
    return True


def _has_count(sentence: str) -> bool:
    """A number that is neither a year nor the day of a month, or a number word."""
    for match in _DIGITS.finditer(sentence):
        number = match.group().rstrip(",.")
        before = sentence[max(0, match.start() - 12) : match.start()]
        after = sentence[match.end() : match.end() + 12]
        is_date = _MONTH_NEAR.search(before) or _MONTH_NEAR.search(after)
        if not _YEAR.match(number) and not is_date:
            return True
    return bool(_NUMBER_WORD.search(sentence))
