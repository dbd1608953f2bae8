"""Names swapped in a near copy: a word standing where a sentence of the article has a name.

Devanagari has no capitals, and a Hindi name the documents use in Hindi only, or one too short
to have a sound of its own (सपा), is not told from a common word by its spelling. But a statement
that copies a sentence around one word ("लोगों को सपा में जोड़ने" against "लोगों को बसपा में
जोड़ने", "AICC in-charge of Uttar Pradesh KC Venugopal told" against "... Avinash Pande told")
puts that word in the name's place: it must be that name. Common words are exempt (a paraphrase
says "पार्टी" for the party's name), as are words the sentence also holds (a reordering). The
sentences compared are the evidence's, and those of the documents that the statement copies more
closely than any evidence sentence: a statement citing a loosely related sentence while copying
another one with its name changed says what the documents say of someone else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

from assistant.generation.attachment import content_words
from assistant.generation.common_words import COMMON_WORDS, FUNCTION_WORDS
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.names import bare_name, missing_names, names
from index import language_of

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[\u0900-\u0963\u0971-\u097f]+")
_SENTENCE_END = re.compile(r"(?<=[.!?।])[\"'”’]?\s+|\n+")
REACH = 2  # words on each side of the slot, names not counted (a paraphrase moves a subject)
MATCHED = 3  # of the (up to) four words around the slot, how many the two must share
COPIED = 0.5  # share of the statement's content words an article sentence holds to be a copy


def swapped_names(
    statement: str,
    evidence: Sequence[EvidenceSentence],
    lexicon: frozenset[str],
    articles: Mapping[str, str] | None = None,
) -> list[str]:
    """The statement's words that stand where a same-language sentence (docstring) has a name."""
    language = language_of(statement)
    own = [sentence.text for sentence in evidence if sentence.language == language]
    candidates = own + _copied(statement, own, tuple((articles or {}).values()), language)
    mine = set(names(statement, lexicon))
    words = _words(statement)
    found: list[str] = []
    for text in candidates:
        theirs = _words(text)
        named = set(names(text, lexicon))
        slots = [j for j, other in enumerate(theirs) if other in named]
        for i, word in enumerate(words):
            if word in found or not slots or not _may_be_swapped(word, mine):
                continue
            around = _around(words, i, mine)
            if any(
                theirs[j] != word and len(around & _around(theirs, j, named)) >= MATCHED
                for j in slots
            ) and missing_names([word], text, statement):
                found.append(word)
    return found


def _copied(statement: str, own: list[str], articles: tuple[str, ...], language: str) -> list[str]:
    """Document sentences holding more of the statement's words than any evidence sentence does."""
    claimed = set(content_words(statement))
    best = max((len(claimed & set(content_words(text))) for text in own), default=0)
    sentences, postings = _sentence_index(articles)
    # Counted through each word's sentences: scanning every sentence took 2.7 s a check at
    # 2,000 articles, and a claim or a generated answer runs about ten checks.
    shared = Counter(place for word in claimed for place in postings.get(word, ()))
    needed = max(best + 1, COPIED * len(claimed))
    return [
        sentences[place]
        for place in sorted(shared)  # the articles' order, as the evidence is read
        if shared[place] >= needed and language_of(sentences[place]) == language
    ]


@lru_cache(maxsize=2)  # one index generation's articles, checked against for every statement
def _sentence_index(articles: tuple[str, ...]) -> tuple[list[str], dict[str, list[int]]]:
    """Every sentence of the articles, and for each content word the sentences holding it."""
    sentences = [text for article in articles for text in _SENTENCE_END.split(article)]
    sentences = [text for text in sentences if text.strip()]
    postings: dict[str, list[int]] = {}
    for place, text in enumerate(sentences):
        for word in set(content_words(text)):
            postings.setdefault(word, []).append(place)
    return sentences, postings


def _words(text: str) -> list[str]:
    return [bare_name(word) for word in _WORD.findall(text)]


def _around(words: list[str], place: int, skipped: set[str]) -> set[str]:
    """Up to REACH words on each side of the slot, names skipped, lower-cased."""
    before = [w.lower() for w in words[:place] if w not in skipped][-REACH:]
    after = [w.lower() for w in words[place + 1 :] if w not in skipped][:REACH]
    return set(before + after)


def _may_be_swapped(word: str, statement_names: set[str]) -> bool:
    """A name of the statement, or a Devanagari word that is no common or function word."""
    if word.isascii():  # English names are capitalised: names.py found them
        return word in statement_names
    return word not in COMMON_WORDS and word not in FUNCTION_WORDS
