"""Extractive answering: the sentences of the retrieved chunks that best answer the question."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.answers import Answer, Citation, refusal
from assistant.config import AssistantConfig
from assistant.questiontypes import asked_type, can_answer
from assistant.retrieval import Query, ScoredChunk
from index import StoredIndex, tokenize
from index.metadata import language_of


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved chunk with its score."""

    source: str
    start: int
    end: int
    score: float


def answer(
    index: StoredIndex, query: Query, hits: list[ScoredChunk], config: AssistantConfig
) -> Answer:
    """Cite the best 1-3 sentences, or refuse when even the best one scores under the threshold."""
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
    """Every sentence of the hits, scored by meaning (English only) and question-term coverage."""
    candidates = []
    kind = asked_type(query.text)
    for hit in hits:
        chunk = index.chunks[hit.chunk_id]
        document = index.documents[chunk.source]
        first = index.first_sentence[hit.chunk_id]
        cosines = (
            index.sentence_vectors[first : first + len(chunk.sentences)].astype(np.float32)
            @ query.vector
        )
        for (start, end), cosine in zip(chunk.sentences, cosines, strict=True):
            sentence = document.text[start:end]
            # A Hindi question is answered from Hindi sentences, and the reverse.
            if language_of(sentence) != query.language:
                continue
            coverage = _coverage(index, query, sentence)
            # The model cannot read Hindi, so there the score is coverage alone.
            weight = config.dense_weight if query.language == "en" else 0.0
            score = weight * float(cosine) + (1 - weight) * coverage
            if not can_answer(sentence, kind):
                score *= config.wrong_type_factor
            candidates.append(Candidate(chunk.source, start, end, score))
    return candidates


def _coverage(index: StoredIndex, query: Query, sentence: str) -> float:
    """Share of the question's IDF weight present in the sentence; unseen words weigh the most."""
    unseen = max(index.idf.values(), default=1.0)
    weights = {token: index.idf.get(token, unseen) for token in query.tokens}
    total = sum(weights.values())
    if not total:
        return 0.0
    present = set(tokenize(sentence))
    return sum(w for token, w in weights.items() if token in present) / total


def _choose(
    index: StoredIndex, ranked: list[Candidate], config: AssistantConfig
) -> list[Candidate]:
    """The best sentence plus near-equals, skipping repeats of the same text (pages repeat)."""
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
    return Citation(
        id=number,
        source=document.source,
        title=document.title,
        date=document.date,
        quote=document.text[candidate.start : candidate.end],
        start=candidate.start,
        end=candidate.end,
        score=round(candidate.score, 4),
    )
