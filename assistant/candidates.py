"""Candidate sentences of the retrieved chunks, each with the chance that it holds the answer."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from assistant.config import AssistantConfig
from assistant.questiontypes import asked_type, can_answer
from assistant.quotable import quotable
from assistant.retrieval import E5_SCALE, E5_SHIFT, Query, ScoredChunk
from assistant.sentence_facts import sentence_language, sentence_sounds, sentence_tokens
from index import PREFIX_CHARS, StoredIndex, phonetic_tokens

# What the answerer knows of each sentence, in the order of AssistantConfig.sentence_weights
# (and e5_sentence_weights: a Hindi question in an index with e5 has e5's cosine as "cosine").
FEATURES = ("cosine", "coverage", "context", "type_fits", "chunk_score", "hindi")
# A sentence in another language than the question's (only with multilingual-e5 vectors in the
# index) has its own model, AssistantConfig.crosslingual_weights: words cannot match across
# scripts, so e5 carries it: its cosine (rescaled as retrieval rescales it), how far below the
# best other-language sentence's it is, with the share of the question's sound-alike tokens
# (names) it holds, each weighted by how few other-language candidates hold it (_sound_rarity),
# and the best same-language sentence's chance: a good answer in the question's own language
# makes one in the other language less likely needed. A bonus for the best sentence alone
# ("e5_best") is gone: it put the best far above the rest, so a gold sentence ranked second or
# third was left out of the answer (refitted, the cross-lingual tuning questions held the gold
# fact 79% of the time without it, 71% with it).
CROSSLINGUAL_FEATURES = (
    "e5_cosine",
    "e5_gap",
    "sounds",
    "type_fits",
    "chunk_score",
    "same_best",
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved chunk, its features and its chance of holding the answer."""

    source: str
    start: int
    end: int
    features: tuple[float, ...]
    score: float
    # The model that scored it: "same" (a question in the sentence's language, read by MiniLM in
    # English), "e5" (the same, in a language only e5 reads: Hindi) or "across" (the sentence in
    # another language than the question's, CROSSLINGUAL_FEATURES).
    model: str = "same"

    @property
    def crosslingual(self) -> bool:
        """Whether the sentence is in another language than the question's."""
        return self.model == "across"


def score_sentences(
    index: StoredIndex, query: Query, hits: list[ScoredChunk], config: AssistantConfig
) -> list[Candidate]:
    """Every quotable sentence of the hits, scored by the fitted weights.

    Sentences in the question's language are scored as before; with multilingual vectors in
    the index, sentences in another language are candidates too, scored by their own model.
    """
    candidates = []
    kind = asked_type(query.text)
    weights = _term_weights(index, query)
    english = query.language == "en"
    multilingual = _multilingual(index, query)
    sounds = set(phonetic_tokens(query.text)) if multilingual else set()
    # A question MiniLM cannot read has e5's cosine, and its own model fitted on such questions.
    reader = "e5" if multilingual and not english else "same"
    across: list[Candidate] = []  # other-language sentences, scored once all are known
    held: list[frozenset[str]] = []  # the question's sounds each of them holds
    for hit in hits:
        chunk = index.chunks[hit.chunk_id]
        document = index.documents[chunk.source]
        first = index.first_sentence[hit.chunk_id]
        rows = slice(first, first + len(chunk.sentences))
        cosines = (
            index.sentence_vectors[rows].astype(np.float32) @ query.vector
            if query.vector is not None  # English questions only (retrieval.prepare_query)
            else np.zeros(rows.stop - rows.start)
        )
        e5_cosines = _e5_cosines(index, query, rows)
        title = sentence_tokens(document.title)
        # A sentence often names its subject only in the title or the sentence before ("she said").
        previous = _sentence_before(index, hit.chunk_id)
        for k, ((start, end), cosine) in enumerate(zip(chunk.sentences, cosines, strict=True)):
            sentence = document.text[start:end]
            tokens = _with_near_matches(query.tokens, sentence_tokens(sentence))
            same = sentence_language(sentence) == query.language
            if (same or multilingual) and quotable(document.text, start, end):
                type_fits = float(can_answer(sentence, kind, query.text))
                if same:
                    features: tuple[float, ...] = (
                        # MiniLM reads English only: for Hindi its cosine says nothing, e5's does.
                        float(cosine) if english else float(e5_cosines[k]),
                        _coverage(weights, tokens),
                        _coverage(weights, (previous | title) - tokens),
                        type_fits,
                        hit.score,
                        0.0 if english else 1.0,
                    )
                    chance = _chance(features, *_same_model(reader, config))
                    candidates.append(Candidate(chunk.source, start, end, features, chance, reader))
                else:
                    features = (float(e5_cosines[k]), type_fits, hit.score)
                    across.append(Candidate(chunk.source, start, end, features, 0.0, "across"))
                    held.append(sentence_sounds(sentence) & sounds)
            previous = tokens
    return candidates + _scored_across(across, held, sounds, candidates, config)


def _scored_across(
    across: list[Candidate],
    held: list[frozenset[str]],
    sounds: set[str],
    same: list[Candidate],
    config: AssistantConfig,
) -> list[Candidate]:
    """The other-language sentences with their full features and chance (see FEATURES' note)."""
    best = max((c.features[0] for c in across), default=0.0)
    same_best = max((c.score for c in same), default=0.0)
    rarity = _sound_rarity(sounds, held)
    total = sum(rarity.values())
    scored = []
    for candidate, found in zip(across, held, strict=True):
        e5, type_fits, chunk_score = candidate.features
        shared = sum(rarity[s] for s in found) / total if total else 0.0
        features = (e5, best - e5, shared, type_fits, chunk_score, same_best)
        chance = _chance(features, config.crosslingual_weights, config.crosslingual_bias)
        scored.append(replace(candidate, features=features, score=chance))
    return scored


def _sound_rarity(sounds: set[str], held: list[frozenset[str]]) -> dict[str, float]:
    """Each question sound's weight: its smoothed IDF among the other-language candidates.

    A name every candidate holds (the article's subject, a party's initials) tells none apart and
    weighs 0; the plain share counted it like a rare name (README, "How refusals are decided").
    """
    count = len(held)
    return {s: math.log((count + 1) / (sum(s in found for found in held) + 1)) for s in sounds}


def _same_model(reader: str, config: AssistantConfig) -> tuple[tuple[float, ...], float]:
    """Weights and bias of the same-language model for questions read by MiniLM or by e5."""
    if reader == "e5":
        return config.e5_sentence_weights, config.e5_sentence_bias
    return config.sentence_weights, config.sentence_bias


def _multilingual(index: StoredIndex, query: Query) -> bool:
    return index.multilingual_sentences is not None and query.multilingual is not None


def _e5_cosines(index: StoredIndex, query: Query, rows: slice) -> np.ndarray:
    """Each sentence's e5 cosine with the question, rescaled as retrieval does; zeros without."""
    if index.multilingual_sentences is None or query.multilingual is None:
        return np.zeros(rows.stop - rows.start)
    cosines = index.multilingual_sentences[rows].astype(np.float32) @ query.multilingual
    return np.asarray(E5_SCALE * cosines + E5_SHIFT)


def _with_near_matches(question: list[str], tokens: frozenset[str]) -> frozenset[str]:
    """The sentence's tokens, plus each question token that begins with the same letters as one.

    The stemmer leaves "leads" and "leader", "candidacy" and "candidate" apart; their first four
    letters join them (README, "How refusals are decided").
    """
    heads = {token[:PREFIX_CHARS] for token in tokens if len(token) >= PREFIX_CHARS}
    return tokens | {t for t in question if len(t) >= PREFIX_CHARS and t[:PREFIX_CHARS] in heads}


def _sentence_before(index: StoredIndex, chunk_id: int) -> frozenset[str]:
    """Tokens of the sentence before the chunk's first: the previous chunk's last, if any."""
    chunk, before = index.chunks[chunk_id], index.chunks[chunk_id - 1] if chunk_id else None
    # A document's chunks are stored together and in order; anything else has no sentence before.
    if before is None or before.source != chunk.source or before.end > chunk.start:
        return frozenset()
    start, end = before.sentences[-1]
    return sentence_tokens(index.documents[chunk.source].text[start:end])


def _chance(features: tuple[float, ...], weights: tuple[float, ...], bias: float) -> float:
    """Logistic model fitted by benchmarks/refusal_threshold.py: P(sentence holds the answer)."""
    logit = bias + sum(w * f for w, f in zip(weights, features, strict=True))
    return 1.0 / (1.0 + math.exp(-logit))


def _term_weights(index: StoredIndex, query: Query) -> dict[str, float]:
    """IDF of each question term; a term absent from every document weighs the most."""
    unseen = max(index.idf.values(), default=1.0)
    return {token: index.idf.get(token, unseen) for token in query.tokens}


def _coverage(weights: dict[str, float], present: frozenset[str]) -> float:
    """Share of the question's IDF weight found among `present` tokens."""
    total = sum(weights.values())
    return sum(w for token, w in weights.items() if token in present) / total if total else 0.0
