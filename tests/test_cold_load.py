"""A cold load: e5 chunk means stored at sync (and added to older indexes), files checked on
threads, the question's models loaded while the index loads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from test_multilingual import ENGLISH, HINDI

from index import IndexConfig, IndexCorruptError, build_index, open_index
from index.storage import stored_index
from index.storage.chunk_means import MEANS_FILE, chunk_means


@pytest.fixture
def mixed(tmp_path: Path) -> IndexConfig:
    """An English and a Hindi document, indexed with e5 vectors."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "english.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "hindi.txt").write_text(HINDI, encoding="utf-8")
    config = IndexConfig(documents_dir=folder, storage_dir=tmp_path / "storage")
    assert build_index(config).multilingual_texts > 0
    return config


def generation_of(storage: Path) -> Path:
    return storage / (storage / "CURRENT").read_text().strip()


def sentence_means(sentences: np.ndarray, counts: list[int]) -> np.ndarray:
    """The same means computed plainly, in float64, one chunk at a time."""
    rows, start = [], 0
    for count in counts:
        total = sentences[start : start + count].astype(np.float64).sum(axis=0)
        rows.append(total / np.linalg.norm(total))
        start += count
    return np.array(rows)


def make_old(storage: Path) -> None:
    """Turn the current generation into one written before the means were stored."""
    generation = generation_of(storage)
    (generation / MEANS_FILE).unlink()
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"][MEANS_FILE]
    (generation / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_sync_stores_each_chunks_normalized_mean_of_its_sentences(mixed: IndexConfig) -> None:
    (mixed.documents_dir / "english.txt").write_text(ENGLISH + "A third sentence.\n", "utf-8")
    assert not build_index(mixed).up_to_date
    index = open_index(mixed.storage_dir)
    assert MEANS_FILE in index.manifest["files"]
    assert index.multilingual_sentences is not None and index.multilingual_chunks is not None
    counts = [len(chunk.sentences) for chunk in index.chunks]
    assert index.multilingual_chunks.dtype == np.float32
    assert index.multilingual_chunks.shape == (len(index.chunks), 384)
    expected = sentence_means(index.multilingual_sentences, counts)
    np.testing.assert_allclose(index.multilingual_chunks, expected, atol=1e-6)


def test_an_index_without_stored_means_opens_and_the_next_sync_adds_them(
    mixed: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = open_index(mixed.storage_dir).multilingual_chunks
    make_old(mixed.storage_dir)
    old = open_index(mixed.storage_dir)  # computed at load, as before they were stored
    assert MEANS_FILE not in old.manifest["files"]
    np.testing.assert_array_equal(old.multilingual_chunks, stored)

    def no_model(*args: object) -> np.ndarray:
        raise AssertionError("an upgrade that only adds the means embeds nothing")

    monkeypatch.setattr("index.sync.build.embed", no_model)
    monkeypatch.setattr("index.embedding.multilingual.embed_passages", no_model)
    report = build_index(mixed)
    assert report.up_to_date and report.embedded_texts == 0 and report.multilingual_texts == 0
    generation = generation_of(mixed.storage_dir)
    data = (generation / MEANS_FILE).read_bytes()
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][MEANS_FILE] == hashlib.sha256(data).hexdigest()

    def not_again(*args: object) -> np.ndarray:
        raise AssertionError("the means are read from the upgraded index, not computed")

    monkeypatch.setattr(stored_index, "chunk_means", not_again)
    upgraded = open_index(mixed.storage_dir)
    np.testing.assert_array_equal(upgraded.multilingual_chunks, stored)
    assert build_index(mixed).up_to_date  # and the next sync has nothing left to add
    assert generation_of(mixed.storage_dir) == generation


@pytest.mark.parametrize("name", [MEANS_FILE, "multilingual.npy", "tokens.npz"])
def test_a_flipped_byte_in_a_file_checked_on_threads_is_detected(
    mixed: IndexConfig, name: str
) -> None:
    """tokens.npz is never read by a load, yet checked before the index is returned."""
    path = generation_of(mixed.storage_dir) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match=f"{name} fails its checksum"):
        open_index(mixed.storage_dir)


def test_an_extra_file_in_a_generation_is_detected(mixed: IndexConfig) -> None:
    (generation_of(mixed.storage_dir) / "bm25" / "planted.npy").write_bytes(b"\x93NUMPY")
    with pytest.raises(IndexCorruptError, match="bm25/planted.npy fails its checksum"):
        open_index(mixed.storage_dir)


def test_means_that_do_not_fit_the_chunks_are_refused(mixed: IndexConfig) -> None:
    generation = generation_of(mixed.storage_dir)
    means = np.load(generation / MEANS_FILE)
    np.save(generation / MEANS_FILE, np.concatenate([means, means]), allow_pickle=False)
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    data = (generation / MEANS_FILE).read_bytes()
    manifest["files"][MEANS_FILE] = hashlib.sha256(data).hexdigest()
    (generation / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="cannot be read"):
        open_index(mixed.storage_dir)


def test_chunk_means_of_no_sentences_are_zero_rows() -> None:
    means = chunk_means(np.zeros((0, 384), dtype=np.float16), [0, 0])
    assert means.shape == (2, 384) and not means.any()


def test_loaded_arrays_are_read_only_mappings_of_the_generation(mixed: IndexConfig) -> None:
    """Mapped, not copied; and nothing can write through them into a committed generation."""
    index = open_index(mixed.storage_dir)
    arrays = [index.sentence_vectors, index.multilingual_sentences, index.multilingual_chunks]
    for array in arrays:
        assert array is not None and not array.flags.writeable
        assert isinstance(array.base, np.memmap)
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] = 1.0
    assert not index.bm25.scores["data"].flags.writeable
