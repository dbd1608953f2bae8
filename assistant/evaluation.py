"""Measure retrieval and answers on a test set: the `assistant eval` command and its metrics."""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import MODES, AssistantConfig
from assistant.evalreport import failed_questions, format_table, write_report
from assistant.evalsets import SPLITS, EvalSet, Question, read_evalset, select

if TYPE_CHECKING:
    from assistant.answers import Answer
    from assistant.assistant import Assistant, Passage

log = logging.getLogger(__name__)
CUTOFFS = (1, 3, 5, 10, 100)
DEPTH = 100  # chunks per question, so that even R@100 ranks documents rather than a few chunks
# Our names -> ranx's; ranx follows trec_eval, so figures compare with published BEIR ones.
METRICS = {"nDCG@10": "ndcg@10", "MRR@10": "mrr@10", "MAP": "map"}
METRICS |= {f"R@{k}": f"recall@{k}" for k in CUTOFFS} | {
    f"Hit@{k}": f"hit_rate@{k}" for k in CUTOFFS
}
Asked = dict[str, tuple["Answer", float]]  # question id -> (answer, milliseconds)
# Called with (stage, questions done, questions in the stage), e.g. by the web app's progress bar.
Progress = Callable[[str, int, int], None]


def add_eval_command(
    commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> None:
    """Register `eval` with the CLI's shared --storage/--top-k/--mode parents."""
    command = commands.add_parser("eval", parents=parents, help="measure retrieval and answers")
    command.add_argument("set", metavar="SET", help="BEIR folder, llama-index .json or .jsonl")
    command.add_argument("--retrievers", help="modes to compare, e.g. bm25,dense,hybrid")
    command.add_argument("--out", default="eval-out", help="report folder (default eval-out/)")
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.add_argument("--limit", type=int, help="only the first N questions (after --split)")
    command.add_argument("--split", choices=SPLITS, default="all", help="half of the set, by order")
    command.set_defaults(command=run_eval_command)


def run_eval_command(args: argparse.Namespace, config: AssistantConfig) -> int:
    """Read the set -> index its corpus -> evaluate -> write and print the report."""
    retrievers = parse_retrievers(args.retrievers, config.mode)
    report = run_evaluation(
        Path(args.set), config, Path(args.out), args.split, args.limit, retrievers
    )
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else format_table(report))
    return 0


def run_evaluation(
    path: Path,
    config: AssistantConfig,
    out: Path,
    split: str = "all",
    limit: int | None = None,
    retrievers: list[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The command's whole run (also the web app's Evaluation tab): the report, written to `out`."""
    from assistant.assistant import Assistant

    started = time.perf_counter()
    evalset = read_evalset(path)
    questions = select(evalset.questions, split, limit)
    assistant = Assistant.open(index_corpus(evalset, config, out))
    # A path typo in `relevant` would otherwise read as a retrieval failure.
    missing = {s for q in questions for s in q.relevant} - assistant.index.documents.keys()
    if missing:
        log.warning("%d relevant documents are not in the index: %s", len(missing), min(missing))
    report: dict[str, Any] = {"set": str(evalset.path), "format": evalset.format, "split": split}
    report |= evaluate(assistant, questions, retrievers or [config.mode], progress)
    report["seconds"] = round(time.perf_counter() - started, 1)
    write_report(report, out)
    return report


def parse_retrievers(text: str | None, default: str) -> list[str]:
    """'bm25,dense' -> ['bm25', 'dense']; none given means the configured mode alone."""
    modes = list(dict.fromkeys(m.strip() for m in (text or default).split(",") if m.strip()))
    if not modes or set(modes) - set(MODES):
        raise ValueError(f"--retrievers takes a comma-separated list of {', '.join(MODES)}")
    return modes


def index_corpus(evalset: EvalSet, config: AssistantConfig, out: Path) -> AssistantConfig:
    """Index the set's own corpus under `out`, keyed by its hash so a second run reuses it."""
    from index import build_index

    if evalset.corpus is None:
        return config
    digest = hashlib.sha256(json.dumps(evalset.corpus, sort_keys=True).encode()).hexdigest()
    home = out / f"corpus-{digest[:16]}"
    if not (home / "documents").is_dir():
        # Written once, then renamed: rewriting files changes their dates, forcing a re-index.
        staging = home / f"documents.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name, text in evalset.corpus.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.rename(home / "documents")
    corpus = config.index.with_overrides(
        documents_dir=home / "documents",
        storage_dir=home / "db",
        multilingual=_multilingual_mode(evalset, config.index.multilingual),
    )
    for outcome in build_index(corpus).outcomes:
        if outcome.status != "indexed":
            log.warning("Corpus document %s not indexed: %s", outcome.source, outcome.reason)
    return config.with_overrides(storage_dir=corpus.storage_dir)


def _multilingual_mode(evalset: EvalSet, configured: str) -> str:
    """Use "always" when questions come in a language the corpus lacks (Hindi over English).

    The index's own rule gives e5 vectors to a folder that holds more than one language; a set
    whose questions cross into a one-language corpus stands for a folder whose users ask in both.
    """
    from index import language_of

    corpus = {language_of(text) for text in (evalset.corpus or {}).values()}
    asked = {language_of(q.text) for q in evalset.questions}
    return "always" if configured == "auto" and asked - corpus else configured


def evaluate(
    assistant: Assistant,
    questions: list[Question],
    modes: list[str],
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Retrieval metrics per mode; answer metrics for the configured mode where gold exists."""
    judged = {q.id: q.relevant for q in questions if q.relevant}
    rankings = {
        mode: {
            q.id: ranked_documents(assistant.search(q.text, DEPTH, mode))
            for q in _bar(mode, questions, progress)
            if q.relevant
        }
        for mode in modes
    }
    asked: Asked = {}
    if any(q.answers or not q.answerable for q in questions):
        asked = {q.id: _timed_ask(assistant, q.text) for q in _bar("answers", questions, progress)}
    return {
        "questions": len(questions),
        "judged": len(judged),
        "mode": assistant.config.mode,
        "retrievers": {mode: retrieval_metrics(judged, ranks) for mode, ranks in rankings.items()},
        "answers": answer_metrics(questions, asked) if asked else {},
        "failures": failed_questions(questions, rankings, {q: a for q, (a, _) in asked.items()}),
    }


def ranked_documents(passages: list[Passage]) -> list[str]:
    """Documents in the order of their best chunk: BEIR judges documents, not chunks."""
    return list(dict.fromkeys(passage.source for passage in passages))


def retrieval_metrics(
    relevant: dict[str, dict[str, int]], ranked: dict[str, list[str]]
) -> dict[str, float]:
    """nDCG@10, MRR@10, MAP, R@k and Hit@k over the questions in `relevant`, computed by ranx."""
    import ranx

    if not relevant:
        return {}
    # ranx orders a run by score, so each rank becomes a descending score.
    run = {q: {d: float(len(docs) - i) for i, d in enumerate(docs)} for q, docs in ranked.items()}
    metrics = list(METRICS.values())
    scores = ranx.evaluate(ranx.Qrels(relevant), ranx.Run(run), metrics, make_comparable=True)
    return {name: round(float(scores[metric]), 4) for name, metric in METRICS.items()}


def answer_metrics(questions: list[Question], asked: Asked) -> dict[str, float | None]:
    """Answer recall, citation precision, refusals both ways and ask latency."""
    import numpy as np

    answers = {q.id: asked[q.id][0] for q in questions}
    answerable = [q for q in questions if q.answerable]
    gold = [q for q in answerable if q.answers]
    milliseconds = [ms for _, ms in asked.values()]
    return {
        "answer_recall": _share(
            not answers[q.id].refused and q.answered_by(answers[q.id].answer) for q in gold
        ),
        "citation_precision": _share(
            q.quoted_in(c.quote) for q in gold for c in answers[q.id].citations
        ),
        "unanswerable_refused": _share(
            answers[q.id].refused for q in questions if not q.answerable
        ),
        "answerable_answered": _share(not answers[q.id].refused for q in answerable),
        "latency_p50_ms": round(float(np.percentile(milliseconds, 50)), 1),
        "latency_p95_ms": round(float(np.percentile(milliseconds, 95)), 1),
    }


def _timed_ask(assistant: Assistant, question: str) -> tuple[Answer, float]:
    started = time.perf_counter()
    answer = assistant.ask(question)
    return answer, (time.perf_counter() - started) * 1000


def _share(values: Iterable[bool]) -> float | None:
    results = list(values)
    return round(sum(results) / len(results), 4) if results else None


def _bar(label: str, questions: list[Question], progress: Progress | None) -> Iterable[Question]:
    from tqdm import tqdm

    if progress is not None:
        return _reported(label, questions, progress)
    # disable=None draws only on a terminal, so pipes and --json output stay clean.
    return tqdm(questions, desc=label, unit="q", disable=None, leave=False)


def _reported(label: str, questions: list[Question], progress: Progress) -> Iterable[Question]:
    for done, question in enumerate(questions):
        progress(label, done, len(questions))
        yield question
    progress(label, len(questions), len(questions))
