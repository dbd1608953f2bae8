"""Phonetic tokens under which English words and their Devanagari transliterations coincide."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Both scripts are reduced to a consonant skeleton: vowels are where English spelling and Hindi
# transliteration disagree most, and dropping them also makes schwa deletion a non-issue.
# Aspirates fold into plain stops and retroflex into dental, as English has no such contrast.
_CONSONANTS = dict(
    zip(
        "कखगघङचछजझञटठडढणतथदधनऩपफबभमरऱलळऴवशषसह\u0958\u0959\u095a\u095b\u095c\u095d\u095e"
        "ऋॠ\u0943\u0944ऌ\u0962\u0902ॹ",
        "kkggnccjjnttddnttddnnpfbbmrrlllvssshkkgjrrfrrrrllnj",
        strict=True,
    )
)
# Everything else in the block (vowels, matras, virama, nukta, chandrabindu) is dropped; य too,
# because it mostly writes a glide that English spells with a vowel (मारियो, Mario).
_DEVANAGARI = {cp: _CONSONANTS.get(chr(cp)) for cp in range(0x900, 0x980)}
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789", ",")
# Ordered rewrites of lowercase English spelling into the sounds Hindi writers transliterate;
# uppercase marks a finished consonant that later rules must not touch.
# fmt: off
_ENGLISH = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^kn", "n"), (r"^wr", "r"), (r"^ps", "s"), (r"^x", "z"), (r"tch", "C"), (r"sch", "s"),
        (r"dg(?=[eiy])", "J"), (r"ck", "k"), (r"qu", "kw"), (r"q", "k"), (r"x", "ks"),
        (r"gh(?=t|$)", ""), (r"ph", "f"), (r"sh", "s"), (r"th", "t"), (r"gh", "g"), (r"kh", "k"),
        (r"wh", "w"), (r"ti(?=[aeiou])", "s"), (r"c(?=[eiy])", "s"), (r"ch", "C"), (r"c", "k"),
        (r"g(?=[eiy])", "J"), (r"w(?=[aeiouy])", "v"), (r"z", "j"), (r"[aeiouyw]", ""),
    )
]
# fmt: on
# Hindi spells acronyms out letter by letter (NFL: एनएफएल), so index their letter names too.
_LETTER_SOUNDS = " b s d  f j c  j k l m n  p k r s t  v dbl ks v jd".split(" ")  # a, bee, see...
_LETTER_NAMES = dict(zip("abcdefghijklmnopqrstuvwxyz", _LETTER_SOUNDS, strict=True))
# Common English words have no transliteration in a Hindi text; their skeletons only add noise.
_STOPWORDS = frozenset(
    "a an and are as at be been by did do does for from had has have he her his how i in is it "
    "its of on or she that the their them they this to was were what when where which who whom "
    "whose why will with would you your about into than then there these those not no can could "
    "should may might must shall also other some such only own same so too very just but if "
    "because while after before during until against between through over under again further "
    "once here all any both each few more most s t".split()
)
_WORD = re.compile(
    r"(?P<number>[0-9०-९]+(?:,[0-9०-९]+)*)|(?P<hindi>[\u0900-\u0963\u0971-\u097f]+)"
    r"|(?P<latin>[A-Za-z\u00c0-\u024f]+)"
)
_NASAL_LABIAL = re.compile(r"n(?=[pbf])")
_DOUBLED = re.compile(r"(.)\1+")


def phonetic_tokens(text: str) -> list[str]:
    """Skeleton words, their 4-grams, adjacent-word joins and numbers; for chunks and questions."""
    tokens: list[str] = []
    previous: str | None = None  # skeleton of the word before, for joins such as New+York
    for match in _WORD.finditer(text):
        word = match.group()
        if match.lastgroup == "number":
            tokens.append("#" + word.translate(_DIGITS))
            previous = None
            continue
        if match.lastgroup == "hindi":
            skeletons = [_hindi_skeleton(word)]
        elif word.lower() in _STOPWORDS:
            continue
        else:
            skeletons = [_english_skeleton(word.lower())]
            if word.isupper() and 2 <= len(word) <= 5:
                skeletons.append(_finish("".join(_LETTER_NAMES.get(c, "") for c in word.lower())))
            # Capitalized words are the names that survive translation: count them twice.
            skeletons *= 2 if word[0].isupper() else 1
        skeleton = skeletons[0]
        if previous is not None and skeleton and len(previous + skeleton) >= 3:
            tokens.append("=" + previous + skeleton)
        previous = skeleton or None
        for skeleton in skeletons:
            tokens.extend(_grams(skeleton))
    return tokens


@lru_cache(maxsize=200_000)
def _grams(skeleton: str) -> tuple[str, ...]:
    # One-consonant skeletons match nearly every chunk; whole words plus 4-grams of the
    # bounded skeleton scored best (3-grams: too loose, 5-grams: too strict).
    if len(skeleton) < 2:
        return ()
    bounded = f"^{skeleton}$"
    return ("=" + skeleton, *(bounded[i : i + 4] for i in range(len(bounded) - 3)))


@lru_cache(maxsize=200_000)
def _hindi_skeleton(word: str) -> str:
    # NFC keeps ड़ and ढ़ decomposed, and the nukta turns these two into r.
    word = word.replace("\u0921\u093c", "\u095c").replace("\u0922\u093c", "\u095d")
    return _finish(word.translate(_DEVANAGARI))


@lru_cache(maxsize=200_000)
def _english_skeleton(word: str) -> str:
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    for pattern, replacement in _ENGLISH:
        word = pattern.sub(replacement, word)
    return _finish(word.lower())


def _finish(skeleton: str) -> str:
    # Anusvara before a labial is written m in English (कैंपबेल, Campbell); doubles collapse.
    return _DOUBLED.sub(r"\1", _NASAL_LABIAL.sub("m", skeleton))
