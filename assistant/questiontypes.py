"""What kind of answer a question asks for (a number, a date, a place), and whether a sentence has one.

The extractive answerer has no reader model; this cheap check keeps it from citing a sentence
that shares the question's words but cannot contain the asked fact.
"""

from __future__ import annotations

import re

_NUMBER = r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|lakh|crore|dozen|half)\b|[०-९]|(एक|दो|तीन|चार|पांच|पाँच|छह|सात|आठ|नौ|दस|सौ|हजार|लाख|करोड़)"
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|yesterday|today|tomorrow|week|month|year|जनवरी|फरवरी|मार्च|अप्रैल|मई|"
    r"जून|जुलाई|अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर|सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार"
)
_ASKS = {
    "number": re.compile(r"\bhow (many|much|old)\b|\bwhat (percentage|share|number)\b|कितन"),
    "date": re.compile(r"\bwhen\b|\bwhat (date|day|year|month)\b|\bwhich (date|day|year|month)\b|\bकब\b"),
}
_HAS = {
    "number": re.compile(_NUMBER, re.IGNORECASE),
    "date": re.compile(rf"\d|\b({_MONTHS})\b|({_MONTHS})", re.IGNORECASE),
}


def asked_type(question: str) -> str | None:
    """'number' or 'date' when the question plainly asks for one, else None."""
    lowered = question.lower()
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(lowered)), None)


def can_answer(sentence: str, kind: str | None) -> bool:
    """Whether the sentence holds something of the asked kind (always True when none is asked)."""
    return kind is None or bool(_HAS[kind].search(sentence))
