"""A document's language, and whether either embedding model reads it.

MiniLM reads English; multilingual-e5 reads the hundred languages of its training data (XLM-R's
CC-100). Anything else still gets BM25, and the index report names it. English and Hindi are told
apart by script and common words alone; only other text loads the language identifier
(py3langid: about a second, so English and Hindi folders never pay it).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from index.reading.metadata import language_of

UNDETERMINED = "und"  # ISO 639: a script no model and no identifier knows
# The languages of multilingual-e5's training data (the XLM-R paper's CC-100 list).
E5_LANGUAGES = frozenset(
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha "
    "he hi hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl "
    "no om or pa pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi "
    "xh yi zh".split()
)
# Scripts of those languages, as the first word of a letter's Unicode name.
E5_SCRIPTS = frozenset(
    "LATIN DEVANAGARI ARABIC CYRILLIC GREEK HEBREW ARMENIAN GEORGIAN BENGALI GURMUKHI GUJARATI "
    "ORIYA TAMIL TELUGU KANNADA MALAYALAM SINHALA THAI LAO KHMER MYANMAR ETHIOPIC CJK HIRAGANA "
    "KATAKANA HANGUL".split()
)
# Frequent English words: a share of them this high is English, whatever the identifier says.
_ENGLISH_WORDS = frozenset(
    "the of and to in a is that for on was with as by it at from he she his her they are be "
    "has have had said will not this which an or who were their been would".split()
)
_WORD = re.compile(r"[^\W\d_]+")
ENGLISH_SHARE = 0.12  # English news prose runs 0.3-0.4; French or Indonesian stays under 0.05
SAMPLE_CHARS = 20_000
CONFIDENT = 0.8  # below this the identifier's guess is not used


def document_language(text: str) -> str:
    """An ISO 639-1 code ('en', 'hi', 'fr', ...), or 'und' for a script no model reads."""
    sample = text[:SAMPLE_CHARS]
    if language_of(sample) == "hi":
        return "hi"
    words = _WORD.findall(sample.lower())
    if not words or sum(w in _ENGLISH_WORDS for w in words) / len(words) >= ENGLISH_SHARE:
        return "en"
    script = main_script(sample)
    if script is not None and script not in E5_SCRIPTS:
        return UNDETERMINED
    code, confidence = _identifier().classify(sample)
    if confidence < CONFIDENT:
        return "en" if script == "LATIN" else UNDETERMINED
    return str(code)


def models_read(language: str) -> bool:
    """Whether an embedding model reads this language (else only BM25 finds its text)."""
    return language in E5_LANGUAGES


def main_script(text: str) -> str | None:
    """The script most of the letters are written in, as their Unicode names begin."""
    counts: dict[str, int] = {}
    for char in text[:2000]:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
