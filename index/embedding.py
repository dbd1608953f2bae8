"""Turn texts into normalized float32 vectors with the model exported once to ONNX, offline.

sentence-transformers needs torch, transformers and scikit-learn: about 7 s of imports on a 2-core
machine before the first vector. So the model is exported once (with those libraries) to an ONNX
file in a local cache, and every later process encodes with onnxruntime and tokenizers alone
(0.6 s to load, vectors equal to sentence-transformers' within 1e-6; README "Performance").
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
MAX_BATCH = 16
EXPORT_VERSION = 1  # bump when the exported graph changes, so caches are exported again


def embed(model_path: str, texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors, one row per text, so inner product is cosine similarity."""
    if not texts:
        return np.zeros((0, dimension_of(model_path)), dtype=np.float32)
    # A one-sentence chunk is also its own sentence: each distinct text is encoded once.
    distinct = list(dict.fromkeys(texts))
    if len(distinct) < len(texts):
        row_of = {text: row for row, text in enumerate(distinct)}
        return embed(model_path, distinct, batch_size)[[row_of[text] for text in texts]]
    # One short question runs fastest on one thread; more threads only spin on a busy machine.
    session, tokenizer = _encoder(model_path, threads=1 if len(texts) == 1 else 0)
    # Sorted by length, each batch pads only to its own longest text.
    order = np.argsort([len(text) for text in texts], kind="stable")
    vectors = np.zeros((len(texts), session.get_outputs()[0].shape[1]), dtype=np.float32)
    # Small batches: ONNX keeps its largest activations (batch x tokens^2 attention) allocated,
    # so batches of 64 doubled a build's peak memory (1.3 GB against 0.6 GB at 16).
    step = min(batch_size, MAX_BATCH)
    for start in range(0, len(texts), step):
        rows = order[start : start + step]
        encoded = tokenizer.encode_batch([texts[i] for i in rows])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encoded])}
        if "token_type_ids" in {i.name for i in session.get_inputs()}:
            feeds["token_type_ids"] = np.zeros_like(ids)
        vectors[rows] = session.run(None, feeds)[0]
    return vectors


@lru_cache(maxsize=4)
def dimension_of(model_path: str) -> int:
    """The model's output dimension, recorded in the manifest and checked on load."""
    # Asked by builds only: the session they embed with, so none is loaded twice.
    session, _ = _encoder(model_path, threads=0)
    return int(session.get_outputs()[0].shape[1])


@lru_cache(maxsize=4)
def _encoder(model_path: str, threads: int) -> tuple[Any, Any]:
    """An onnxruntime session (0 threads: one per core) and the model's tokenizer, exported once."""
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        raise RuntimeError("onnxruntime is missing: pip install onnxruntime onnx") from error
    folder = _export_dir(model_path)
    if not (folder / "model.onnx").is_file():
        _export(model_path, folder)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    # Spinning worker threads steal the CPU from everything else on a shared 2-core machine.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    return session, Tokenizer.from_file(str(folder / "tokenizer.json"))


def _export_dir(model_path: str) -> Path:
    """A cache folder per model version: its path, file sizes and times name it."""
    root = os.environ.get("ASSISTANT_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "doc-assistant"
    )
    files = sorted(Path(model_path).glob("*")) if Path(model_path).is_dir() else []
    stamp = [
        model_path,
        EXPORT_VERSION,
        *[(f.name, f.stat().st_size, f.stat().st_mtime) for f in files],
    ]
    return Path(root) / "onnx" / hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]


def _export(model_path: str, folder: Path) -> None:
    """Trace the whole sentence-transformers pipeline (encoder, pooling, normalizing) to ONNX."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise RuntimeError(
            "sentence-transformers is missing: pip install torch==2.13.0 sentence-transformers"
        ) from error
    log.info("Exporting embedding model %s to ONNX in %s (once)", model_path, folder)
    model = SentenceTransformer(model_path, device="cpu", local_files_only=True).eval()
    names = [n for n in model.tokenizer.model_input_names if n != "position_ids"]

    class Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model  # a submodule, so its weights export as weights, not constants

        def forward(self, *inputs: Any) -> Any:
            features = self.model(dict(zip(names, inputs, strict=True)))["sentence_embedding"]
            return torch.nn.functional.normalize(features, p=2, dim=1)

    sample = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"vector": {0: "batch"}}
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"model.onnx.{os.getpid()}"
    with warnings.catch_warnings():  # tracer notes on shapes, meaningless to a user
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pipeline(),
            sample,
            str(partial),
            input_names=names,
            output_names=["vector"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    tokenizer = model.tokenizer.backend_tokenizer
    tokenizer.enable_truncation(model.max_seq_length)
    tokenizer.enable_padding(pad_id=model.tokenizer.pad_token_id or 0)
    tokenizer.save(f"{partial}.tokenizer")
    os.replace(f"{partial}.tokenizer", folder / "tokenizer.json")
    os.replace(partial, folder / "model.onnx")  # last, so a half-written export is never used
