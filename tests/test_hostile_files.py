"""Hostile files: a one-line message each, the others indexed, and nothing already stored lost."""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from test_ui import free_port

from index import IndexConfig, build_index, chunk_document, open_index, tokenize
from index.reading import loading
from index.text.chunking import MAX_SENTENCE_CHARS
from ui.cli import main

ASSISTANT = str(Path(sys.executable).parent / "assistant")
GOOD = {
    "monsoon.txt": "Monsoon notes\n\nThe monsoon reached Kerala on June 1. It rained for days.",
    "budget.txt": "Budget notes\n\nThe council approved 12 million rupees for schools.",
}


@pytest.fixture
def indexed(tmp_path: Path) -> IndexConfig:
    """Two good documents, already indexed: what a hostile file must not take away."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for name, text in GOOD.items():
        (documents / name).write_text(text)
    config = IndexConfig(documents_dir=documents, storage_dir=tmp_path / "storage")
    build_index(config)
    return config


def sync(config: IndexConfig, capsys: pytest.CaptureFixture[str]) -> str:
    """Run `assistant index`; return its stderr, after checking the good documents survived."""
    before = open_index(config.storage_dir)
    code = main(["index", str(config.documents_dir), "--storage", str(config.storage_dir)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("Indexed ")
    after = open_index(config.storage_dir)
    for source in GOOD:
        assert after.documents[source] == before.documents[source]
        old = [i for i, c in enumerate(before.chunks) if c.source == source]
        new = [i for i, c in enumerate(after.chunks) if c.source == source]
        assert np.array_equal(
            before.chunk_vectors.reconstruct_batch(old), after.chunk_vectors.reconstruct_batch(new)
        )
    return err


def assert_offsets_hold(config: IndexConfig, source: str) -> None:
    stored = open_index(config.storage_dir)
    text = stored.documents[source].text
    for chunk in (c for c in stored.chunks if c.source == source):
        for start, end in chunk.sentences:
            assert text[start:end] == text[start:end].strip() and end > start


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (bytes(range(256)) * 64, "looks binary"),
        (b"\x7fELF\x02\x01\x01" + bytes(2000), "looks binary"),
        ("Notes: café naïve".encode("latin-1"), "is not valid UTF-8 (byte 10)"),
        (b"ok \xff\xfe\xfd broken", "is not valid UTF-8"),
    ],
    ids=["empty", "binary", "elf-binary", "latin1", "invalid-utf8"],
)
def test_a_file_that_is_not_text_is_skipped_with_one_line(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str], data: bytes, reason: str
) -> None:
    (indexed.documents_dir / "hostile.txt").write_bytes(data)
    err = sync(indexed, capsys)
    (line,) = err.splitlines()
    assert line.startswith("skipped hostile.txt: ") and reason in line
    assert "hostile.txt" not in open_index(indexed.storage_dir).documents


def test_utf16_with_a_bom_is_decoded_and_indexed(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Sixteen bits\n\nThe ferry to Elephanta leaves at nine. नौका नौ बजे चलती है।"
    (indexed.documents_dir / "utf16.txt").write_bytes(
        codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    )
    assert sync(indexed, capsys) == ""
    stored = open_index(indexed.storage_dir)
    assert stored.documents["utf16.txt"].text == text
    assert_offsets_hold(indexed, "utf16.txt")


def test_a_50_mb_file_is_skipped_by_size_without_reading_it(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    with open(indexed.documents_dir / "huge.txt", "w") as handle:
        for _ in range(50):
            handle.write("The river rose again today. " * (2**20 // 28 + 1))
    started = time.perf_counter()
    err = sync(indexed, capsys)
    assert time.perf_counter() - started < 30  # the size check comes before any reading
    assert err.splitlines() == [
        "skipped huge.txt: is 50.0 MB, over the 10 MB limit (raise it with ASSISTANT_MAX_FILE_MB)"
    ]


def test_a_1_mb_single_line_becomes_bounded_chunks(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    # A periodic line: its chunk texts repeat, so embedding (by distinct text) stays quick here.
    line = "alpha beta gamma delta epsilon " * (2**20 // 31)
    (indexed.documents_dir / "line.txt").write_text(line)
    assert sync(indexed, capsys) == ""
    stored = open_index(indexed.storage_dir)
    chunks = [c for c in stored.chunks if c.source == "line.txt"]
    expected = chunk_document("line.txt", stored.documents["line.txt"].text, indexed.chunk_chars)
    assert chunks == expected
    # About one chunk per chunk_chars of text, each bounded: not thousands of slivers.
    assert len(chunks) <= 2 * len(line) // indexed.chunk_chars
    assert max(c.end - c.start for c in chunks) <= max(indexed.chunk_chars, MAX_SENTENCE_CHARS)
    assert_offsets_hold(indexed, "line.txt")


def test_zero_width_and_control_characters_are_cleaned_and_offsets_hold(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = "Hidden\u200b text\x07 here.\u202e Reversed\x1b[31m red\ufeff. कि\u200dसान मेला।"
    (indexed.documents_dir / "controls.txt").write_text(raw)
    assert sync(indexed, capsys) == ""
    text = open_index(indexed.storage_dir).documents["controls.txt"].text
    for invisible in ("\x07", "\x1b", "\u202e", "\ufeff"):
        assert invisible not in text
    assert "\u200d" in text  # the joiner is part of Hindi spelling and stays
    assert_offsets_hold(indexed, "controls.txt")


def test_mixed_devanagari_and_latin_is_indexed_with_both_scripts(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Mixed notes\n\nISRO ने Chandrayaan-3 को 14 जुलाई को launch किया। The lander touched down."
    (indexed.documents_dir / "mixed.txt").write_text(text)
    assert sync(indexed, capsys) == ""
    stored = open_index(indexed.storage_dir)
    tokens = {t for i, c in enumerate(stored.chunks) if c.source == "mixed.txt"
              for t in tokenize(stored.chunk_text(i))}  # fmt: skip
    assert {"isro", "chandrayaan", "lander", *tokenize("जुलाई")} <= tokens
    assert_offsets_hold(indexed, "mixed.txt")


def test_a_file_deleted_while_indexing_runs_is_skipped_and_removed(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (indexed.documents_dir / "brief.txt").write_text("Brief\n\nA short-lived note.")
    build_index(indexed)
    read = loading._load_file

    def delete_then_read(path: Path, source: str, *rest: object) -> object:
        if source == "brief.txt":  # listed by the walk, gone before it is read
            path.unlink()
        return read(path, source, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "_load_file", delete_then_read)
    err = sync(indexed, capsys)
    assert err.splitlines() == ["skipped brief.txt: disappeared while indexing"]
    assert "brief.txt" not in open_index(indexed.storage_dir).documents


def test_a_symlink_loop_is_skipped(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    (indexed.documents_dir / "one.txt").symlink_to("two.txt")
    (indexed.documents_dir / "two.txt").symlink_to("one.txt")
    (indexed.documents_dir / "here").symlink_to(".")
    err = sync(indexed, capsys)
    assert err.splitlines() == [
        "skipped here: is a link to a folder; links to folders are not followed",
        "skipped one.txt: cannot be read (Too many levels of symbolic links)",
        "skipped two.txt: cannot be read (Too many levels of symbolic links)",
    ]


def test_a_file_without_read_permission_is_skipped_and_keeps_what_was_stored(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (indexed.documents_dir / "new.txt").write_text("Private\n\nA private note.")
    read_bytes = Path.read_bytes

    def denied(path: Path) -> bytes:
        # As root, chmod 000 does not stop reading; the test below checks the real thing.
        if path.name in ("new.txt", "budget.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    err = sync(indexed, capsys)
    assert err.splitlines() == [
        "kept budget.txt: cannot be read (Permission denied); kept the version indexed before",
        "skipped new.txt: cannot be read (Permission denied)",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_a_chmod_000_file_is_skipped(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = indexed.documents_dir / "locked.txt"
    locked.write_text("Secret\n\nA secret note.")
    locked.chmod(0)
    try:
        err = sync(indexed, capsys)
    finally:
        locked.chmod(0o644)
    assert err.splitlines() == ["skipped locked.txt: cannot be read (Permission denied)"]


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv"
)
def test_a_chmod_000_file_is_skipped_by_root_without_its_override(indexed: IndexConfig) -> None:
    # Root reads a chmod 000 file through CAP_DAC_OVERRIDE; dropping it (and the read-search
    # override) makes the kernel refuse as it would refuse any user: the real EACCES path.
    locked = indexed.documents_dir / "locked.txt"
    locked.write_text("Secret\n\nA secret note.")
    (indexed.documents_dir / "budget.txt").chmod(0)
    locked.chmod(0)
    try:
        result = run_index(indexed, "setpriv", "--bounding-set", "-dac_override,-dac_read_search")
    finally:
        locked.chmod(0o644)
        (indexed.documents_dir / "budget.txt").chmod(0o644)
    assert result.returncode == 0, result.stderr
    lines, denied = result.stderr.splitlines(), "cannot be read (Permission denied)"
    assert f"skipped locked.txt: {denied}" in lines
    assert f"kept budget.txt: {denied}; kept the version indexed before" in lines
    stored = open_index(indexed.storage_dir)
    assert sorted(stored.documents) == sorted(GOOD)
    assert stored.documents["budget.txt"].text == GOOD["budget.txt"]


def test_a_pipe_and_a_link_to_a_device_are_skipped_without_reading(indexed: IndexConfig) -> None:
    # Reading a FIFO waits for a writer forever and /dev/zero never ends: a hang, or all memory.
    os.mkfifo(indexed.documents_dir / "pipe.txt")
    (indexed.documents_dir / "zero.txt").symlink_to("/dev/zero")
    (indexed.documents_dir / "new.txt").write_text("Rail notes\n\nA new rail line opens.")
    result = run_index(indexed)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "skipped pipe.txt: is not a regular file (a pipe, socket or device)",
        "skipped zero.txt: is not a regular file (a pipe, socket or device)",
    ]
    assert sorted(open_index(indexed.storage_dir).documents) == sorted([*GOOD, "new.txt"])


def test_a_kept_file_gets_one_line_in_a_real_run(indexed: IndexConfig) -> None:
    (indexed.documents_dir / "budget.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    result = run_index(indexed)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "kept budget.txt: looks binary (contains NUL bytes); kept the version indexed before"
    ]


def run_index(config: IndexConfig, *prefix: str) -> subprocess.CompletedProcess[str]:
    """`assistant index` in its own process (after `prefix`, a command that wraps it), bounded."""
    command = [*prefix, ASSISTANT, "index", str(config.documents_dir)]
    return subprocess.run(
        [*command, "--storage", str(config.storage_dir)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"},
    )


def generation(storage: Path) -> Path:
    return storage / (storage / "CURRENT").read_text().strip()


def truncate_faiss(storage: Path) -> None:
    dense = generation(storage) / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:200])


def garble_manifest(storage: Path) -> None:
    (generation(storage) / "manifest.json").write_text("not json {")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [(truncate_faiss, "dense.faiss fails its checksum"), (garble_manifest, "manifest.json")],
    ids=["truncated-faiss", "manifest-not-json"],
)
def test_corrupted_storage_says_how_to_rebuild_and_index_rebuilds_it(
    indexed: IndexConfig,
    capsys: pytest.CaptureFixture[str],
    damage,
    problem: str,  # type: ignore[no-untyped-def]
) -> None:
    damage(indexed.storage_dir)
    code = main(
        ["ask", "When did the monsoon reach Kerala?", "--storage", str(indexed.storage_dir)]
    )
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    (line,) = err.splitlines()
    assert problem in line and line.endswith("rebuild it with `assistant index`")
    # The chat server refuses to start the same way, before it binds a port.
    code = main(["ui", "--storage", str(indexed.storage_dir), "--port", str(free_port())])
    out, err = capsys.readouterr()
    assert code == 1 and err.splitlines() == [line]

    code = main(["index", str(indexed.documents_dir), "--storage", str(indexed.storage_dir)])
    out, err = capsys.readouterr()
    assert code == 0 and "2 added" in out
    assert sorted(open_index(indexed.storage_dir).documents) == sorted(GOOD)
    code = main(
        ["ask", "When did the monsoon reach Kerala?", "--storage", str(indexed.storage_dir)]
    )
    out, err = capsys.readouterr()
    assert code == 0 and "June 1" in out


def test_a_stored_index_survives_a_folder_of_only_bad_files(
    indexed: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(indexed.documents_dir)
    indexed.documents_dir.mkdir()
    (indexed.documents_dir / "empty.txt").write_text("")
    code = main(["index", str(indexed.documents_dir), "--storage", str(indexed.storage_dir)])
    _, err = capsys.readouterr()
    assert code == 1 and err.splitlines()[-1].startswith("error: No readable documents")
    assert sorted(open_index(indexed.storage_dir).documents) == sorted(GOOD)
