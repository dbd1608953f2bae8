"""Shared fixtures: one real index of documents/, built once per session with the bundled model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import Assistant, AssistantConfig  # noqa: E402
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


def make_index(documents: Path, storage: Path) -> Assistant:
    """Build an index of a small folder a test made, and open it."""
    build_index(IndexConfig(documents_dir=documents, storage_dir=storage))
    return Assistant.open(AssistantConfig(index=IndexConfig(storage_dir=storage)))
