"""How close a statement is to its evidence in embedding space, by a model that reads both.

MiniLM reads English only; multilingual-e5 (in every index that holds non-English text) reads
Hindi and English alike, so it judges Hindi and cross-script pairs. Its cosines crowd higher than
MiniLM's, so each model has its own threshold (VerifierConfig), fitted on the claims set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.generation.evidence import EvidenceSentence
from index import embed, embed_multilingual_query, language_of

NOT_JUDGED = 1.0  # no model reads the pair: the lexical checks alone decide


@dataclass(frozen=True)
class Similarity:
    """A cosine, and whether multilingual-e5 gave it (else MiniLM, or no model at all)."""

    cosine: float
    multilingual: bool


def similarity(
    statement: str, evidence: Sequence[EvidenceSentence], model_path: str, multilingual: bool
) -> Similarity:
    """MiniLM's cosine for English on the evidence's English; else e5's, if the index has e5."""
    english = [sentence.text for sentence in evidence if sentence.language == "en"]
    if language_of(statement) == "en" and english:
        vectors = embed(model_path, [statement, " ".join(english)])
        return Similarity(float(np.dot(vectors[0], vectors[1])), False)
    if multilingual and evidence:
        # Both sides as `query:`: e5's prefix for symmetric comparisons of two short texts.
        claim = _e5_vector(statement)
        held = _e5_vector(" ".join(sentence.text for sentence in evidence))
        return Similarity(float(np.dot(claim, held)), True)
    return Similarity(NOT_JUDGED, False)


@lru_cache(maxsize=256)
def _e5_vector(text: str) -> np.ndarray:
    # One statement is checked against several evidence sets (claims.py): embed it once.
    vector = embed_multilingual_query(text)
    vector.setflags(write=False)
    return vector
