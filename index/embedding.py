"""Load the sentence-transformers model offline and turn texts into normalized float32 vectors."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def load_embedder(model_path: str) -> SentenceTransformer:
    """Load once per process; HF_HUB_OFFLINE keeps any code path from reaching for the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # Loading bars from transformers would clutter the CLI's own progress and answers.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise RuntimeError(
            "sentence-transformers is missing: pip install torch==2.13.0 sentence-transformers"
        ) from error
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    log.info("Loading embedding model %s", model_path)
    return SentenceTransformer(model_path, device="cpu", local_files_only=True)


def embed(model_path: str, texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors, one row per text, so inner product is cosine similarity."""
    model = load_embedder(model_path)
    if not texts:
        return np.zeros((0, dimension_of(model_path)), dtype=np.float32)
    vectors = model.encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def dimension_of(model_path: str) -> int:
    """The model's output dimension, recorded in the manifest and checked on load."""
    dimension = load_embedder(model_path).get_embedding_dimension()
    if dimension is None:
        raise RuntimeError(f"Model {model_path} does not report an embedding dimension")
    return int(dimension)
