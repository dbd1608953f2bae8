"""The stored index as a sync sees it: each part read only when needed, checked on the way."""

from __future__ import annotations

import io
import json
import logging
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from index.lexical.files import restored_tokens, tokenizer_fingerprint
from index.lexical.token_counts import TokenTable
from index.reading.documents import SourceDocument
from index.storage.files import parse_chunks, parse_documents
from index.storage.folder import IndexCorruptError
from index.storage.manifest import read_checked, verify_files
from index.text.chunking import Chunk

log = logging.getLogger(__name__)


class SavedIndex:
    """The committed generation a sync builds on; each part is checksum-verified when first read.

    A sync reuses documents, chunks, vectors and token counts but writes new BM25 files, so it
    never reads those (a third of the bytes) nor imports bm25s and scipy for them.
    """

    def __init__(self, generation: Path, manifest: dict[str, Any], **parts: Any) -> None:
        self.generation = generation
        self.manifest = manifest
        # Parts already in memory (this process wrote them): cached_property finds them here.
        self.__dict__.update(parts)

    def read(self, *parts: str) -> None:
        """Read these parts now, so a damaged file shows before any work that would rely on it."""
        for part in parts:
            getattr(self, part)

    def _read(self, name: str) -> bytes:
        return read_checked(self.generation, self.manifest, name)

    @cached_property
    def verified(self) -> bool:
        """True once every stored file matches its checksum; IndexCorruptError if one does not."""
        verify_files(self.generation, self.manifest)
        return True

    @cached_property
    def documents(self) -> dict[str, SourceDocument]:
        """Stored documents by source."""
        return parse_documents(self._read("documents.json"))

    @cached_property
    def chunks(self) -> list[Chunk]:
        """Stored chunks, in row order."""
        return parse_chunks(self._read("chunks.json"))

    @cached_property
    def chunk_matrix(self) -> np.ndarray:
        """Row i is the unit vector of chunks[i]."""
        import faiss

        dense = faiss.deserialize_index(np.frombuffer(self._read("dense.faiss"), dtype=np.uint8))
        empty = np.zeros((0, dense.d), dtype=np.float32)
        return dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else empty

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """float16, one row per sentence, the chunks' sentences in order."""
        return np.asarray(np.load(io.BytesIO(self._read("sentences.npy")), allow_pickle=False))

    @cached_property
    def multilingual_sentences(self) -> np.ndarray | None:
        """float16 multilingual vectors of the sentences, or None (English-only, older index)."""
        if "multilingual.npy" not in self.manifest.get("files", {}):
            return None
        data = self._read("multilingual.npy")
        return np.asarray(np.load(io.BytesIO(data), allow_pickle=False))

    @cached_property
    def chunk_languages(self) -> list[str] | None:
        """Each chunk's language, or None in an index written before they were stored."""
        if "languages.json" not in self.manifest.get("files", {}):
            return None
        return list(json.loads(self._read("languages.json")))

    @cached_property
    def file_stats(self) -> dict[str, Any]:
        """What each indexed file looked like when read (file_keys.py); empty if not usable."""
        # Only a speed-up too: without it every file is read, as by versions that did not save it.
        try:
            return dict(json.loads(self._read("file_stats.json")))
        except (ValueError, TypeError, IndexCorruptError) as problem:
            log.info("Reading every file: saved file keys unusable (%s)", problem)
            return {}

    @cached_property
    def tokens(self) -> TokenTable | None:
        """Each chunk's token counts, if saved by the same tokenizing code, else None."""
        # Only a speed-up: any problem means tokenizing again, never losing the stored vectors.
        try:
            saved = json.loads(self._read("tokens.json"))
            if saved["fingerprint"] != tokenizer_fingerprint():
                return None
            with np.load(io.BytesIO(self._read("tokens.npz")), allow_pickle=False) as arrays:
                table = restored_tokens(saved["vocabulary"], {k: arrays[k] for k in arrays.files})
        except Exception as problem:  # a damaged or foreign file: any error means the same
            log.info("Tokenizing again: saved token counts unusable (%s)", problem)
            return None
        return table if len(table.words.sizes) == len(self.chunks) else None
