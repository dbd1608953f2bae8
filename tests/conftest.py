"""Shared fixtures: one real index of documents/, built once per session with the bundled model."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import Assistant, AssistantConfig  # noqa: E402
from assistant.generation.checks import Checker, checker_for  # noqa: E402
from index import IndexConfig, build_index  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = REPO / "documents"
QUESTIONS = REPO / "benchmarks" / "questions"


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """storage/ for documents/, built once with the real model."""
    storage = tmp_path_factory.mktemp("storage")
    build_index(IndexConfig(documents_dir=DOCUMENTS, storage_dir=storage))
    return storage


@pytest.fixture(scope="session")
def assistant(storage_dir: Path) -> Assistant:
    """An assistant over documents/."""
    return Assistant.open(AssistantConfig(index=IndexConfig(storage_dir=storage_dir)))


@pytest.fixture(scope="session")
def checker(assistant: Assistant) -> Checker:
    """The verifier over documents/, as `assistant check` and generated answers use it."""
    return checker_for(assistant.index, assistant.config)


def make_index(documents: Path, storage: Path) -> Assistant:
    """Build an index of a small folder a test made, and open it."""
    build_index(IndexConfig(documents_dir=documents, storage_dir=storage))
    return Assistant.open(AssistantConfig(index=IndexConfig(storage_dir=storage)))


@contextmanager
def ui_process(storage: Path, port: int, log: Path, *args: str) -> Iterator[str]:
    """`assistant ui` in its own process (bound as its flags say); yields its loopback URL."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "ui", "--storage", str(storage)]
            + ["--port", str(port), *args],
            cwd=REPO,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(f"{url}config", process, log)
        yield url
    finally:
        stop(process)


def wait_until_serving(
    ready_url: str, process: subprocess.Popen, log: Path, limit: float = 120
) -> None:
    """Poll `ready_url` until it answers 200; a server that exits or never answers fails."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the server did not start in {limit} s: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate a server the test started; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def holds_writer_lock(pid: int, storage: Path) -> bool:
    """Whether the process holds the storage folder's writer lock (its flock on storage/.lock).

    Matching the lock file, not only the process: libraries take POSIX read locks of their own,
    and those outlive the writer lock, which a test would then take for a writer still at work.
    """
    try:
        inode = str((storage / ".lock").stat().st_ino)
    except FileNotFoundError:
        return False
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()  # "1: FLOCK ADVISORY WRITE <pid> <major>:<minor>:<inode> 0 EOF"
        if fields[1:2] == ["FLOCK"] and fields[4] == str(pid) and fields[5].endswith(f":{inode}"):
            return True
    return False
