"""Numbered evidence: the sentences of the top retrieved chunks, each with its place and date."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answers import Citation
from assistant.quotable import quotable
from assistant.retrieval import ScoredChunk
from index import StoredIndex, language_of

MAX_EVIDENCE = 12  # sentences: small models lose track of longer prompts


@dataclass(frozen=True)
class EvidenceSentence:
    """One citable sentence: `number` is its [n] in the prompt; text == document[start:end]."""

    number: int
    source: str
    title: str
    date: str
    date_source: str
    start: int
    end: int
    text: str
    language: str
    score: float  # the retrieval score of its chunk

    def as_citation(self, number: int) -> Citation:
        """The sentence as citation [number], an exact quote with its offsets."""
        return Citation(
            id=number, source=self.source, title=self.title, date=self.date,
            date_source=self.date_source, language=self.language, quote=self.text,
            start=self.start, end=self.end, score=round(self.score, 4),
        )  # fmt: skip


def gather_evidence(
    index: StoredIndex, hits: list[ScoredChunk], limit: int = MAX_EVIDENCE
) -> list[EvidenceSentence]:
    """Sentences of the best chunks in reading order, numbered from 1, repeats skipped.

    Sentence-level numbers let a generated sentence cite exactly what supports it; chunk-level
    citations are where other tools go wrong (off-by-one and wrong-passage reports).
    """
    evidence: list[EvidenceSentence] = []
    seen: set[str] = set()
    for hit in hits:
        chunk = index.chunks[hit.chunk_id]
        document = index.documents[chunk.source]
        for start, end in chunk.sentences:
            text = document.text[start:end]
            if len(evidence) == limit:
                return evidence
            if text in seen or not quotable(document.text, start, end):
                continue
            seen.add(text)
            evidence.append(
                EvidenceSentence(
                    len(evidence) + 1, chunk.source, document.title, document.date,
                    document.date_source, start, end, text, language_of(text), hit.score,
                )
            )  # fmt: skip
    return evidence
