"""Crash safety: kill -9 `assistant index` at 24 moments; storage always loads, old or new, whole.

Moments are spread over the run by watching the child from outside (no hook in the product):
start-up before it takes the writer lock, then the locked phase (load, embed), then from the
moment its .building-* directory appears (save, fsync, checksum, rename, pointer switch).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import holds_writer_lock

from assistant import Assistant, AssistantConfig
from index import IndexConfig, build_index, open_index
from ui.cli import main

ASSISTANT = str(Path(sys.executable).parent / "assistant")
BASE = {
    "monsoon.txt": "Monsoon notes\n\nThe monsoon reached Kerala on June 1. It rained for days.",
    "budget.txt": "Budget notes\n\nThe council approved 12 million rupees for new schools.",
}
QUESTION = "When did the monsoon reach Kerala?"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks"),
]


def state_of(folder: Path) -> dict[str, str]:
    """What a complete index of the folder records: each file's SHA-256."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def change(folder: Path, trial: int) -> None:
    """New text to embed every trial, and a file that comes and goes."""
    lines = [
        f"Report {trial} line {n}: the river rose {trial + n} cm at gauge {n}." for n in range(30)
    ]
    (folder / "report.txt").write_text(f"River report {trial}\n\n" + " ".join(lines))
    extra = folder / "extra.txt"
    if trial % 2:
        extra.write_text(f"Extra {trial}\n\nA note that exists in odd trials only, number {trial}.")
    elif extra.exists():
        extra.unlink()


def building(storage: Path) -> bool:
    return any(storage.glob(".building-*"))


def start(config: IndexConfig) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [ASSISTANT, "index", str(config.documents_dir), "--storage", str(config.storage_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def wait_until(condition, child: subprocess.Popen[bytes], limit: float = 120) -> float:  # type: ignore[no-untyped-def]
    """Seconds until condition() holds; inf if the child ended first."""
    started = time.monotonic()
    while not condition():
        if child.poll() is not None:
            return float("inf")
        assert time.monotonic() - started < limit, "the indexer hung"
        time.sleep(0.002)
    return time.monotonic() - started


def pointer(storage: Path) -> str:
    return (storage / "CURRENT").read_text()


def calibrate(config: IndexConfig) -> tuple[float, float, float]:
    """Seconds from spawn to the lock, from the lock to .building-*, and from it to the commit."""
    change(config.documents_dir, 0)
    before = pointer(config.storage_dir)
    child = start(config)
    to_lock = wait_until(lambda: holds_writer_lock(child.pid, config.storage_dir), child)
    to_building = wait_until(lambda: building(config.storage_dir), child)
    to_commit = wait_until(lambda: pointer(config.storage_dir) != before, child)
    assert child.wait(timeout=120) == 0
    return to_lock, to_building, to_commit


def schedule(to_lock: float, to_building: float, to_commit: float) -> list[tuple[str, float]]:
    """24 (phase, delay) pairs: 4 in start-up, 10 while locked, 10 while writing and committing."""
    moments = [("start-up", to_lock * k / 4) for k in range(4)]
    moments += [("locked", to_building * k / 10) for k in range(10)]
    # The commit takes tens of milliseconds and varies: most kills straddle it, two land well
    # after it, in the clean-up of the old generation and the exit.
    moments += [("writing", to_commit * 2 * k / 8) for k in range(8)]
    moments += [("writing", 0.3), ("writing", 1.0)]
    return moments


def test_kill_9_at_24_moments_leaves_the_last_complete_index(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    for name, text in BASE.items():
        (documents / name).write_text(text)
    config = IndexConfig(documents_dir=documents, storage_dir=tmp_path / "storage")
    build_index(config)
    to_lock, to_building, to_commit = calibrate(config)
    outcomes: Counter[tuple[str, str]] = Counter()
    for trial, (phase, delay) in enumerate(schedule(to_lock, to_building, to_commit), start=1):
        old = state_of(documents)
        change(documents, trial)
        new = state_of(documents)
        child = start(config)
        if phase != "start-up":
            wait_until(lambda pid=child.pid: holds_writer_lock(pid, config.storage_dir), child)
        if phase == "writing":
            wait_until(lambda: building(config.storage_dir), child)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()

        stored = open_index(config.storage_dir)
        recorded = stored.manifest["documents"]
        assert recorded in (old, new), f"trial {trial} ({phase}, {delay:.3f} s): a mixed index"
        assert sorted(stored.documents) == sorted(recorded)
        for name, document in stored.documents.items():
            assert document.sha256 == recorded[name]
        assert stored.chunk_vectors.ntotal == len(stored.chunks) == stored.bm25.scores["num_docs"]
        assert stored.sentence_vectors.shape[0] == stored.first_sentence[-1]
        answer = Assistant.open(AssistantConfig(index=config)).ask(QUESTION)
        assert not answer.refused and "June 1" in answer.answer
        outcomes[(phase, "new" if recorded == new else "old")] += 1

        assert main(["index", str(documents), "--storage", str(config.storage_dir)]) == 0
        assert open_index(config.storage_dir).manifest["documents"] == new
        assert not list(config.storage_dir.glob(".building-*"))
        assert len(list(config.storage_dir.glob("gen-*"))) == 1
    timing = f"lock at {to_lock:.2f} s, writing {to_building:.2f} s later, commit {to_commit:.3f} s"
    print(f"\n{timing} later; outcomes by phase: {dict(sorted(outcomes.items()))}")
    assert sum(outcomes.values()) == 24
    # The kills must land on both sides of the commit, or the test proved little.
    by_state = Counter(state for (_, state), count in outcomes.items() for _ in range(count))
    assert by_state["old"] >= 5 and by_state["new"] >= 2
