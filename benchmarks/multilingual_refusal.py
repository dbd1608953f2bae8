"""Part 2 of multilingual_model.py: the answerer refit with the multilingual sentence cosine."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import refusal_threshold as rt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from assistant import Assistant, AssistantConfig, answering
from index import IndexConfig, build_index


def refusal_study(model: Any, scale: float, shift: float) -> None:
    """Fit on the tuning questions with 6 features, then 7; report the held-out sets."""
    storage = Path("eval-out/multilingual-refusal-storage")
    config = IndexConfig(documents_dir=rt.REPO / "documents", storage_dir=storage)
    build_index(config)
    assistant = Assistant.open(AssistantConfig(index=config))
    config_of = assistant.config
    tuning = rt.read(sorted(rt.QUESTIONS.glob("documents-tuning*.jsonl")))
    held_out = {
        name: rt.read([rt.QUESTIONS / f"documents-{name}.jsonl"]) for name in ("gold", "unseen")
    }
    plain = answering.score_sentences
    extended = _with_cosine(plain, model, scale, shift)
    try:
        for label, scorer in (("6 features (default)", plain), ("+ multilingual cosine", extended)):
            answering.score_sentences = rt.score_sentences = scorer
            extended.weights = None  # examples() needs the features, not a score
            features, labels = rt.examples(assistant, tuning)
            fit = LogisticRegression(max_iter=3000).fit(features, labels)
            weights, bias = tuple(fit.coef_[0]), float(fit.intercept_[0])
            if scorer is plain:
                assistant.config = replace(config_of, sentence_weights=weights, sentence_bias=bias)
            else:  # plain() inside it still scores with the 6 weights; the 7 rescore its output
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


def _with_cosine(plain: Any, model: Any, scale: float, shift: float) -> Any:
    """score_sentences with the multilingual cosine as a 7th feature (scored when fitted)."""
    vectors: dict[str, np.ndarray] = {}

    def scorer(index: Any, query: Any, hits: Any, config: Any) -> list[Any]:
        candidates = plain(index, query, hits, config)
        texts = [index.documents[c.source].text[c.start : c.end] for c in candidates]
        new = [t for t in dict.fromkeys(texts) if t not in vectors]
        vectors.update(zip(new, model.passage(new) if new else [], strict=True))
        asked = model.query(query.text)
        scored = []
        for candidate, text in zip(candidates, texts, strict=True):
            features = (*candidate.features, scale * float(vectors[text] @ asked) + shift)
            score = candidate.score
            if scorer.weights is not None:
                score = 1 / (1 + math.exp(-float(scorer.weights @ features) - scorer.bias))
            scored.append(replace(candidate, features=features, score=score))
        return scored

    scorer.weights, scorer.bias = None, 0.0  # type: ignore[attr-defined]
    return scorer
