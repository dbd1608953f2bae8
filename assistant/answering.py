"""Extractive answering: the sentences of the retrieved chunks that best answer the question."""

from __future__ import annotations

from assistant.answers import Answer, Citation, refusal
from assistant.candidates import (
    CROSSLINGUAL_FEATURES,
    FEATURES,
    Candidate,
    score_sentences,
)
from assistant.config import AssistantConfig
from assistant.retrieval import Query, ScoredChunk
from index import StoredIndex, language_of

__all__ = [
    "CROSSLINGUAL_FEATURES",
    "FEATURES",
    "Candidate",
    "answer",
    "answer_from",
    "refusal_threshold",
    "score_sentences",
]


def answer(
    index: StoredIndex, query: Query, hits: list[ScoredChunk], config: AssistantConfig
) -> Answer:
    """Cite the best 1-3 sentences, or refuse when even the best one is unlikely to answer."""
    ranked = sorted(score_sentences(index, query, hits, config), key=lambda c: -c.score)
    return answer_from(index, query, ranked, config)


def answer_from(
    index: StoredIndex, query: Query, ranked: list[Candidate], config: AssistantConfig
) -> Answer:
    """The answer from the best candidate its own model's threshold lets through, or a refusal.

    `ranked` is best first. A weak English sentence ranked first no longer refuses a question
    that a Hindi sentence just below it answers, with a chance its model trusts.
    """
    first = next((i for i, c in enumerate(ranked) if c.score >= refusal_threshold(c, config)), None)
    if first is None:
        return refusal(query.text)
    chosen = _choose(index, ranked[first:], config)
    citations = tuple(_cite(index, number, candidate) for number, candidate in enumerate(chosen, 1))
    text = " ".join(f"{c.quote} [{c.id}]" for c in citations)
    return Answer(query.text, text, False, citations)


def refusal_threshold(candidate: Candidate, config: AssistantConfig) -> float:
    """The threshold of the model that scored the candidate: each model has its own scale.

    One threshold for all (picked when the cross-lingual model came) refused English questions
    that the same-language model, unchanged, had answered before.
    """
    return {
        "same": config.refusal_threshold,
        "e5": config.e5_refusal_threshold,
        "across": config.multilingual_refusal_threshold,
    }[candidate.model]


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
