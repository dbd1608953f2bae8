"""Extractive answering: the sentences of the retrieved chunks that best answer the question."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assistant.answers import Answer, Citation, refusal
from assistant.config import AssistantConfig
from assistant.questiontypes import asked_type, can_answer
from assistant.quotable import quotable
from assistant.retrieval import Query, ScoredChunk
from index import PREFIX_CHARS, StoredIndex, language_of, tokenize

# What the answerer knows of each sentence, in the order of AssistantConfig.sentence_weights.
FEATURES = ("cosine", "coverage", "context", "type_fits", "chunk_score", "hindi")


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved chunk, its features and its chance of holding the answer."""

    source: str
    start: int
    end: int
    features: tuple[float, ...]
    score: float


def answer(
    index: StoredIndex, query: Query, hits: list[ScoredChunk], config: AssistantConfig
) -> Answer:
    """Cite the best 1-3 sentences, or refuse when even the best one is unlikely to answer."""
    ranked = sorted(score_sentences(index, query, hits, config), key=lambda c: -c.score)
    if not ranked or ranked[0].score < config.refusal_threshold:
        return refusal(query.text)
    chosen = _choose(index, ranked, config)
    citations = tuple(_cite(index, number, candidate) for number, candidate in enumerate(chosen, 1))
    text = " ".join(f"{c.quote} [{c.id}]" for c in citations)
    return Answer(query.text, text, False, citations)


def score_sentences(
    index: StoredIndex, query: Query, hits: list[ScoredChunk], config: AssistantConfig
) -> list[Candidate]:
    """Every sentence of the hits in the question's language, scored by the fitted weights."""
    candidates = []
    kind = asked_type(query.text)
    weights = _term_weights(index, query)
    english = query.language == "en"
    for hit in hits:
        chunk = index.chunks[hit.chunk_id]
        document = index.documents[chunk.source]
        first = index.first_sentence[hit.chunk_id]
        vectors = index.sentence_vectors[first : first + len(chunk.sentences)]
        cosines = vectors.astype(np.float32) @ query.vector
        title = set(tokenize(document.title))
        # A sentence often names its subject only in the title or the sentence before ("she said").
        previous = _sentence_before(index, hit.chunk_id)
        for (start, end), cosine in zip(chunk.sentences, cosines, strict=True):
            sentence = document.text[start:end]
            tokens = _with_near_matches(query.tokens, set(tokenize(sentence)))
            # A Hindi question is answered from Hindi sentences, and the reverse; the model cannot
            # read Hindi, so there its cosine says nothing.
            if language_of(sentence) == query.language and quotable(document.text, start, end):
                features = (
                    float(cosine) if english else 0.0,
                    _coverage(weights, tokens),
                    _coverage(weights, (previous | title) - tokens),
                    float(can_answer(sentence, kind, query.text)),
                    hit.score,
                    0.0 if english else 1.0,
                )
                candidates.append(
                    Candidate(chunk.source, start, end, features, _chance(features, config))
                )
            previous = tokens
    return candidates


def _with_near_matches(question: list[str], tokens: set[str]) -> set[str]:
    """The sentence's tokens, plus each question token that begins with the same letters as one.

    The stemmer leaves "leads" and "leader", "candidacy" and "candidate" apart; their first four
    letters join them (README, "How refusals are decided").
    """
    heads = {token[:PREFIX_CHARS] for token in tokens if len(token) >= PREFIX_CHARS}
    return tokens | {t for t in question if len(t) >= PREFIX_CHARS and t[:PREFIX_CHARS] in heads}


def _sentence_before(index: StoredIndex, chunk_id: int) -> set[str]:
    """Tokens of the sentence before the chunk's first: the previous chunk's last, if any."""
    chunk, before = index.chunks[chunk_id], index.chunks[chunk_id - 1] if chunk_id else None
    # A document's chunks are stored together and in order; anything else has no sentence before.
    if before is None or before.source != chunk.source or before.end > chunk.start:
        return set()
    start, end = before.sentences[-1]
    return set(tokenize(index.documents[chunk.source].text[start:end]))


def _chance(features: tuple[float, ...], config: AssistantConfig) -> float:
    """Logistic model fitted by benchmarks/refusal_threshold.py: P(sentence holds the answer)."""
    logit = config.sentence_bias + sum(
        w * f for w, f in zip(config.sentence_weights, features, strict=True)
    )
    return 1.0 / (1.0 + math.exp(-logit))


def _term_weights(index: StoredIndex, query: Query) -> dict[str, float]:
    """IDF of each question term; a term absent from every document weighs the most."""
    unseen = max(index.idf.values(), default=1.0)
    return {token: index.idf.get(token, unseen) for token in query.tokens}


def _coverage(weights: dict[str, float], present: set[str]) -> float:
    """Share of the question's IDF weight found among `present` tokens."""
    total = sum(weights.values())
    return sum(w for token, w in weights.items() if token in present) / total if total else 0.0


def _choose(
    index: StoredIndex, ranked: list[Candidate], config: AssistantConfig
) -> list[Candidate]:
    """The best sentence plus likely companions, skipping repeated texts (pages repeat)."""
    best = ranked[0].score
    chosen: list[Candidate] = []
    seen: set[str] = set()
    for candidate in ranked:
        if len(chosen) == config.max_sentences or candidate.score < best * config.companion_ratio:
            break
        text = index.documents[candidate.source].text[candidate.start : candidate.end]
        if text not in seen:
            seen.add(text)
            chosen.append(candidate)
    return chosen


def _cite(index: StoredIndex, number: int, candidate: Candidate) -> Citation:
    document = index.documents[candidate.source]
    quote = document.text[candidate.start : candidate.end]
    return Citation(
        id=number,
        source=document.source,
        title=document.title,
        date=document.date,
        date_source=document.date_source,
        language=language_of(quote),
        quote=quote,
        start=candidate.start,
        end=candidate.end,
        score=round(candidate.score, 4),
    )
