"""Hindi names the documents never write: told from where they stand in the sentence.

Devanagari has no capitals, and a Hindi spelling of a name that the documents never use cannot be
matched to their English names. What marks it is position: a name opens its clause as the agent
("नीतीश कुमार ने"), as two words joined to another subject ("शिवपाल यादव और ..."), or as whom the
agent told or met ("ने रॉयटर्स को बताया"). A word counts only if no document has it (as written or
by its first letters), its sound is no name of theirs, it is no fact (month, weekday, count) or
pronoun, it is not on the common-word lists (common_words.py: titles such as प्रमुख, नेता), and it
does not end like a plural noun. Next to a known name it is a first name ("अनुप्रिया पटेल ने").
"""

from __future__ import annotations

import re

from assistant.generation.common_words import COMMON_WORDS, FUNCTION_WORDS
from assistant.generation.facts import facts
from index import PREFIX_CHARS, phonetic_tokens

_HINDI_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")
# Where a clause starts: the sentence's start, a comma or colon, "that" and "and".
_CONJUNCTIONS = frozenset({"और", "तथा", "एवं"})
_CLAUSE_OPENERS = _CONJUNCTIONS | {"कि"}
_CLAUSE_MARKS = re.compile(r"[,;:।.!?]")
_AGENT = "ने"
_RECIPIENT_MARKS = frozenset({"को", "से"})  # the ergative marker: what stands before it is who acted
# Names take no plural: "ताकतों", "नेताओं", "बैठकें" are common nouns.
PLURAL_ENDINGS = ("ों", "ओं", "ें", "एं", "ियां", "ियाँ")
# Pronouns open clauses as names do, and a claim may use one its evidence does not.
_PRONOUNS = frozenset(
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


def context_names(sentence: str, lexicon: frozenset[str]) -> list[str]:
    """The unseen Hindi words that stand where names stand (module docstring)."""
    known_names: set[str] = set()  # words of the sentence that sound like the documents' names
    found: list[str] = []
    run: list[str] = []
    at_clause_start, after_agent = True, False
    for word, gap in _words_with_gaps(sentence):
        if gap.strip():  # punctuation, Latin or digits between: the run ends there
            found += _names_in_run(run, "", known_names, after_agent)
            if _CLAUSE_MARKS.search(gap) or re.search(r"\w", gap):
                at_clause_start = bool(_CLAUSE_MARKS.search(gap))
            run = []
        if word in _CLAUSE_OPENERS or word == _AGENT:
            found += _names_in_run(run, word, known_names, after_agent)
            # After "X ने" comes whom X told or met: "ने रॉयटर्स को बताया".
            run, at_clause_start, after_agent = [], True, word == _AGENT
        elif at_clause_start and _named(word, lexicon):
            known_names.add(word)
            run.append(word)
        elif at_clause_start and _unseen(word, lexicon):
            run.append(word)
        else:
            found += _names_in_run(run, word, known_names, after_agent)
            run, at_clause_start, after_agent = [], False, False
    found += _names_in_run(run, "", known_names, after_agent)
    return found + [word for word in _beside_names(sentence, lexicon) if word not in found]


def _beside_names(sentence: str, lexicon: frozenset[str]) -> list[str]:
    """Unseen words after a title, or right before a word sounding as a name of the documents.

    "वरिष्ठ नेता नसीमुद्दीन सिद्दीकी को": a full name after its title; "अनुप्रिया पटेल": a first name.
    """
    words = _HINDI_WORD.findall(sentence)
    found = []
    for place, word in enumerate(words):
        if not _unseen(word, lexicon):
            continue
        before = place - 1
        while before >= 0 and _unseen(words[before], lexicon):
            before -= 1  # a run of unseen words: a full name after its title
        titled = before >= 0 and words[before] in TITLES
        if titled or (place + 1 < len(words) and _proper(words[place + 1], lexicon)):
            found.append(word)
    return found


def _names_in_run(
    run: list[str], following: str, known_names: set[str], after_agent: bool
) -> list[str]:
    # Next to a known name stand first names ("अनुप्रिया पटेल ने"); titles ("वरिष्ठ नेता",
    # "बसपा प्रमुख") and nouns ("इंडिया गठबंधन") are common words, never in the run (_unseen).
    unseen = [word for word in run if word not in known_names]
    if following == _AGENT:  # "नीतीश कुमार ने": who acted
        return unseen
    if after_agent and following in _RECIPIENT_MARKS:  # "ने रॉयटर्स को बताया"
        return unseen
    # Two unseen words joined to another subject ("शिवपाल यादव और ..."): a full name.
    return unseen if len(run) == 2 and following in _CONJUNCTIONS else []


def _unseen(word: str, lexicon: frozenset[str]) -> bool:
    if facts(word):  # a month, a weekday or a count ("सोमवार को") is checked as a fact
        return False
    if word in _PRONOUNS or word in COMMON_WORDS or word in FUNCTION_WORDS:
        return False
    if word.endswith(PLURAL_ENDINGS) or _UNSEEN + word in lexicon:
        return False
    if _UNSEEN + word[:PREFIX_CHARS] in lexicon:
        return False
    sound = [token for token in phonetic_tokens(word) if token.startswith("=")]
    # Too short to have a sound ("जया"): nothing tells it from a common word. A sound the
    # documents give a name ("यादव", Yadav) makes the word a name, not an unseen word.
    return bool(sound) and sound[0] not in lexicon


def _proper(word: str, lexicon: frozenset[str]) -> bool:
    """A word sounding as a name the documents never write in lower case (names.PROPER keys)."""
    if word in _PRONOUNS or word in COMMON_WORDS or word in FUNCTION_WORDS:
        return False
    sound = [token for token in phonetic_tokens(word) if token.startswith("=")]
    return bool(sound) and "!" + sound[0] in lexicon


def _named(word: str, lexicon: frozenset[str]) -> bool:
    sound = [token for token in phonetic_tokens(word) if token.startswith("=")]
    return bool(sound) and sound[0] in lexicon


def _words_with_gaps(sentence: str) -> list[tuple[str, str]]:
    """Each word with the text between it and the word before (punctuation, Latin, digits)."""
    pieces, end = [], 0
    for match in _HINDI_WORD.finditer(sentence):
        pieces.append((match.group(), sentence[end : match.start()]))
        end = match.end()
    return pieces
