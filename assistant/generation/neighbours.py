"""The sentences next to an evidence sentence in its article, for claims that join the two.

A claim often joins a sentence with its neighbour: "She said her party would go it solo" names
Mayawati only in the sentence before it, a quote names who said it in the sentence after it
("... for anyone else," NDTV reported quoting Mayawati), and a list follows what it lists ("The
seats were Amethi, ..."). Retrieval ranks each sentence alone and may bring only one of them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from assistant.generation.evidence import EvidenceSentence
from assistant.quotable import quotable
from index import StoredIndex, language_of, split_sentences


def neighbour_pairs(
    index: StoredIndex, sentences: list[EvidenceSentence]
) -> list[list[EvidenceSentence]]:
    """Each sentence with the one before it and with the one after it in its article."""
    pairs = []
    for sentence in sentences:
        before, after = _around(index, sentence)
        pairs += [[before, sentence]] if before else []
        pairs += [[sentence, after]] if after else []
    return pairs


def _around(
    index: StoredIndex, sentence: EvidenceSentence
) -> tuple[EvidenceSentence | None, EvidenceSentence | None]:
    document = index.documents.get(sentence.source)
    if document is None:
        return None, None
    spans = _spans(document.text)
    places = [i for i, (start, _) in enumerate(spans) if start == sentence.start]
    if not places:
        return None, None
    place = places[0]

    def made(i: int) -> EvidenceSentence | None:
        if not 0 <= i < len(spans) or not quotable(document.text, *spans[i]):
            return None
        start, end = spans[i]
        text = document.text[start:end]
        return replace(sentence, start=start, end=end, text=text, language=language_of(text))

    return made(place - 1), made(place + 1)


@lru_cache(maxsize=64)
def _spans(text: str) -> list[tuple[int, int]]:
    # Sentences as the chunker cuts them, so a neighbour's offsets are those of a chunk sentence.
    return split_sentences(text)
