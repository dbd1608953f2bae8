"""Choose the answerer's dense weight and refusal threshold from a question set, and print why.

    .venv/bin/python benchmarks/refusal_threshold.py [--questions FILE...] [--storage DIR]

For every weight, each question is answered with refusal switched off; its best sentence score
and whether the answer holds the gold facts are kept. A threshold then refuses every question
whose best score falls under it. We pick the pair that refuses the most unanswerable questions
while refusing at most 10% of answerable ones, breaking ties by correct answers.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant import Assistant, AssistantConfig
from index import IndexConfig, build_index

REPO = Path(__file__).resolve().parent.parent
TUNING = REPO / "benchmarks/questions"
WEIGHTS = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
THRESHOLDS = np.round(np.arange(0.20, 0.80, 0.01), 2)
MAX_WRONG_REFUSALS = 0.10


def holds_facts(text: str, groups: list[list[str]]) -> bool:
    """True when the text contains one string of every group (case-insensitive)."""
    lowered = text.lower()
    return all(any(option.lower() in lowered for option in group) for group in groups)


def measure(
    assistant: Assistant, questions: list[dict], weight: float
) -> list[tuple[float, bool, bool]]:
    """Per question: (best score, answerable, answer correct) with refusals switched off."""
    assistant.config = replace(assistant.config, dense_weight=weight, refusal_threshold=-1.0)
    rows = []
    for q in questions:
        answer = assistant.ask(q["question"])
        best = max((c.score for c in answer.citations), default=0.0)
        correct = q["answerable"] and holds_facts(answer.answer, q["answer_contains"])
        rows.append((best, q["answerable"], correct))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    tuning_files = sorted(TUNING.glob("documents-tuning*.jsonl"))
    parser.add_argument("--questions", nargs="+", default=tuning_files)
    parser.add_argument("--storage", default="/tmp/doc-assistant-threshold-storage")
    args = parser.parse_args()
    questions = [
        json.loads(line)
        for path in args.questions
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    index_config = IndexConfig(documents_dir=REPO / "documents", storage_dir=Path(args.storage))
    build_index(index_config)
    assistant = Assistant.open(AssistantConfig(index=index_config))
    answerable = sum(q["answerable"] for q in questions)
    unanswerable = len(questions) - answerable
    print(f"{len(questions)} questions: {answerable} answerable, {unanswerable} not")
    print("weight threshold  unanswerable-refused  answerable-refused  answered-correctly")
    best_key, best_pick = None, None
    for weight in WEIGHTS:
        rows = measure(assistant, questions, weight)
        for threshold in THRESHOLDS:
            refused_u = sum(1 for s, a, _ in rows if not a and s < threshold) / unanswerable
            refused_a = sum(1 for s, a, _ in rows if a and s < threshold) / answerable
            correct = sum(1 for s, a, c in rows if a and c and s >= threshold) / answerable
            if refused_a <= MAX_WRONG_REFUSALS:
                key = (round(refused_u, 3), round(correct, 3), -threshold)
                if best_key is None or key > best_key:
                    best_key, best_pick = key, (weight, threshold, refused_u, refused_a, correct)
        scores = ", ".join(f"{s:.2f}{'' if a else '*'}" for s, a, _ in sorted(rows))
        print(f"weight {weight}: best scores (* = unanswerable): {scores}")
    assert best_pick is not None
    weight, threshold, refused_u, refused_a, correct = best_pick
    print(
        f"chosen: dense_weight={weight} refusal_threshold={threshold:.2f}: unanswerable refused "
        f"{refused_u:.0%}, answerable refused {refused_a:.0%}, answered correctly {correct:.0%}"
    )


if __name__ == "__main__":
    main()
