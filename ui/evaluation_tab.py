"""The Evaluation tab: run a shipped or uploaded test set through `assistant eval`'s code path."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import Assistant
from assistant.config import MODES
from assistant.evalsets import read_evalset
from assistant.evaluation import run_evaluation
from ui.evaluation_views import report_html

SHIPPED = Path(__file__).resolve().parent.parent / "benchmarks" / "questions"
GOLD = "documents-gold.jsonl"
MAX_QUESTIONS = 200
MAX_SECONDS = 600.0
MAX_SET_BYTES = 20 * 2**20  # an uploaded set, or a zipped BEIR folder once unpacked
SET_TYPES = [".jsonl", ".json", ".zip"]
# One evaluation at a time: each one uses every core for a while.
_RUNNING = threading.Lock()


def shipped_sets() -> list[str]:
    """The question sets in benchmarks/questions that `assistant eval` reads."""
    names = []
    for path in sorted(SHIPPED.glob("*.jsonl")) if SHIPPED.is_dir() else []:
        try:
            read_evalset(path)
        except ValueError:
            continue
        names.append(path.name)
    return sorted(names, key=lambda name: name != GOLD)


def build_evaluation_tab(assistant: Assistant) -> None:
    """Set choice, limits, a run button with progress, and the report."""
    work = Path(tempfile.mkdtemp(prefix="assistant-ui-eval-"))
    # Reports are downloaded from here while the app runs; nothing of it outlives the server.
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    sets = shipped_sets()
    with gr.Row():
        shipped = gr.Dropdown(sets, value=sets[0] if sets else None, label="Shipped set")
        uploaded = gr.File(
            file_types=SET_TYPES,
            label="…or upload a set (.jsonl, llama-index .json, zipped BEIR folder)",
            elem_id="eval-upload",
        )
    with gr.Row():
        retrievers = gr.CheckboxGroup(list(MODES), value=list(MODES), label="Retrievers")
        limit = gr.Slider(1, MAX_QUESTIONS, value=50, step=1, label="Questions (at most)")
    run = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
    result = gr.HTML("", elem_id="eval-report", js_on_load=None)

    def evaluate(
        name: str | None,
        upload: str | None,
        modes: list[str],
        count: float,
        progress: Any = gr.Progress(),  # noqa: B008
    ) -> str:
        try:
            path = _set_path(name, upload, work)
            if not modes:
                raise ValueError("Choose at least one retriever")
            deadline = time.monotonic() + MAX_SECONDS

            def report(stage: str, done: int, total: int) -> None:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"stopped after {MAX_SECONDS:.0f} s; use fewer questions")
                progress((done, total), desc=f"Evaluating: {stage}", unit="questions")

            if not _RUNNING.acquire(blocking=False):
                raise ValueError("Another evaluation is running; try again when it ends")
            try:
                out = work / f"run-{time.time_ns()}"
                figures = run_evaluation(
                    path, assistant.config, out, "all", int(count), modes, report
                )
            finally:
                _RUNNING.release()
        except (ValueError, OSError, zipfile.BadZipFile) as problem:
            return f'<p class="eval-error">Evaluation not run: {_escape(str(problem))}</p>'
        return report_html(figures, out)

    run.click(evaluate, [shipped, uploaded, retrievers, limit], result, api_visibility="private")


def _set_path(name: str | None, upload: str | None, work: Path) -> Path:
    if upload:
        path = Path(upload)
        if path.stat().st_size > MAX_SET_BYTES:
            raise ValueError(f"the set is over {MAX_SET_BYTES // 2**20} MB")
        return _unzipped(path, work) if path.suffix == ".zip" else path
    if not name or name not in shipped_sets():
        raise ValueError("Choose a shipped set or upload one")
    return SHIPPED / name


def _unzipped(path: Path, work: Path) -> Path:
    """A zipped BEIR folder, unpacked with every name checked to stay inside its folder."""
    target = work / f"beir-{time.time_ns()}"
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_SET_BYTES or len(members) > 10_000:
            raise ValueError(f"the unpacked set is over {MAX_SET_BYTES // 2**20} MB")
        for member in members:
            parts = Path(member.filename).parts
            if member.filename.startswith("/") or ".." in parts or "\\" in member.filename:
                raise ValueError(f"the archive holds an unsafe name {member.filename!r}")
        archive.extractall(target)
    queries = next(target.rglob("queries.jsonl"), None)
    if queries is None:
        raise ValueError("the archive holds no queries.jsonl (a BEIR folder)")
    return queries.parent


def _escape(text: str) -> str:
    import html

    return html.escape(text)
