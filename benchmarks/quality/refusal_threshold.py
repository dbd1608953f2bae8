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
from assistant.answering import CROSSLINGUAL_FEATURES, FEATURES, answer, score_sentences
from assistant.retrieval import prepare_query, retrieve, uses_multilingual
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


def examples(
    assistant: Assistant, questions: list[dict], crosslingual: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Features of every candidate sentence (in the question's language, or with `crosslingual`
    in another), labelled 1 when it holds a gold answer string."""
    config, index = assistant.config, assistant.index
    rows, labels = [], []
    for q in questions:
        query = prepare_query(q["question"], config.index.model_path, uses_multilingual(index))
        hits = retrieve(index, query, config.top_k, config.mode)
        for candidate in score_sentences(index, query, hits, config):
            if candidate.crosslingual != crosslingual:
                continue
            quote = index.documents[candidate.source].text[candidate.start : candidate.end]
            rows.append(candidate.features)
            labels.append(q["answerable"] and holds(quote, q["answer_contains"], every=False))
    return np.array(rows), np.array(labels, dtype=int)


def fit_sentence_model(
    assistant: Assistant, tuning: list[dict], crosslingual: bool = False
) -> tuple[tuple[float, ...], float, np.ndarray]:
    """Logistic weights and bias (3 decimals) from the tuning questions' sentences, and labels."""
    features, labels = examples(assistant, tuning, crosslingual)
    model = LogisticRegression(max_iter=2000).fit(features, labels)
    weights = tuple(round(float(w), 3) for w in model.coef_[0])
    return weights, round(float(model.intercept_[0]), 3), labels


def outcomes(assistant: Assistant, questions: list[dict]) -> list[tuple[float, bool, bool]]:
    """Per question: (best chance, answerable, answer holds the gold) with refusals off."""
    config = replace(assistant.config, refusal_threshold=-1.0, multilingual_refusal_threshold=-1.0)
    index, rows = assistant.index, []
    for q in questions:
        query = prepare_query(q["question"], config.index.model_path, uses_multilingual(index))
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
        default=[
            QUESTIONS / "documents-gold.jsonl",
            QUESTIONS / "documents-unseen.jsonl",
            QUESTIONS / "documents-crosslingual-heldout.jsonl",
        ],
    )
    parser.add_argument("--storage", default=STORAGE)
    parser.add_argument("--refit-same", action="store_true", help="fit the same-language model too")
    args = parser.parse_args()
    tuning = read(args.questions or sorted(QUESTIONS.glob("documents-*tuning*.jsonl")))
    index_config = IndexConfig(documents_dir=REPO / "documents", storage_dir=Path(args.storage))
    build_index(index_config)
    assistant = Assistant.open(AssistantConfig(index=index_config))
    # A folder with Hindi text has e5 vectors: sentences in the other language are candidates
    # too, with their own model. The same-language model keeps the weights fitted before
    # (--refit-same fits it again), so those questions keep their rates.
    crosslingual = uses_multilingual(assistant.index)
    fitted: dict[str, object] = {}
    if args.refit_same or not crosslingual:
        weights, bias, labels = fit_sentence_model(assistant, tuning)
        fitted |= {"sentence_weights": weights, "sentence_bias": bias}
        print(f"same language: {len(labels)} sentences, {labels.sum()} hold an answer")
        print("weights:", dict(zip(FEATURES, weights, strict=True)), "bias:", bias)
    if crosslingual:
        weights, bias, labels = fit_sentence_model(assistant, tuning, crosslingual=True)
        fitted |= {"crosslingual_weights": weights, "crosslingual_bias": bias}
        print(f"other language: {len(labels)} sentences, {labels.sum()} hold an answer")
        print("weights:", dict(zip(CROSSLINGUAL_FEATURES, weights, strict=True)), "bias:", bias)
    assistant.config = replace(assistant.config, **fitted)  # type: ignore[arg-type]
    print(f"{len(tuning)} tuning questions")
    threshold = round(pick_threshold(outcomes(assistant, tuning)), 3)
    chosen = {f"{'multilingual_' if crosslingual else ''}refusal_threshold": threshold}
    assistant.config = replace(assistant.config, **chosen)  # type: ignore[arg-type]
    for name, value in {**fitted, **chosen}.items():
        print(f"{name} = {value}")
    held_out = [(f"held-out {path.name}", read([path])) for path in args.held_out]
    for name, questions in [("tuning", tuning), *held_out]:
        for language, part in _by_language(questions):
            refused_u, refused_a, correct = rates(outcomes(assistant, part), threshold)
            print(
                f"{name}{language}: {len(part)} questions, unanswerable refused {refused_u:.0%}, "
                f"answerable refused {refused_a:.0%}, answered with the gold fact {correct:.0%}"
            )


def _by_language(questions: list[dict]) -> list[tuple[str, list[dict]]]:
    """The whole set, then its English and Hindi questions apart when it holds both."""
    from index import language_of

    parts = {
        lang: [q for q in questions if language_of(q["question"]) == lang] for lang in ("en", "hi")
    }
    if not all(parts.values()):
        return [("", questions)]
    return [("", questions), *((f" ({lang} questions)", part) for lang, part in parts.items())]


if __name__ == "__main__":
    main()
