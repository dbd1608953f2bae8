"""LLM backends from a spec string, built through llama-index's LLM integrations."""

from __future__ import annotations

import logging
import os
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.config import LLMConfig

log = logging.getLogger(__name__)

KINDS = ("none", "openai", "ollama", "gguf")
SPEC_HELP = "none, openai:MODEL@BASE_URL, ollama:MODEL[@URL], gguf:PATH or gguf:gemma-3-270m"
API_KEY_ENV = "ASSISTANT_LLM_API_KEY"
OLLAMA_URL = "http://127.0.0.1:11434"
GEMMA = "gemma-3-270m"


class LLMUnavailable(RuntimeError):
    """The configured LLM cannot be used (not installed, bad spec, missing file)."""


@dataclass(frozen=True)
class BackendSpec:
    """A parsed `--llm` value: which integration, which model, and where it runs."""

    kind: str
    model: str = ""
    url: str = ""


def parse_spec(spec: str) -> BackendSpec:
    """`openai:MODEL@URL` -> BackendSpec("openai", MODEL, URL); a clear ValueError otherwise."""
    text = (spec or "none").strip()
    if text == "none":
        return BackendSpec("none")
    kind, _, rest = text.partition(":")
    model, _, url = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if kind not in KINDS or not model:
        raise ValueError(f"Unknown LLM {spec!r}: use {SPEC_HELP}")
    if kind == "openai" and not url.startswith(("http://", "https://")):
        raise ValueError(f"LLM {spec!r} needs a server address: openai:MODEL@http://HOST:PORT/v1")
    if kind == "gguf" and url:
        model = rest  # a path may hold '@'
    return BackendSpec(kind, model, url if kind != "gguf" else "")


def make_llm(config: LLMConfig) -> Any:
    """The llama-index LLM for `config.spec`; built once per configuration (a GGUF loads once)."""
    return _cached_llm(config)


def exclusive(config: LLMConfig) -> AbstractContextManager[Any]:
    """A lock for a model run in this process: one llama.cpp context serves one request at a time.

    Servers take concurrent requests, so they get no lock.
    """
    return _model_lock(config.spec) if parse_spec(config.spec).kind == "gguf" else nullcontext()


@lru_cache(maxsize=8)
def _model_lock(spec: str) -> threading.Lock:
    return threading.Lock()


@lru_cache(maxsize=4)
def _cached_llm(config: LLMConfig) -> Any:
    spec = parse_spec(config.spec)
    try:
        if spec.kind == "openai":
            return _openai(spec, config)
        if spec.kind == "ollama":
            return _ollama(spec, config)
        if spec.kind == "gguf":
            return _gguf(spec, config)
    except ImportError as error:
        raise LLMUnavailable(
            f"{spec.kind} LLMs need the llm extra: pip install 'doc-assistant[llm]' ({error})"
        ) from None
    raise LLMUnavailable("no LLM is configured (--llm none)")


def _openai(spec: BackendSpec, config: LLMConfig) -> Any:
    from llama_index.llms.openai_like import OpenAILike

    # Chat-only servers reject the completions route, and OpenAILike guesses a tiny context
    # window unless told: both are explicit. No retries: the caller's timeout is the bound.
    return OpenAILike(
        model=spec.model,
        api_base=spec.url,
        api_key=os.environ.get(API_KEY_ENV) or "none",
        is_chat_model=True,
        context_window=config.context_window,
        max_tokens=config.max_tokens,
        temperature=config.temperature,
        timeout=config.timeout,
        max_retries=0,
    )


def _ollama(spec: BackendSpec, config: LLMConfig) -> Any:
    from llama_index.llms.ollama import Ollama

    return Ollama(
        model=spec.model,
        base_url=spec.url or OLLAMA_URL,
        request_timeout=config.timeout,  # its own default is 30 s
        context_window=config.context_window,
        temperature=config.temperature,
        additional_kwargs={"num_predict": config.max_tokens},
    )


def _gguf(spec: BackendSpec, config: LLMConfig) -> Any:
    from llama_index.llms.llama_cpp import LlamaCPP

    from assistant.generation.gemma import gemma_path
    from assistant.generation.templates import gemma_messages_to_prompt, plain_completion

    path = gemma_path() if spec.model == GEMMA else Path(spec.model).expanduser()
    # LlamaCPP downloads a 13B model when the path is missing: never let it get that far.
    if not path.is_file():
        raise LLMUnavailable(f"GGUF model file not found: {path}")
    log.info("loading %s", path)
    return LlamaCPP(
        model_path=str(path),
        temperature=config.temperature,
        max_new_tokens=config.max_tokens,
        context_window=config.context_window,
        # Without these LlamaCPP formats every chat in Llama 2's template, whatever the model.
        messages_to_prompt=gemma_messages_to_prompt,
        completion_to_prompt=plain_completion,
        generate_kwargs={"repeat_penalty": 1.3, "stop": ["<end_of_turn>", "\n\n\n"]},
        # One thread per physical core (half the logical ones): on a busy 2-core machine two
        # threads generated five times slower than one (they spin waiting for each other).
        model_kwargs={"n_threads": max(1, (os.cpu_count() or 2) // 2)},
        verbose=False,
    )
