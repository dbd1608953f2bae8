"""Turn texts into normalized float32 vectors with the model exported once to ONNX int8, offline.

sentence-transformers needs torch, transformers and scikit-learn: about 7 s of imports on a 2-core
machine before the first vector. So the model is exported once (with those libraries) to an ONNX
file in a local cache, and every later process encodes with onnxruntime and tokenizers alone
(0.6 s to load). That export is quantized once more to int8 weights (config.EMBEDDING_WEIGHTS,
part of the model label in every manifest): on a 2-core CPU the XQuAD English eval ran in 25 s
instead of 53 s, and dense nDCG@10 moved from 0.9673 to 0.9650 (README "Performance").
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.config import EMBEDDING_WEIGHTS

log = logging.getLogger(__name__)
WEIGHT_FILES = {"float32": "model.onnx", "int8": "model.int8.onnx"}
EXPORT_VERSION = 1  # bump when the exported graph changes, so caches are exported again


def embed(model_path: str, texts: list[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text, so inner product is cosine similarity."""
    if not texts:
        return np.zeros((0, dimension_of(model_path)), dtype=np.float32)
    # A one-sentence chunk is also its own sentence: each distinct text is encoded once.
    distinct = list(dict.fromkeys(texts))
    if len(distinct) < len(texts):
        row_of = {text: row for row, text in enumerate(distinct)}
        return embed(model_path, distinct)[[row_of[text] for text in texts]]
    session, tokenizer = _encoder(model_path)
    wants_types = "token_type_ids" in {i.name for i in session.get_inputs()}

    def vector(encoding: Any) -> np.ndarray:
        ids = np.array([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if wants_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return np.asarray(session.run(None, feeds)[0][0], dtype=np.float32)

    # One text per run: int8 quantizes activations with one scale per batch, so a batched text's
    # vector moved with its neighbours (cosine down to 0.976); alone it depends on its text only
    # and needs no padding. One-thread runs side by side keep the cores busy without spinning.
    encoded = tokenizer.encode_batch(texts)
    if len(texts) == 1:
        return vector(encoded[0])[None, :]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        return np.stack(list(pool.map(vector, encoded)))


@lru_cache(maxsize=4)
def dimension_of(model_path: str) -> int:
    """The model's output dimension, recorded in the manifest and checked on load."""
    session, _ = _encoder(model_path)
    return int(session.get_outputs()[0].shape[1])


@lru_cache(maxsize=4)
def _encoder(model_path: str) -> tuple[Any, Any]:
    """A one-thread onnxruntime session (safe to run from several threads) and the tokenizer."""
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        # onnxruntime re-raises a Ctrl-C that lands inside its import as an ImportError.
        if isinstance(error.__cause__, KeyboardInterrupt):
            raise KeyboardInterrupt from error
        raise RuntimeError("onnxruntime is missing: pip install onnxruntime onnx") from error
    folder = _export_dir(model_path)
    if not (folder / "model.onnx").is_file():
        _export(model_path, folder)
    weights = folder / WEIGHT_FILES[EMBEDDING_WEIGHTS]
    if not weights.is_file():
        quantize_int8(folder / "model.onnx", weights)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(weights), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()  # texts run one at a time
    return session, tokenizer


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


def quantize_int8(source: Path, target: Path, reduce_range: bool = False) -> None:
    """Int8 weights, one scale per output channel (one per tensor lost twice as much cosine).

    `reduce_range` keeps weights to 7 bits, which CPUs without AVX-512 VNNI need to multiply
    int8 without overflowing (e5_export.py). Written to a partial file first, then renamed:
    `target` is never half written.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    log.info("Quantizing %s to int8 (once)", source)
    partial = target.with_name(f"{target.name}.{os.getpid()}")
    logging.disable(logging.WARNING)  # its advice to pre-process logs on the root logger
    try:
        quantize_dynamic(
            source, partial, weight_type=QuantType.QInt8, per_channel=True,
            reduce_range=reduce_range,
        )  # fmt: skip
        os.replace(partial, target)
    finally:
        logging.disable(logging.NOTSET)
        partial.unlink(missing_ok=True)


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
