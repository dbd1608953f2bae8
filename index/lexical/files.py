"""The lexical index on disk: BM25 scores as bm25s saves them, token counts as flat arrays."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from index.lexical import bm25, token_counts
from index.lexical.bm25 import BM25_B, BM25_K1, Scores
from index.lexical.token_counts import KINDS, Counts, TokenTable
from index.text import tokenizing, transliteration


def saved_tokens(table: TokenTable) -> tuple[dict[str, np.ndarray], list[str]]:
    """The table as flat arrays (for np.savez) and the vocabulary their ids index."""
    vocabulary, kinds = table.vocabulary, [table.words, table.sounds]
    used = np.zeros(len(vocabulary), dtype=bool)
    for counts in kinds:
        used[counts.ids] = True
    # Tokens of deleted chunks linger in the vocabulary; renumber once they are most of it.
    if len(vocabulary) > 2 * int(used.sum()) + 1000:
        number = np.cumsum(used) - 1
        vocabulary = [token for token, kept in zip(vocabulary, used.tolist(), strict=True) if kept]
        kinds = [Counts(number[c.ids], c.counts, c.sizes, c.lengths) for c in kinds]
    arrays = {}
    for kind, counts in zip(KINDS, kinds, strict=True):
        arrays[f"{kind}_ids"] = counts.ids.astype(np.int32)
        # Counts are small (a chunk repeats a token a few times): one byte each, not eight.
        top = int(counts.counts.max(initial=0))
        arrays[f"{kind}_counts"] = counts.counts.astype(np.min_scalar_type(top))
        arrays[f"{kind}_sizes"] = counts.sizes.astype(np.int64)
        arrays[f"{kind}_lengths"] = counts.lengths.astype(np.int64)
    return arrays, vocabulary


def restored_tokens(vocabulary: list[str], arrays: Mapping[str, np.ndarray]) -> TokenTable:
    """A table from saved_tokens' arrays and vocabulary."""
    kinds = [
        Counts(*(arrays[f"{kind}_{name}"] for name in ("ids", "counts", "sizes", "lengths")))
        for kind in KINDS
    ]
    for k in kinds:
        if int(k.ids.max(initial=-1)) >= len(vocabulary) or int(k.sizes.sum()) != len(k.ids):
            raise ValueError("saved token counts do not fit together")
    if len(kinds[0].sizes) != len(kinds[1].sizes):
        raise ValueError("saved token counts do not fit together")
    return TokenTable(vocabulary, *kinds)


def bm25_files(scores: Scores) -> dict[str, bytes]:
    """The files bm25s.BM25.save writes for these scores, by name; bm25s.BM25.load reads them."""
    params = {
        "k1": BM25_K1,
        "b": BM25_B,
        "delta": 0.5,
        "method": "lucene",
        "idf_method": "lucene",
        "dtype": "float32",
        "int_dtype": "int32",
        "num_docs": scores.documents,
        "version": _bm25s_version(),
        "backend": "numpy",
    }
    files = {"params.index.json": json.dumps(params, indent=4).encode()}
    files["vocab.index.json"] = json.dumps(scores.vocabulary, ensure_ascii=False).encode()
    for name in ("data", "indices", "indptr"):
        files[f"{name}.csc.index.npy"] = npy_bytes(getattr(scores, name))
    return files


def npy_bytes(array: np.ndarray) -> bytes:
    """An array in .npy format (no pickle), as np.save writes it."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _bm25s_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bm25s")
    except PackageNotFoundError:  # pragma: no cover - bm25s is a dependency
        return "0.0.0"


def tokenizer_fingerprint() -> str:
    """A hash of the tokenizing code: saved token counts are reused only by the same code."""
    # Not TOKENIZER_VERSION alone: a change that forgot to bump it must not leave stale tokens.
    # The code that tokenizes and counts, and this module that saves the counts, all hashed.
    digest = hashlib.sha256()
    for module_file in (
        tokenizing.__file__,
        transliteration.__file__,
        bm25.__file__,
        token_counts.__file__,
        __file__,
    ):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:16]
