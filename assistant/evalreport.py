"""Present an evaluation report: a terminal table, report.json, report.md and a recall@k plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answers import Answer
    from assistant.evalsets import Question

# Answers are cut in report.md to keep the list scannable; report.json keeps them whole.
ANSWER_CHARS = 300


def failed_questions(
    questions: list[Question], rankings: dict[str, dict[str, list[str]]], answers: dict[str, Answer]
) -> list[dict[str, Any]]:
    """Questions with no relevant document in a top 10, a wrong refusal or a missed answer."""
    failed = []
    for q in questions:
        ranked = {mode: ranks[q.id] for mode, ranks in rankings.items() if q.id in ranks}
        problems = [
            f"{mode}: no relevant document in the top 10"
            for mode, documents in ranked.items()
            if not set(documents[:10]) & q.relevant.keys()
        ]
        entry: dict[str, Any] = {"id": q.id, "question": q.text, "expected": sorted(q.relevant)}
        if q.id in answers:
            answer = answers[q.id]
            if answer.refused == q.answerable:
                problems.append(
                    "refused an answerable question"
                    if q.answerable
                    else "answered an unanswerable question"
                )
            elif q.answerable and not q.answered_by(answer.answer):
                problems.append("answer misses the gold")
            gold = [list(group) for group in q.answers]
            entry |= {"expected_answer": gold, "answerable": q.answerable, "answer": answer.answer}
            entry["cited"] = sorted({citation.source for citation in answer.citations})
        if problems:
            first = {mode: next(iter(documents), None) for mode, documents in ranked.items()}
            failed.append(entry | {"problems": problems, "ranked_first": first})
    return failed


def format_table(report: dict[str, Any]) -> str:
    """The figures as Markdown tables, which read well in a terminal and in report.md alike."""
    lines = [_summary(report), "", *_md_table(*_retrieval_rows(report))]
    if report["answers"]:
        lines += ["", f"Answers ({report['mode']} retrieval):", ""]
        lines += _md_table(
            list(report["answers"]), [[_cell(v) for v in report["answers"].values()]]
        )
    return "\n".join(lines)


def write_report(report: dict[str, Any], out: Path) -> list[Path]:
    """Write report.json, report.md and recall.png into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md", out / "recall.png"]
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    plot_recall(report, paths[2])
    return paths


def markdown(report: dict[str, Any]) -> str:
    """The report for reading: figures first, then every failed question with what was expected."""
    lines = [f"# Evaluation of `{report['set']}`", "", format_table(report), ""]
    lines += ["![recall@k per retriever](recall.png)", ""]
    lines.append(f"## Failed questions ({len(report['failures'])})")
    for failure in report["failures"]:
        first = ", ".join(f"{mode} `{source}`" for mode, source in failure["ranked_first"].items())
        lines += [
            "",
            f"- **{failure['id']}** {failure['question']}",
            f"  - problems: {'; '.join(failure['problems'])}",
            f"  - expected: {', '.join(f'`{s}`' for s in failure['expected']) or 'no document'}",
        ]
        if first:
            lines.append(f"  - ranked first: {first}")
        if "answer" in failure:
            gold = " and ".join(" or ".join(group) for group in failure["expected_answer"])
            lines.append(
                f"  - expected answer: {gold or ('any' if failure['answerable'] else 'a refusal')}"
            )
            lines.append(f"  - answer: {' '.join(failure['answer'][:ANSWER_CHARS].split())}")
            lines.append(f"  - cited: {', '.join(failure.get('cited', [])) or 'nothing'}")
    return "\n".join(lines) + "\n"


def plot_recall(report: dict[str, Any], path: Path) -> None:
    """Recall@k per retriever, one line each, on a log-scaled k axis."""
    # The Figure API renders with Agg and leaves pyplot's global backend alone (the UI may run).
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 4), layout="constrained")
    axes = figure.subplots()
    for mode, metrics in report["retrievers"].items():
        cutoffs = [int(name[2:]) for name in metrics if name.startswith("R@")]
        axes.plot(cutoffs, [metrics[f"R@{k}"] for k in cutoffs], marker="o", label=mode)
    axes.set_xscale("log")  # before the ticks: changing the scale resets them
    axes.set_xticks(cutoffs, [str(k) for k in cutoffs])
    axes.minorticks_off()
    axes.set_ylim(0, 1.02)
    axes.set(xlabel="k (documents)", ylabel="recall@k", title=Path(report["set"]).name)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.savefig(path, dpi=120)


def _retrieval_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    names = next((list(m) for m in report["retrievers"].values() if m), [])
    rows = [[mode, *(_cell(m.get(n)) for n in names)] for mode, m in report["retrievers"].items()]
    return ["retriever", *names], rows


def _summary(report: dict[str, Any]) -> str:
    return (
        f"{report['format']} set, split {report['split']}: {report['questions']} questions "
        f"({report['judged']} with relevant documents, documents ranked by their best chunk), "
        f"{len(report['failures'])} failed; {report['seconds']} s"
    )


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _cell(value: object) -> str:
    if not isinstance(value, float):
        return "-" if value is None else str(value)
    # Shares read best with three decimals, milliseconds with one.
    return f"{value:.3f}" if value <= 1 else f"{value:.1f}"
