"""Tokens, texts and seconds each embedding model spends in one measured build (tokens/s per model).

Wraps the two functions a build sends text through: MiniLM's `embed` and e5's `embed_passages`.
Tokens are counted with each model's own tokenizer, after the timed call, so counting costs
nothing measured. Stand-in builds (bench_worker.py) are metered too, but their seconds are not
the model's, so the report leaves their tokens/s out.
"""

from __future__ import annotations

import time
from typing import Any


def meter_models() -> dict[str, dict[str, float]]:
    """Start metering; the returned dict fills in as the build embeds."""
    import index.embedding.multilingual as e5
    import index.sync.build as building

    meters = {name: {"texts": 0, "tokens": 0, "seconds": 0.0} for name in ("minilm", "e5")}
    minilm = building.embed

    def minilm_metered(model_path: str, texts: list[str]) -> Any:
        found = _timed(meters["minilm"], lambda: minilm(model_path, texts), texts)
        meters["minilm"]["tokens"] += _minilm_tokens(model_path, texts)
        return found

    passages = e5.embed_passages

    def e5_metered(texts: list[str]) -> Any:
        found = _timed(meters["e5"], lambda: passages(texts), texts)
        meters["e5"]["tokens"] += sum(e5.token_count(text) for text in texts)
        return found

    building.embed = minilm_metered  # type: ignore[assignment]
    e5.embed_passages = e5_metered  # type: ignore[assignment]
    return meters


def rates(meters: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Each model's texts, tokens, seconds and tokens/s, for the report."""
    return {
        name: meter | {"tokens_per_s": round(meter["tokens"] / meter["seconds"])}
        for name, meter in meters.items()
        if meter["seconds"] > 0
    }


def _timed(meter: dict[str, float], call: Any, texts: list[str]) -> Any:
    started = time.perf_counter()
    found = call()
    meter["seconds"] = round(meter["seconds"] + time.perf_counter() - started, 3)
    meter["texts"] += len(texts)
    return found


def _minilm_tokens(model_path: str, texts: list[str]) -> int:
    from index.embedding.minilm import _encoder

    _, tokenizer = _encoder(model_path)
    return sum(len(encoding.ids) for encoding in tokenizer.encode_batch(texts))
