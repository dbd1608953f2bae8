"""HTML for the Evaluation tab: figures as tables, the recall plot and reports as downloads.

The plot and reports travel inside the page as data: URLs, so no file route is opened for them.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

ANSWER_FIGURES = {
    "answer_recall": "gold fact in the answer",
    "citation_precision": "citations quoting the gold",
    "unanswerable_refused": "unanswerable refused",
    "answerable_answered": "answerable answered",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}
DOWNLOADS = {"report.json": "application/json", "report.md": "text/markdown"}


def report_html(report: dict[str, Any], out: Path) -> str:
    """Summary, per-retriever table, recall@k plot, answer figures, failures and downloads."""
    escape = html.escape
    parts = [
        f"<p>{escape(str(report['questions']))} questions from <code>"
        f"{escape(Path(report['set']).name)}</code> in {report['seconds']} s; "
        f"{len(report['failures'])} failed.</p>",
        _retrievers_table(report["retrievers"]),
    ]
    plot = out / "recall.png"
    if plot.is_file():
        data = base64.b64encode(plot.read_bytes()).decode()
        parts.append(f'<img id="recall-plot" alt="recall@k" src="data:image/png;base64,{data}">')
    if report["answers"]:
        cells = "".join(
            f"<tr><th>{escape(ANSWER_FIGURES.get(k, k))}</th><td>{_cell(v)}</td></tr>"
            for k, v in report["answers"].items()
        )
        parts.append(
            f'<h3>Answers ({escape(report["mode"])})</h3><table id="answer-figures" '
            f'class="doc-table">{cells}</table>'
        )
    parts.append(_failures(report["failures"]))
    parts.append(_downloads(out))
    return "".join(parts)


def _retrievers_table(retrievers: dict[str, dict[str, float]]) -> str:
    names = next((list(m) for m in retrievers.values() if m), [])
    header = "".join(f"<th>{html.escape(n)}</th>" for n in ["retriever", *names])
    rows = "".join(
        f"<tr><td>{html.escape(mode)}</td>{''.join(f'<td>{_cell(m.get(n))}</td>' for n in names)}"
        "</tr>"
        for mode, m in retrievers.items()
    )
    return f'<table id="retrievers" class="doc-table"><tr>{header}</tr>{rows}</table>'


def _failures(failures: list[dict[str, Any]]) -> str:
    escape = html.escape
    items = []
    for failure in failures:
        expected = ", ".join(failure["expected"]) or "no document"
        first = ", ".join(f"{m}: {s}" for m, s in failure.get("ranked_first", {}).items())
        lines = [
            f"<b>{escape(failure['question'])}</b>",
            f"problems: {escape('; '.join(failure['problems']))}",
            f"expected: {escape(expected)}",
        ]
        if first:
            lines.append(f"ranked first: {escape(first)}")
        if "cited" in failure:
            lines.append(f"cited: {escape(', '.join(failure['cited']) or 'nothing')}")
        if "answer" in failure:
            gold = " and ".join(" or ".join(g) for g in failure["expected_answer"])
            lines.append(f"expected answer: {escape(gold or 'any')}")
            lines.append(f"answer: {escape(failure['answer'][:300])}")
        items.append("<li>" + "<br>".join(lines) + "</li>")
    return f'<h3>Failed questions ({len(failures)})</h3><ul id="failures">{"".join(items)}</ul>'


def _downloads(out: Path) -> str:
    links = []
    for name, kind in {**DOWNLOADS, "recall.png": "image/png"}.items():
        path = out / name
        if path.is_file():
            data = base64.b64encode(path.read_bytes()).decode()
            links.append(f'<a download="{name}" href="data:{kind};base64,{data}">{name}</a>')
    return f'<p class="downloads">Download: {" · ".join(links)}</p>'


def _cell(value: object) -> str:
    return "–" if value is None else html.escape(str(value))
