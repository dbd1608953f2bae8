"""A chunk's multilingual vector from its sentences' vectors, stored at sync and read at load."""

from __future__ import annotations

import numpy as np

# The stored file; indexes written before it existed get it computed at load, and stored by the
# next `assistant index` (sync/commit.py).
MEANS_FILE = "multilingual_chunks.npy"


def chunk_means(sentences: np.ndarray, counts: list[int]) -> np.ndarray:
    """The normalized mean of each chunk's sentence vectors (float32, one row per chunk).

    Embedding sentences alone halves what the slow model reads (a chunk is its sentences); the
    mean of their e5 vectors is what e5 itself pools over tokens (README "Retrieval quality").
    """
    if not len(sentences):
        return np.zeros((len(counts), sentences.shape[1]), dtype=np.float32)
    sizes = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    # Summed by position in the chunk (every chunk's first sentence, then second...): a few
    # vectorized passes, 3x faster than np.add.reduceat over float16 rows, and no float32 copy of
    # all sentences. Still 0.9-1.5 s at 50,000 chunks: why it is stored, not redone per load.
    sums = np.zeros((len(sizes), sentences.shape[1]), dtype=np.float32)
    for position in range(int(sizes.max(initial=0))):
        longer = np.flatnonzero(sizes > position)
        sums[longer] += sentences[starts[longer] + position]
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.asarray(sums / np.maximum(norms, 1e-9), dtype=np.float32)
