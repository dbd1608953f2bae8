"""Re-sync time after one edited document in a ~10,000-chunk index: in --watch and in new processes.

    .venv/bin/python benchmarks/speed/reindex.py [--chunks 10000] [--work DIR] [--runs 3] \
        [--profile]

The corpus is XQuAD's English and Hindi paragraphs, four per file, repeated under different date
markers until it holds --chunks chunks. Repeated text is embedded once (vectors are reused by text),
so the first build costs minutes, not hours, on a laptop CPU; every sync still handles all 10,000
chunks. Then one file is edited and synced three times in this process (as --watch does), and
--runs times by `assistant index` in a new process each (the issue #4 target: <= 2 s at 10,000
chunks); --profile adds a cProfile split of one such process. A benchmark, not a test: it prints
figures only.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from index import IndexConfig, build_index
from index.sync.build import BuildReport, prepare_next_sync

XQUAD = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "xquad"
PARAGRAPHS_PER_FILE = 4
ASSISTANT = str(Path(sys.executable).with_name("assistant"))
# Where a one-file sync spends its time, by the functions of building.build_index.
PHASES = {
    "load_documents": "read the folder (stat every file, read changed ones)",
    "_previous_index": "open the stored index (manifest, documents, file keys)",
    "_with_vectors": "read stored chunks, vectors and token counts",
    "carry_chunks": "chunk (or carry over stored chunks)",
    "_embed_batched": "embed new text (model load included)",
    "build_vectors": "gather vectors (embedding included)",
    "save_index": "write the new generation (BM25 included)",
    "commit": "manifest, fsync, pointer switch, clean-up",
}


def paragraph_groups() -> list[str]:
    """Four consecutive paragraphs of one article per group, English and Hindi."""
    groups = []
    for language in ("en", "hi"):
        rows = [json.loads(line) for line in open(XQUAD / language / "corpus.jsonl")]
        for start in range(0, len(rows), PARAGRAPHS_PER_FILE):
            groups.append(
                "\n\n".join(row["text"] for row in rows[start : start + PARAGRAPHS_PER_FILE])
            )
    return groups


def write_corpus(folder: Path, target_chunks: int, chunk_chars: int) -> int:
    """Files of paragraph groups under distinct date markers, until about target_chunks chunks."""
    from index.text.chunking import chunk_document

    groups = paragraph_groups()
    per_round = sum(len(chunk_document("x", text, chunk_chars)) for text in groups)
    rounds = -(-target_chunks // per_round)
    for round_number in range(rounds):
        day = (date(2020, 1, 1) + timedelta(days=round_number)).isoformat()
        for number, text in enumerate(groups):
            path = folder / f"r{round_number:02d}" / f"g{number:03d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f" date {day} {text}\n", encoding="utf-8")
    return rounds * len(groups)


def timed_sync(config: IndexConfig, label: str, profile: bool) -> BuildReport:
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    report = build_index(config)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    changes = report.changes
    print(
        f"{label:<28} {seconds:7.2f} s  {report.documents} documents, {report.chunks} chunks; "
        f"{len(changes.added)} added, {len(changes.changed)} changed, "
        f"{len(changes.unchanged)} unchanged; chunks {report.reused_chunks} reused, "
        f"{report.embedded_chunks} embedded ({report.embedded_texts} distinct texts)",
        flush=True,
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return report


def fresh_syncs(config: IndexConfig, edited: Path, runs: int, profile: bool) -> None:
    """`assistant index` in a new process after each one-line edit: wall seconds, then a split."""
    command = [ASSISTANT, "index", str(config.documents_dir), "--storage", str(config.storage_dir)]
    seconds = []
    for run in range(1, runs + 1):
        append_edit(edited, f"new process {run}")
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
        print(f"{f'assistant index ({run})':<28} {seconds[-1]:7.2f} s", flush=True)
    print(f"{'assistant index, median':<28} {statistics.median(seconds):7.2f} s", flush=True)
    if profile:
        append_edit(edited, "profiled")
        with tempfile.NamedTemporaryFile(suffix=".prof") as output:
            profiled = [sys.executable, "-m", "cProfile", "-o", output.name, *command]
            subprocess.run(profiled, check=True, capture_output=True)
            print_split(pstats.Stats(output.name))


def print_split(stats: pstats.Stats) -> None:
    """Cumulative seconds of each phase of build_index, and of start-up before main()."""
    ours = {
        function[2]: row[3]
        for function, row in stats.stats.items()  # type: ignore[attr-defined]
        if "/index/" in function[0] or function[0].endswith("ui/cli.py")
    }
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"profiled `assistant index`: {total:.2f} s (profiling slows it)")
    print(f"  {total - ours['main']:5.2f} s  start-up: interpreter and imports before main()")
    for name, meaning in PHASES.items():
        print(f"  {ours.get(name, 0.0):5.2f} s  {name}: {meaning}")
    stats.sort_stats("cumulative").print_stats(30)


def append_edit(path: Path, label: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\nEdit {label} at {time.time():.3f}: the council met again on Monday.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--work", help="keep the corpus and index here to rerun quickly")
    parser.add_argument("--runs", type=int, default=3, help="new-process syncs to time")
    parser.add_argument("--profile", action="store_true", help="cProfile the edited syncs")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="reindex-"))
    config = IndexConfig(documents_dir=work / "documents", storage_dir=work / "storage")
    if not config.documents_dir.is_dir():
        config.documents_dir.mkdir(parents=True)
        files = write_corpus(config.documents_dir, args.chunks, config.chunk_chars)
        print(f"Wrote {files} files into {config.documents_dir}", flush=True)
    timed_sync(config, "first sync (new process)", False)
    timed_sync(config, "nothing changed", False)
    started = time.perf_counter()
    prepare_next_sync(config)  # what --watch does while it waits for the first change
    print(f"{'tokens prepared (--watch)':<28} {time.perf_counter() - started:7.2f} s", flush=True)
    edited = sorted(config.documents_dir.rglob("*.txt"))[
        len(list(config.documents_dir.rglob("*.txt"))) // 2
    ]
    for attempt in (1, 2, 3):
        append_edit(edited, str(attempt))
        timed_sync(config, f"one file edited ({attempt})", args.profile and attempt == 3)
    # A whole document of text never seen before: every chunk and sentence must be embedded.
    novel = " ".join(reversed(edited.read_text(encoding="utf-8").split()))
    edited.write_text(f"Rewritten at {time.time():.3f}\n\n{novel}\n", encoding="utf-8")
    timed_sync(config, "one file rewritten", False)
    fresh_syncs(config, edited, args.runs, args.profile)
    print(f"Edited {edited.relative_to(config.documents_dir)}; work folder {work}")


if __name__ == "__main__":
    main()
