"""Hindi names the documents never write: told from where they stand in the sentence.

Devanagari has no capitals, and a Hindi spelling of a name that the documents never use cannot be
matched to their English names. What marks it is position: a name opens its clause as the agent
("नीतीश कुमार ने"), as two words joined to another subject ("शिवपाल यादव और ..."), or as whom the
agent told or met ("ने रॉयटर्स को बताया"). A word counts only if no document has it (as written or
by its first letters), its sound is no name of theirs, it is no fact (month, weekday, count) or
pronoun, it is not on the common-word lists (common_words.py: titles such as प्रमुख, नेता), and it
does not end like a plural noun (hindi_words.py). Next to a known name it is a first name
("अनुप्रिया पटेल ने"); listed with a word of the documents that is no common word, a list's member
("आजमगढ़ और मैनपुरी"); before "के पूर्व विधायक" and such, whose office the title is.
"""

from __future__ import annotations

import re

from assistant.generation.hindi_words import (
    TITLES,
    a_documents_name,
    named,
    proper,
    unseen,
)

_HINDI_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")
# Where a clause starts: the sentence's start, a comma or colon, "that" and "and".
_CONJUNCTIONS = frozenset({"और", "तथा", "एवं"})
_CLAUSE_OPENERS = _CONJUNCTIONS | {"कि"}
_CLAUSE_MARKS = re.compile(r"[,;:।.!?]")
_AGENT = "ने"
_RECIPIENT_MARKS = frozenset({"को", "से"})  # the ergative marker: what stands before it is who acted
_POSSESSIVE = frozenset({"का", "की", "के"})
_TITLE_ADJECTIVES = frozenset({"पूर्व", "वरिष्ठ", "वर्तमान", "नए", "नई", "राष्ट्रीय", "प्रदेश"})


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
        elif at_clause_start and named(word, lexicon):
            known_names.add(word)
            run.append(word)
        elif at_clause_start and unseen(word, lexicon):
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
        if not unseen(word, lexicon):
            continue
        before = place - 1
        while before >= 0 and unseen(words[before], lexicon):
            before -= 1  # a run of unseen words: a full name after its title
        titled = before >= 0 and words[before] in TITLES
        after = words[place + 1 : place + 4]
        if (
            titled
            or (after and proper(after[0], lexicon))
            or _listed_with_a_name(sentence, word, lexicon)
            or _owns_a_title(after)
        ):
            found.append(word)
    return found


def _listed_with_a_name(sentence: str, word: str, lexicon: frozenset[str]) -> bool:
    """An unseen word listed with a documents' word that is no common word ("आजमगढ़ और मैनपुरी").

    Lists join like with like; the documents' common nouns are on the common-word lists.
    """
    joined = r"\s*(?:,|\s(?:और|तथा|एवं|या))\s+"
    partners = re.findall(rf"(\S+){joined}{re.escape(word)}(?!\S)", sentence)
    partners += re.findall(rf"(?<!\S){re.escape(word)}{joined}(\S+)", sentence)
    return any(a_documents_name(partner.strip(",।"), lexicon) for partner in partners)


def _owns_a_title(after: list[str]) -> bool:
    """Whose office the title after it is: "मुजफ्फरनगर के पूर्व विधायक" (possessive, "former")."""
    if not after or after[0] not in _POSSESSIVE:
        return False
    rest = [word for word in after[1:] if word not in _TITLE_ADJECTIVES]
    return bool(rest) and rest[0] in TITLES


def _names_in_run(
    run: list[str], following: str, known_names: set[str], after_agent: bool
) -> list[str]:
    # Next to a known name stand first names ("अनुप्रिया पटेल ने"); titles ("वरिष्ठ नेता",
    # "बसपा प्रमुख") and nouns ("इंडिया गठबंधन") are common words, never in the run (unseen).
    new_words = [word for word in run if word not in known_names]
    if following == _AGENT:  # "नीतीश कुमार ने": who acted
        return new_words
    if after_agent and following in _RECIPIENT_MARKS:  # "ने रॉयटर्स को बताया"
        return new_words
    # Two unseen words joined to another subject ("शिवपाल यादव और ..."): a full name.
    return new_words if len(run) == 2 and following in _CONJUNCTIONS else []


def _words_with_gaps(sentence: str) -> list[tuple[str, str]]:
    """Each word with the text between it and the word before (punctuation, Latin, digits)."""
    pieces, end = [], 0
    for match in _HINDI_WORD.finditer(sentence):
        pieces.append((match.group(), sentence[end : match.start()]))
        end = match.end()
    return pieces
