"""What the answerer reads of a sentence, worked out once per distinct sentence text.

Every question reads the tokens, language and sounds of each sentence of its top chunks, and
the same chunks come back for many questions: working them out again was about a sixth of the
server's interpreter-lock time under load (README, "Concurrent users"). The facts depend on the
text alone, so a memo keyed by the text stays right across index generations.
"""

from __future__ import annotations

from functools import lru_cache

from index import language_of, phonetic_tokens, tokenize

# Sentences, not chunks: 100,000 of them hold a few hundred thousand tokens, some tens of MB.
SENTENCES_REMEMBERED = 100_000


@lru_cache(maxsize=SENTENCES_REMEMBERED)
def sentence_tokens(text: str) -> frozenset[str]:
    """The sentence's BM25 tokens (index.tokenize), as a set."""
    return frozenset(tokenize(text))


@lru_cache(maxsize=SENTENCES_REMEMBERED)
def sentence_language(text: str) -> str:
    """The sentence's language (index.language_of)."""
    return language_of(text)


@lru_cache(maxsize=SENTENCES_REMEMBERED)
def sentence_sounds(text: str) -> frozenset[str]:
    """The sentence's phonetic tokens (index.phonetic_tokens), for names across scripts."""
    return frozenset(phonetic_tokens(text))
