"""Part 2 of multilingual_model.py: the answerer refit with the multilingual sentence cosine."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import refusal_threshold as rt
from sklearn.metrics import roc_auc_score

from assistant import Assistant, AssistantConfig, answering
from index import IndexConfig, build_index


class WithCosine:
    """score_sentences with the multilingual cosine as a 7th feature, scored once fitted."""

    def __init__(self, plain: Any, model: Any, scale: float, shift: float) -> None:
        self.plain, self.model, self.scale, self.shift = plain, model, scale, shift
        self.weights: np.ndarray | None = None  # None: features only, as examples() needs
        self.bias = 0.0
        self.vectors: dict[str, np.ndarray] = {}  # sentences and questions, embedded once

    def _vector(self, text: str, is_question: bool) -> np.ndarray:
        if text not in self.vectors:
            self.vectors[text] = self.model.encode(text, is_query=is_question)
        return self.vectors[text]

    def __call__(self, index: Any, query: Any, hits: Any, config: Any) -> list[Any]:
        # plain() still scores with the 6 default weights; the 7 fitted ones rescore its output.
        asked = self._vector(query.text, True)
        scored = []
        for candidate in self.plain(index, query, hits, config):
            text = index.documents[candidate.source].text[candidate.start : candidate.end]
            cosine = self.scale * float(self._vector(text, False) @ asked) + self.shift
            features = (*candidate.features, cosine)
            score = candidate.score
            if self.weights is not None:
                score = 1 / (1 + math.exp(-float(self.weights @ features) - self.bias))
            scored.append(replace(candidate, features=features, score=score))
        return scored


def refusal_study(model: Any, scale: float, shift: float) -> None:
    """Fit on the tuning questions with 6 features, then 7; report the held-out sets."""
    config = IndexConfig(documents_dir=rt.REPO / "documents", storage_dir=Path(rt.STORAGE))
    build_index(config)
    assistant = Assistant.open(AssistantConfig(index=config))
    default = assistant.config
    tuning = rt.read(sorted(rt.QUESTIONS.glob("documents-tuning*.jsonl")))
    held_out = {
        name: rt.read([rt.QUESTIONS / f"documents-{name}.jsonl"]) for name in ("gold", "unseen")
    }
    plain = answering.score_sentences
    extended = WithCosine(plain, model, scale, shift)
    try:
        for label, scorer in (("6 features (default)", plain), ("+ multilingual cosine", extended)):
            answering.score_sentences = rt.score_sentences = scorer
            weights, bias, _ = rt.fit_sentence_model(assistant, tuning)
            if scorer is plain:
                assistant.config = replace(default, sentence_weights=weights, sentence_bias=bias)
            else:
                extended.weights, extended.bias = np.array(weights), bias
            threshold = rt.pick_threshold(rt.outcomes(assistant, tuning))
            print(
                f"  {label}: threshold {threshold:.3f} (chosen on {len(tuning)} tuning questions)"
            )
            for name, questions in {"tuning": tuning, **held_out}.items():
                rows = rt.outcomes(assistant, questions)
                auc = roc_auc_score([r[1] for r in rows], [r[0] for r in rows])
                refused, wrongly, correct = rt.rates(rows, threshold)
                print(f"    {name:7} AUC {auc:.3f}: unanswerable refused {refused:.0%}, "
                      f"answerable refused {wrongly:.0%}, gold fact {correct:.0%}")  # fmt: skip
    finally:
        answering.score_sentences = rt.score_sentences = plain
