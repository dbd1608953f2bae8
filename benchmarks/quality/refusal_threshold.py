"""Fit the answerer's sentence model and refusal threshold on the tuning questions, and say why.

    .venv/bin/python benchmarks/quality/refusal_threshold.py [--questions FILE...] [--storage DIR]

Every sentence the answerer considers for a tuning question becomes one example: its features
(assistant/answering.py FEATURES) and whether it holds a gold answer string. A logistic
regression turns features into the chance that a sentence answers. A threshold on the best
sentence's chance then refuses; we pick the one that refuses the most unanswerable questions
while refusing at most 10% of answerable ones. The held-out sets are only reported, never fit:
documents-gold.jsonl, and documents-unseen.jsonl, written later by another author who never saw
the gold set (its questions that nearly repeated a gold question were dropped).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant import Assistant, AssistantConfig
from assistant.answering import FEATURES, answer, score_sentences
from assistant.retrieval import prepare_query, retrieve
from index import IndexConfig, build_index

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "benchmarks/questions"
MAX_WRONG_REFUSALS = 0.10
STORAGE = "/tmp/doc-assistant-threshold-storage"


def holds(text: str, groups: list[list[str]], every: bool = True) -> bool:
    """Whether the text holds one string of every group (or, with every=False, of any group)."""
    lowered = text.lower()
    found = [any(option.lower() in lowered for option in group) for group in groups]
    return bool(found) and (all(found) if every else any(found))


def read(paths: list[Path]) -> list[dict]:
    lines = [line for path in paths for line in path.read_text("utf-8").splitlines()]
    return [json.loads(line) for line in lines if line.strip()]


def examples(assistant: Assistant, questions: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Features of every candidate sentence, labelled 1 when it holds a gold answer string."""
    config, index = assistant.config, assistant.index
    rows, labels = [], []
    for q in questions:
        query = prepare_query(q["question"], config.index.model_path)
        hits = retrieve(index, query, config.top_k, config.mode)
        for candidate in score_sentences(index, query, hits, config):
            quote = index.documents[candidate.source].text[candidate.start : candidate.end]
            rows.append(candidate.features)
            labels.append(q["answerable"] and holds(quote, q["answer_contains"], every=False))
    return np.array(rows), np.array(labels, dtype=int)


def fit_sentence_model(
    assistant: Assistant, tuning: list[dict]
) -> tuple[tuple[float, ...], float, np.ndarray]:
    """Logistic weights and bias (3 decimals) from the tuning questions' sentences, and labels."""
    features, labels = examples(assistant, tuning)
    model = LogisticRegression(max_iter=2000).fit(features, labels)
    weights = tuple(round(float(w), 3) for w in model.coef_[0])
    return weights, round(float(model.intercept_[0]), 3), labels


def outcomes(assistant: Assistant, questions: list[dict]) -> list[tuple[float, bool, bool]]:
    """Per question: (best chance, answerable, answer holds the gold) with refusals off."""
    config = replace(assistant.config, refusal_threshold=-1.0)
    index, rows = assistant.index, []
    for q in questions:
        query = prepare_query(q["question"], config.index.model_path)
        result = answer(index, query, retrieve(index, query, config.top_k, config.mode), config)
        best = max((c.score for c in result.citations), default=0.0)
        correct = q["answerable"] and holds(result.answer, q["answer_contains"])
        rows.append((best, q["answerable"], correct))
    return rows


def rates(rows: list[tuple[float, bool, bool]], threshold: float) -> tuple[float, float, float]:
    """(unanswerable refused, answerable refused, answerable answered correctly) at threshold."""
    answerable = [r for r in rows if r[1]]
    unanswerable = [r for r in rows if not r[1]]
    return (
        sum(s < threshold for s, _, _ in unanswerable) / max(1, len(unanswerable)),
        sum(s < threshold for s, _, _ in answerable) / max(1, len(answerable)),
        sum(c and s >= threshold for s, _, c in answerable) / max(1, len(answerable)),
    )


def pick_threshold(rows: list[tuple[float, bool, bool]]) -> float:
    """The threshold refusing the most unanswerable questions within the wrong-refusal budget."""
    allowed = [t for t in np.arange(0.0, 1.0, 0.005) if rates(rows, t)[1] <= MAX_WRONG_REFUSALS]
    return float(max(allowed, key=lambda t: (rates(rows, t)[0], rates(rows, t)[2], -t)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", nargs="+", type=Path)
    parser.add_argument(
        "--held-out",
        nargs="+",
        type=Path,
        default=[QUESTIONS / "documents-gold.jsonl", QUESTIONS / "documents-unseen.jsonl"],
    )
    parser.add_argument("--storage", default=STORAGE)
    args = parser.parse_args()
    tuning = read(args.questions or sorted(QUESTIONS.glob("documents-tuning*.jsonl")))
    index_config = IndexConfig(documents_dir=REPO / "documents", storage_dir=Path(args.storage))
    build_index(index_config)
    assistant = Assistant.open(AssistantConfig(index=index_config))
    weights, bias, labels = fit_sentence_model(assistant, tuning)
    assistant.config = replace(assistant.config, sentence_weights=weights, sentence_bias=bias)
    print(f"{len(tuning)} tuning questions, {len(labels)} sentences, {labels.sum()} hold an answer")
    print("weights:", dict(zip(FEATURES, weights, strict=True)), "bias:", bias)
    threshold = round(pick_threshold(outcomes(assistant, tuning)), 3)
    print(f"sentence_weights = {weights}\nsentence_bias = {bias}\nrefusal_threshold = {threshold}")
    held_out = [(f"held-out {path.name}", read([path])) for path in args.held_out]
    for name, questions in [("tuning", tuning), *held_out]:
        refused_u, refused_a, correct = rates(outcomes(assistant, questions), threshold)
        print(
            f"{name}: {len(questions)} questions, unanswerable refused {refused_u:.0%}, "
            f"answerable refused {refused_a:.0%}, answered with the gold fact {correct:.0%}"
        )


if __name__ == "__main__":
    main()
