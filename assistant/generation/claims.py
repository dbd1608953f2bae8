"""`assistant check`: the verifier run on a claim the user gives, against the best evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from assistant.answers import Citation
from assistant.config import AssistantConfig
from assistant.generation.checks import Checker, Verdict, checker_for
from assistant.generation.evidence import EvidenceSentence, gather_evidence
from assistant.generation.neighbours import neighbour_pairs
from assistant.retrieval import Query, prepare_query, retrieve, uses_multilingual
from index import StoredIndex, language_of

CANDIDATES = 4  # evidence sentences tried alone and together: more only adds chances to err
CLAIM_TOP_K = 5
CLAIM_EVIDENCE = 40
# A claim about an article in the other language: its best chunks in that language, and their
# sentences that e5 finds closest (words and sounds barely meet across scripts).
OTHER_LANGUAGE_CHUNKS = 2
OTHER_LANGUAGE_CANDIDATES = 2
NEIGHBOURED = 2  # best sentences also tried with the sentence before and after them


@dataclass(frozen=True)
class ClaimResult:
    """A claim, whether the documents support it, why not, and the quotes that do (or come near)."""

    claim: str
    supported: bool
    reason: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """One line of `check --json`."""
        return {
            "claim": self.claim,
            "supported": self.supported,
            "reason": self.reason or "supported by the quoted evidence",
            "citations": [asdict(citation) for citation in self.citations],
        }


def check_claim(index: StoredIndex, claim: str, config: AssistantConfig) -> ClaimResult:
    """Supported when some evidence set passes every check; else the closest set and its reason."""
    tried = [(group, verdict) for group, verdict in judged_sets(index, claim, config)]
    if not tried:
        return ClaimResult(claim, False, "nothing in the documents is about it", ())
    passing = [(group, verdict) for group, verdict in tried if verdict.supported]
    group, verdict = passing[0] if passing else tried[0]
    return ClaimResult(claim, verdict.supported, verdict.reason, cite(group))


def judged_sets(
    index: StoredIndex, claim: str, config: AssistantConfig
) -> list[tuple[list[EvidenceSentence], Verdict]]:
    """Each candidate evidence set with its verdict, most relevant first (fitting reads these)."""
    multilingual = uses_multilingual(index)
    # English claims are retrieved as before e5 (measured: with e5 its Hindi chunks displaced the
    # English sentences that number claims are decided on); Hindi ones need e5 to be read at all.
    english = language_of(claim) == "en"
    query = prepare_query(claim, config.index.model_path, multilingual and not english)
    hits = retrieve(index, query, CLAIM_TOP_K, config.mode)
    checker = checker_for(index, config)
    ranked = _most_relevant(checker, claim, gather_evidence(index, hits, CLAIM_EVIDENCE))
    groups = _sets(ranked)
    closest = ranked[:NEIGHBOURED]
    if multilingual:
        if query.multilingual is None:  # an English claim: its e5 vector, for the other language
            query = prepare_query(claim, config.index.model_path, multilingual=True)
        others = _other_language(index, query, config, ranked)
        # Alone, and together: a claim may join two sentences there too (a quote and its source).
        groups += [[sentence] for sentence in others] + ([others] if len(others) > 1 else [])
        closest += others[:1]
    # The best sentences with their neighbours: "She said ..." and whom it refers to.
    tried = {tuple((s.source, s.start) for s in group) for group in groups}
    for pair in neighbour_pairs(index, closest):
        if tuple((s.source, s.start) for s in pair) not in tried:
            groups.append(pair)
            tried.add(tuple((s.source, s.start) for s in pair))
    return [(group, checker.check(claim, group)) for group in groups]


def _other_language(
    index: StoredIndex, query: Query, config: AssistantConfig, ranked: list[EvidenceSentence]
) -> list[EvidenceSentence]:
    """The sentences in another language than the claim's closest to it by their e5 vectors."""
    hits = retrieve(index, query, CLAIM_TOP_K, config.mode, OTHER_LANGUAGE_CHUNKS)
    if query.multilingual is None or index.multilingual_sentences is None:
        return []
    rows = {
        (index.chunks[hit.chunk_id].source, start): int(index.first_sentence[hit.chunk_id]) + place
        for hit in hits
        for place, (start, _) in enumerate(index.chunks[hit.chunk_id].sentences)
    }
    tried = {(sentence.source, sentence.start) for sentence in ranked}
    others = [
        sentence
        for sentence in gather_evidence(index, hits, 2 * CLAIM_EVIDENCE)
        if sentence.language != query.language
        and (sentence.source, sentence.start) not in tried
        and (sentence.source, sentence.start) in rows
    ]
    if not others:
        return []
    # The index's own sentence vectors, read as retrieval reads them: no sentence is embedded.
    vectors = index.multilingual_sentences[[rows[(s.source, s.start)] for s in others]]
    cosines = vectors.astype(np.float32) @ query.multilingual
    order = np.argsort(-cosines, kind="stable")[:OTHER_LANGUAGE_CANDIDATES]
    return [others[i] for i in order]


def cite(group: list[EvidenceSentence]) -> tuple[Citation, ...]:
    """Exact quotes of the evidence sentences, numbered from 1."""
    return tuple(sentence.as_citation(number) for number, sentence in enumerate(group, 1))


def _most_relevant(
    checker: Checker, claim: str, evidence: list[EvidenceSentence]
) -> list[EvidenceSentence]:
    scored = sorted(evidence, key=lambda sentence: -checker.relevance(claim, sentence.text))
    return scored[:CANDIDATES]


def _sets(ranked: list[EvidenceSentence]) -> list[list[EvidenceSentence]]:
    """Each sentence alone, then the best two and three together (claims that join sentences)."""
    groups = [[sentence] for sentence in ranked]
    groups += [ranked[:size] for size in (2, 3) if len(ranked) >= size]
    return groups
