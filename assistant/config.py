"""Typed, frozen settings for answering, read from ASSISTANT_* variables (CLI flags override)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from index import IndexConfig, config_from_env

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class LLMConfig:
    """The optional generator: `spec` names the backend (assistant/generation/backends.py)."""

    spec: str = "none"
    temperature: float = 0.1
    timeout: float = 60.0  # seconds for a whole generated answer, never unbounded
    context_window: int = 4096
    max_tokens: int = 150  # short answers: small models ramble and repeat past that

    @property
    def enabled(self) -> bool:
        """Whether an LLM writes answers (otherwise they are extractive)."""
        return self.spec.strip() not in ("", "none")


@dataclass(frozen=True)
class VerifierConfig:
    """Thresholds of the verifier (assistant/generation/checks.py).

    Fitted on the claims set's fit split by benchmarks/quality/claims_report.py; the held-out
    split is only reported.
    """

    # Fitted values (README, "Generated answers"): leximin on the fit split, full ties strictest.
    coverage: float = 0.25  # share of a statement's word weight found in same-language evidence
    cross_coverage: float = 0.25  # the same across scripts, where only names and numbers match
    similarity: float = 0.35  # cosine with English evidence (the model reads English only)
    # multilingual-e5's cosine, for Hindi statements or evidence (in an index with e5 vectors).
    multilingual_similarity: float = 0.8
    # An e5 cosine this high passes a cross-script statement whatever its coverage (> 0).
    cross_rescue: float = 0.9


@dataclass(frozen=True)
class AssistantConfig:
    """How questions are answered; the refusal numbers come from benchmarks/refusal_threshold.py."""

    index: IndexConfig = IndexConfig()
    mode: str = "hybrid"
    top_k: int = 5
    max_sentences: int = 3
    # Chance that a sentence answers = logistic(sentence_bias + sentence_weights . features), the
    # features named in assistant/answering.py FEATURES. Weights and threshold were fitted by
    # benchmarks/refusal_threshold.py on benchmarks/questions/documents-tuning*.jsonl (README,
    # "How refusals are decided"); the held-out gold set is only reported.
    sentence_weights: tuple[float, ...] = (2.297, 3.694, 0.838, 2.154, 1.681, 0.578)
    sentence_bias: float = -7.592
    refusal_threshold: float = 0.115
    # The same model for questions only e5 reads (Hindi), with e5's cosine, in an index with e5
    # vectors; fitted by the same script on those tuning questions.
    e5_sentence_weights: tuple[float, ...] = (3.015, 2.58, 1.032, 1.355, 1.583, -0.011)
    e5_sentence_bias: float = -6.817
    e5_refusal_threshold: float = 0.1
    # The model for sentences in another language than the question's (answering.py
    # CROSSLINGUAL_FEATURES), in an index with multilingual-e5 vectors; fitted by the same script
    # on the same tuning sets plus documents-crosslingual-tuning.jsonl.
    crosslingual_weights: tuple[float, ...] = (5.025, -2.905, 1.129, 1.727, 2.371, -2.203)
    crosslingual_bias: float = -6.561
    # Each model's threshold refuses the sentences it scored (answering.py answer_from); the
    # Hindi and cross-lingual models share one, picked on the same questions.
    multilingual_refusal_threshold: float = 0.1
    # Chunks in another language than the question's that the answerer reads beyond top_k (in an
    # index with e5 vectors): in a mixed folder the question's own language often fills the top.
    # Three, not two (round six): one more English->Hindi tuning question and one more
    # Hindi->English validation question held the gold fact, nothing else moved; four as three.
    crosslingual_chunks: int = 3
    # A further sentence is cited only if its chance is at least this share of the best one's:
    # low, because two- and three-part questions need the companions (answers stay 1-3 sentences).
    companion_ratio: float = 0.3
    max_question_chars: int = 2000
    llm: LLMConfig = LLMConfig()
    verifier: VerifierConfig = VerifierConfig()

    @property
    def storage_dir(self) -> Path:
        """Where the index lives (shared with the index package's config)."""
        return self.index.storage_dir

    def with_overrides(self, **overrides: object) -> AssistantConfig:
        """A copy with the given fields replaced, skipping those left as None."""
        storage = overrides.pop("storage_dir", None)
        changes = {k: v for k, v in overrides.items() if v is not None}
        config = replace(self, **changes)  # type: ignore[arg-type]
        if storage is not None:
            config = replace(
                config, index=config.index.with_overrides(storage_dir=Path(str(storage)))
            )
        if config.mode not in MODES:
            raise ValueError(
                f"Unknown retrieval mode {config.mode!r}: use one of {', '.join(MODES)}"
            )
        return config


def assistant_config_from_env(environ: Mapping[str, str] | None = None) -> AssistantConfig:
    """Read ASSISTANT_MODE, ASSISTANT_TOP_K and ASSISTANT_LLM* on top of the index settings."""
    env = os.environ if environ is None else environ
    top_k = env.get("ASSISTANT_TOP_K")
    return AssistantConfig(index=config_from_env(env), llm=llm_config_from_env(env)).with_overrides(
        mode=env.get("ASSISTANT_MODE"), top_k=int(top_k) if top_k else None
    )


def llm_config_from_env(env: Mapping[str, str], spec: str | None = None) -> LLMConfig:
    """ASSISTANT_LLM and its _TEMPERATURE, _TIMEOUT, _CONTEXT, _MAX_TOKENS; `spec` wins."""
    defaults = LLMConfig()

    def number(name: str, default: float) -> float:
        value = env.get(f"ASSISTANT_LLM_{name}")
        try:
            return float(value) if value else default
        except ValueError:
            raise ValueError(f"ASSISTANT_LLM_{name} must be a number, not {value!r}") from None

    return LLMConfig(
        spec=spec or env.get("ASSISTANT_LLM") or defaults.spec,
        temperature=number("TEMPERATURE", defaults.temperature),
        timeout=number("TIMEOUT", defaults.timeout),
        context_window=int(number("CONTEXT", defaults.context_window)),
        max_tokens=int(number("MAX_TOKENS", defaults.max_tokens)),
    )
