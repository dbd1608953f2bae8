"""What a Hindi word is to the documents: used by them, sounding as one of their names, or common.

The lexicon (names.name_lexicon) holds, for every Devanagari word the documents use, "^word" and
"^" with its first letters; for every name they write, the sound of it, and "!" with the sound
when they never write it in lower case. hindi_names.py reads these where a name may stand.
"""

from __future__ import annotations

import re

from assistant.generation.common_words import COMMON_WORDS, FUNCTION_WORDS
from assistant.generation.facts import facts
from index import PREFIX_CHARS, phonetic_tokens

_HINDI_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")
# Names take no plural: "ताकतों", "नेताओं", "बैठकें" are common nouns.
PLURAL_ENDINGS = ("ों", "ओं", "ें", "एं", "ियां", "ियाँ")
# Pronouns open clauses as names do, and a claim may use one its evidence does not.
PRONOUNS = frozenset(
    "मैं हम आप तुम यह ये वह वे इस उस इन उन इसे उसे इन्हें उन्हें इसने उसने इन्होंने उन्होंने "
    "इसके उसके इनके उनके इसकी उसकी इनकी उनकी इसका उसका इनका उनका इसलिए जो जिस जिन कोई कुछ "
    "सभी सब दोनों खुद स्वयं अपने अपनी अपना".split()
)
# Titles: what follows them, up to the next known word, is a name (general vocabulary).
TITLES = frozenset(
    "नेता प्रमुख अध्यक्ष उपाध्यक्ष मंत्री मुख्यमंत्री प्रधानमंत्री सांसद विधायक प्रवक्ता "
    "महासचिव सचिव सुप्रीमो संयोजक प्रभारी श्री श्रीमती डॉ".split()
)
_UNSEEN = "^"  # lexicon key of a Devanagari word the documents use, and of its first letters


def vocabulary_keys(text: str) -> set[str]:
    """The keys that tell, for one text, which Hindi words (and first letters) the documents use."""
    keys = {_UNSEEN + word for word in _HINDI_WORD.findall(text)}
    keys |= {_UNSEEN + word[:PREFIX_CHARS] for word in _HINDI_WORD.findall(text)}
    return keys


def unseen(word: str, lexicon: frozenset[str]) -> bool:
    """A word no document has (as written or by its first letters) that may be a name."""
    if facts(word):  # a month, a weekday or a count ("सोमवार को") is checked as a fact
        return False
    if word in PRONOUNS or word in COMMON_WORDS or word in FUNCTION_WORDS:
        return False
    if word.endswith(PLURAL_ENDINGS) or _UNSEEN + word in lexicon:
        return False
    if _UNSEEN + word[:PREFIX_CHARS] in lexicon:
        return False
    sound = [token for token in phonetic_tokens(word) if token.startswith("=")]
    # Too short to have a sound ("जया"): nothing tells it from a common word. A sound the
    # documents give a name ("यादव", Yadav) makes the word a name, not an unseen word.
    return bool(sound) and sound[0] not in lexicon


def proper(word: str, lexicon: frozenset[str]) -> bool:
    """A word sounding as a name the documents never write in lower case (names.PROPER keys)."""
    if word in PRONOUNS or word in COMMON_WORDS or word in FUNCTION_WORDS:
        return False
    sound = [token for token in phonetic_tokens(word) if token.startswith("=")]
    return bool(sound) and "!" + sound[0] in lexicon


def named(word: str, lexicon: frozenset[str]) -> bool:
    """A word sounding as a name the documents write ("यादव", Yadav)."""
    sound = [token for token in phonetic_tokens(word) if token.startswith("=")]
    return bool(sound) and sound[0] in lexicon


def a_documents_name(word: str, lexicon: frozenset[str]) -> bool:
    """A name of the documents by its sound, or a word they use that is on no common list."""
    if named(word, lexicon) or proper(word, lexicon):
        return True
    common = word in PRONOUNS or word in COMMON_WORDS or word in FUNCTION_WORDS
    return _UNSEEN + word in lexicon and not common and not word.endswith(PLURAL_ENDINGS)
