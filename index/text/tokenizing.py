"""BM25 tokens for Latin and Devanagari script: normalized, stopped and lightly stemmed."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# A word is a run of letters, digits and combining marks: Python's \w alone splits Devanagari
# words at every vowel sign (matra), which is why stock BM25 tokenizers fail on Hindi.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0900-\u0963\u0966-\u097f])+")
PREFIX_CHARS = 4
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# Spelling variants that Hindi writers use interchangeably: nukta, chandrabindu vs anusvara.
_HINDI_FOLD = str.maketrans({"\u093c": None, "\u0901": "\u0902", "\u200c": None, "\u200d": None})
# Longest first, so "ियों" is removed before "ों"; from light Hindi stemmers (Ramanathan & Rao).
_HINDI_SUFFIXES = sorted(
    "ाएंगे ाएंगी ाऊंगा ाऊंगी एंगे एंगी ऊंगा ऊंगी ियों ियां ाओं ाएं ुओं ुएं ाने ाना ाते ाती ाता "
    "ों ें ीं ां ुं ाए ाई िए ने ना ते ती ता कर ी े ू ो ा ि ु".split(),
    key=len,
    reverse=True,
)
_HINDI_STOPWORDS = frozenset(
    "का के की को में से पर और है हैं था थी थे ने भी कि यह वह इस उस जो तो ही एक लिए साथ "
    "गया गई गए किया कर करने रहा रही रहे हो होने होता होती तक या नहीं क्या कौन कब कहाँ कहां "
    "कैसे किस किसने किसको कितने कितनी कितना क्यों".split()
)
_ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be been by did do does for from had has have he her his how i in is it "
    "its of on or she that the their them they this to was were what when where which who whom "
    "whose why will with would you your about into than then there these those".split()
)


@lru_cache(maxsize=1)
def _english_stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Split into normalized word tokens; the same function serves documents and questions."""
    text = unicodedata.normalize("NFC", text).lower()
    # "by-elections" and "byelections" are both written: index the parts and the joined word.
    text += " " + " ".join(match.replace("-", "") for match in _HYPHENATED.findall(text))
    return [token for word in _WORD.findall(text) for token in _word_tokens(word)]


# Words repeat across sentences and questions: each is normalized and stemmed once per process
# (the answerer tokenizes every candidate sentence of every question).
@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    if _DEVANAGARI.search(word):
        word = word.translate(_HINDI_FOLD)
        if word in _HINDI_STOPWORDS:
            return ()
        stem = _stem_hindi(word)
        # A prefix token matches the many spellings of transliterated names and of inflections
        # the suffix list misses (+0.005 nDCG@10 on Hindi XQuAD, benchmarks/README).
        return (stem, "^" + stem[:PREFIX_CHARS]) if len(stem) > PREFIX_CHARS else (stem,)
    if word in _ENGLISH_STOPWORDS:
        return ()
    return (_english_stemmer().stemWord(word),)


def _stem_hindi(word: str) -> str:
    for suffix in _HINDI_SUFFIXES:
        # Keep at least two characters of stem, or short words collapse into each other.
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word
