"""Sync: `assistant index` adds, re-embeds, removes and reports; --watch; one writer at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import holds_writer_lock

from index import IndexConfig, SourceDocument, build_index, open_index
from index.reading import file_keys
from index.reading.file_keys import reader_fingerprint
from index.sync import previous as previous_index
from ui.cli import main

REPO = Path(__file__).resolve().parent.parent
ASSISTANT = str(Path(sys.executable).parent / "assistant")
TEXTS = {
    "a.txt": "Monsoon notes\n\nThe monsoon reached Kerala on June 1. It rained for days.",
    "b.txt": "Budget notes\n\nThe council approved 12 million rupees for schools.",
    "c.md": "# Port\n\nThe port handled 40 ships in March. Cranes were repaired.",
}


@pytest.fixture
def folder(tmp_path: Path) -> IndexConfig:
    """Three short documents, indexed once."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for name, text in TEXTS.items():
        (documents / name).write_text(text)
    config = IndexConfig(documents_dir=documents, storage_dir=tmp_path / "storage")
    build_index(config)
    return config


def run_cli(config: IndexConfig, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["index", str(config.documents_dir), "--storage", str(config.storage_dir)])
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_adds_changes_removes_and_reports_each_kind(
    folder: IndexConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = folder.documents_dir
    before = open_index(folder.storage_dir)
    (documents / "a.txt").unlink()
    (documents / "b.txt").write_text(TEXTS["b.txt"] + " Work starts in May.")
    (documents / "d.txt").write_text("Rail notes\n\nA new rail line opens in Pune next year.")
    (documents / "e.txt").write_text(TEXTS["c.md"])  # same bytes as c.md, another name
    (documents / "empty.txt").write_text("")

    code, out, err = run_cli(folder, capsys)

    assert code == 0
    assert "files: 1 added, 1 changed, 1 removed, 1 unchanged, 1 duplicates, 1 skipped" in out
    stored = open_index(folder.storage_dir)
    new_chunks = [c for c in stored.chunks if c.source in ("b.txt", "d.txt")]
    assert (
        f"chunks: {len(stored.chunks) - len(new_chunks)} reused, {len(new_chunks)} embedded" in out
    )
    assert err.splitlines() == [
        "duplicate e.txt: duplicate of c.md",
        "skipped empty.txt: is empty",
    ]
    assert sorted(stored.documents) == ["b.txt", "c.md", "d.txt"]
    assert stored.documents["b.txt"].text.endswith("Work starts in May.")
    assert stored.manifest["documents"].keys() == stored.documents.keys()
    # The unchanged document keeps exactly the vectors it had.
    old_rows = [i for i, c in enumerate(before.chunks) if c.source == "c.md"]
    new_rows = [i for i, c in enumerate(stored.chunks) if c.source == "c.md"]
    assert np.array_equal(
        before.chunk_vectors.reconstruct_batch(old_rows),
        stored.chunk_vectors.reconstruct_batch(new_rows),
    )

    code, out, _ = run_cli(folder, capsys)
    assert code == 0 and "(up to date)" in out
    assert "files: 0 added, 0 changed, 0 removed, 3 unchanged, 1 duplicates, 1 skipped" in out
    assert f"chunks: {len(stored.chunks)} reused, 0 embedded (0 distinct" in out


def test_a_renamed_file_embeds_nothing(folder: IndexConfig) -> None:
    (folder.documents_dir / "a.txt").rename(folder.documents_dir / "renamed.txt")
    report = build_index(folder)
    assert (report.changes.added, report.changes.removed) == (("renamed.txt",), ("a.txt",))
    assert report.embedded_chunks == 0 and report.reused_chunks == report.chunks
    assert "renamed.txt" in open_index(folder.storage_dir).documents


def test_a_file_that_turns_unreadable_keeps_its_stored_version(folder: IndexConfig) -> None:
    (folder.documents_dir / "a.txt").write_bytes("Monsoon café".encode("latin-1"))
    report = build_index(folder)
    (outcome,) = [o for o in report.outcomes if o.source == "a.txt"]
    assert outcome.status == "kept"
    assert (
        "not valid UTF-8" in outcome.reason and "kept the version indexed before" in outcome.reason
    )
    assert open_index(folder.storage_dir).documents["a.txt"].text == TEXTS["a.txt"]
    # Deleting it is a decision, not an accident: then it goes.
    (folder.documents_dir / "a.txt").unlink()
    build_index(folder)
    assert "a.txt" not in open_index(folder.storage_dir).documents


def current_generation_name(storage: Path) -> str:
    pointer = storage / "CURRENT"
    return pointer.read_text().strip() if pointer.exists() else ""


def wait_for(
    condition, seconds: float, process: subprocess.Popen[str], what: str = "", every: float = 0.2
) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, (what, process.returncode, process.communicate())
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(every)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_watch_follows_edits_and_stops_cleanly(
    folder: IndexConfig, stop: signal.Signals, tmp_path: Path
) -> None:
    first = current_generation_name(folder.storage_dir)
    command = [ASSISTANT, "index", str(folder.documents_dir), "--storage", str(folder.storage_dir)]
    log = tmp_path / "watch.out"
    with log.open("w") as log_file:
        watcher = subprocess.Popen(
            [*command, "--watch", "--interval", "0.3"],
            stdout=log_file,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    try:
        # The first (up-to-date) sync, before the edit; a loaded machine may take a while.
        wait_for(lambda: "Indexed " in log.read_text(), 120, watcher)
        (folder.documents_dir / "a.txt").write_text(TEXTS["a.txt"] + " Floods closed roads.")
        wait_for(lambda: current_generation_name(folder.storage_dir) != first, 180, watcher)
        stored = open_index(folder.storage_dir)
        assert stored.documents["a.txt"].text.endswith("Floods closed roads.")
        second = current_generation_name(folder.storage_dir)
        (folder.documents_dir / "b.txt").unlink()
        wait_for(lambda: current_generation_name(folder.storage_dir) != second, 60, watcher)
        assert "b.txt" not in open_index(folder.storage_dir).documents
        # The pointer moves before the report is printed: stop only once it is out.
        wait_for(lambda: log.read_text().count("Indexed ") >= 3, 60, watcher)
    finally:
        watcher.send_signal(stop)
        _, err = watcher.communicate(timeout=60)
    out = log.read_text()
    assert watcher.returncode == 0, err
    assert "Traceback" not in err
    assert out.count("Indexed ") >= 3 and out.rstrip().endswith("Stopped watching.")
    assert "1 changed" in out and "1 removed" in out


def test_a_second_writer_exits_with_one_line(folder: IndexConfig) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; handle = open(sys.argv[1], 'w'); "
            "fcntl.flock(handle, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
            str(folder.storage_dir / ".lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        (folder.documents_dir / "a.txt").unlink()
        command = [
            ASSISTANT,
            "index",
            str(folder.documents_dir),
            "--storage",
            str(folder.storage_dir),
        ]
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1
    busy = f"Another `assistant index` is writing to {folder.storage_dir}; wait for it to finish"
    assert second.stderr.splitlines() == [f"error: {busy}"]
    assert "a.txt" in open_index(folder.storage_dir).documents
    assert build_index(folder).changes.removed == ("a.txt",)


def test_ctrl_c_during_the_model_import_stops_the_watcher_instead_of_blaming_the_install(
    folder: IndexConfig, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins

    from index.embedding import minilm as embedding

    real_import = builtins.__import__

    def interrupted(name: str, *args: object, **kwargs: object) -> object:
        if name == "onnxruntime":  # what onnxruntime raises when Ctrl-C lands in its import
            raise ImportError("interrupted") from KeyboardInterrupt()
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    embedding._encoder.cache_clear()
    embedding.dimension_of.cache_clear()
    monkeypatch.setattr(builtins, "__import__", interrupted)
    try:
        argv = ["index", str(folder.documents_dir), "--storage", str(folder.storage_dir)]
        code = main([*argv, "--watch", "--interval", "0.01"])
    finally:
        monkeypatch.undo()
        embedding._encoder.cache_clear()
        embedding.dimension_of.cache_clear()
    out, err = capsys.readouterr()
    assert code == 0 and "Stopped watching." in out and "onnxruntime is missing" not in err


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")
def test_a_running_indexer_makes_a_second_exit_and_a_watcher_wait(
    folder: IndexConfig, tmp_path: Path
) -> None:
    documents = folder.documents_dir
    (documents / "d.txt").write_text("Rail notes\n\nA new rail line opens in Pune next year.")
    command = [ASSISTANT, "index", str(documents), "--storage", str(folder.storage_dir)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}
    out, err = tmp_path / "watch.out", tmp_path / "watch.err"
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    watcher = None
    try:
        wait_for(
            lambda: holds_writer_lock(first.pid, folder.storage_dir),
            120,
            first,
            "the first indexer to take the lock",
            every=0.002,  # a sync of one small file holds the lock for a fraction of a second
        )
        first.send_signal(signal.SIGSTOP)  # a real indexer, paused while it holds the lock
        second = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        with out.open("w") as out_file, err.open("w") as err_file:
            watch = [*command, "--watch", "--interval", "0.2"]
            watcher = subprocess.Popen(watch, stdout=out_file, stderr=err_file, env=env)
        wait_for(
            lambda: "Another" in err.read_text(), 120, watcher, "the watcher to report the lock"
        )
        time.sleep(2)  # several more of the watcher's polls while the lock is held
        assert "Indexed" not in out.read_text()
        first.send_signal(signal.SIGCONT)
        assert first.wait(timeout=180) == 0
        wait_for(lambda: "Indexed" in out.read_text(), 120, watcher, "the watcher to sync after")
    finally:
        first.send_signal(signal.SIGCONT)
        first.kill()
        first.wait()
        if watcher is not None:
            watcher.send_signal(signal.SIGINT)
            watcher.wait(timeout=60)
    busy = f"Another `assistant index` is writing to {folder.storage_dir}; wait for it to finish"
    assert second.returncode == 1 and second.stderr.splitlines() == [f"error: {busy}"]
    # The watcher said so once, waited, then synced what the first writer had committed.
    assert err.read_text().splitlines() == [f"error: {busy}"] and watcher.returncode == 0
    assert "(up to date)" in out.read_text()
    assert "d.txt" in open_index(folder.storage_dir).documents


def test_a_copy_added_before_an_indexed_file_leaves_its_citations_alone(
    folder: IndexConfig,
) -> None:
    # "0-copy.txt" sorts before "b.txt": without the stored hashes it would take b's place.
    (folder.documents_dir / "0-copy.txt").write_text(TEXTS["b.txt"])
    report = build_index(folder)
    outcomes = {o.source: (o.status, o.reason) for o in report.outcomes}
    assert outcomes["0-copy.txt"] == ("duplicate", "duplicate of b.txt")
    assert set(open_index(folder.storage_dir).documents) == set(TEXTS)


@pytest.fixture
def untimed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust any file changed before the last scan began, as if timestamps had no coarse ticks.

    The window is for timestamps that step in ticks; without it these tests need not wait out.
    """
    monkeypatch.setattr(file_keys, "RACY_NS", 0)
    monkeypatch.setattr(file_keys, "RACY_WHOLE_SECONDS_NS", 0)


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Rewrite the file with equally long text and put its modification time back."""
    info = path.stat()
    text = path.read_text()
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)


@pytest.mark.usefixtures("untimed")
def test_unchanged_files_are_not_read_and_edits_that_keep_size_and_mtime_are(
    folder: IndexConfig,
) -> None:
    # The fixture's build read every file after it was written: none needs reading now.
    report = build_index(folder)
    assert (report.up_to_date, report.read_files) == (True, 0)

    same_size_edit(folder.documents_dir / "b.txt", "12 million", "13 million")  # new ctime
    report = build_index(folder)
    assert (report.changes.changed, report.read_files) == (("b.txt",), 1)

    # Replaced by another file of the same size and mtime: a new inode and change time.
    port = folder.documents_dir / "c.md"
    info = port.stat()
    replacement = folder.documents_dir / ".c.md.partial"  # hidden: never indexed itself
    replacement.write_text(TEXTS["c.md"].replace("40 ships", "41 ships"))
    os.utime(replacement, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(replacement, port)
    report = build_index(folder)
    assert (report.changes.changed, report.read_files) == (("c.md",), 1)
    stored = open_index(folder.storage_dir)
    assert "13 million" in stored.documents["b.txt"].text
    assert "41 ships" in stored.documents["c.md"].text
    assert build_index(folder).read_files == 0


def test_an_edit_keeping_size_and_mtime_inside_the_racy_window_is_picked_up(
    folder: IndexConfig,
) -> None:
    # The fixture wrote and indexed the files moments ago, inside the window: read them again.
    same_size_edit(folder.documents_dir / "a.txt", "June 1.", "June 7.")
    report = build_index(folder)
    assert report.changes.changed == ("a.txt",) and report.read_files == len(TEXTS)
    assert "June 7." in open_index(folder.storage_dir).documents["a.txt"].text


def test_a_write_within_the_timestamp_tick_of_the_last_is_caught_by_the_window(
    folder: IndexConfig,
) -> None:
    # Where the clock steps every few ms (2 s on FAT), a second write inside the tick of the
    # first leaves size, times and inode as they were. Stand that in: record the key the file
    # has after an edit as the key the last sync read it with, its scan just after the edit.
    path = folder.documents_dir / "a.txt"
    path.write_text(TEXTS["a.txt"].replace("June 1.", "June 7."))
    key = record_key_as_read(folder, path, scanned_after_ns=1)
    report = build_index(folder)
    # Only a.txt's key matters here: the other files fall inside or outside the window depending
    # on how long the fixture's build took (over 100 ms on a loaded machine): not counted.
    assert report.changes.changed == ("a.txt",)

    # The same record with the scan well after the edit is trusted: only the window caught it.
    path.write_text(TEXTS["a.txt"].replace("June 1.", "June 8."))
    assert key != record_key_as_read(folder, path, scanned_after_ns=10 * 10**9)
    assert build_index(folder).up_to_date
    assert "June 7." in open_index(folder.storage_dir).documents["a.txt"].text


def record_key_as_read(folder: IndexConfig, path: Path, scanned_after_ns: int) -> list[int]:
    """Make the stored index this process holds claim it read `path` as it is now."""
    info = path.stat()
    key = [info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns]
    saved = previous_index._written[folder.storage_dir.resolve()][2]
    saved.file_stats["files"][path.name] = key
    saved.file_stats["scanned_ns"] = info.st_ctime_ns + scanned_after_ns
    return key


def test_a_new_process_reads_only_the_edited_file(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    for name, text in TEXTS.items():
        (documents / name).write_text(text)
    if (documents / "a.txt").stat().st_ctime_ns % 10**9 == 0:
        pytest.skip("whole-second timestamps: files stay inside the racy window for 3 s")
    time.sleep(0.2)  # past the racy window for these files, so the first build may vouch for them
    config = IndexConfig(documents_dir=documents, storage_dir=tmp_path / "storage")
    build_index(config)
    with open(documents / "b.txt", "a") as handle:
        handle.write(" Work starts in May.")
    time.sleep(0.2)
    assert sync_in_new_process(config) == {"read": 1, "changed": ["b.txt"], "up_to_date": False}
    assert sync_in_new_process(config) == {"read": 0, "changed": [], "up_to_date": True}


def sync_in_new_process(config: IndexConfig) -> dict[str, object]:
    code = (
        "import json, sys; from pathlib import Path; from index import IndexConfig, build_index; "
        "r = build_index(IndexConfig(Path(sys.argv[1]), Path(sys.argv[2]))); "
        "print(json.dumps({'read': r.read_files, 'changed': list(r.changes.changed), "
        "'up_to_date': r.up_to_date}))"
    )
    command = [sys.executable, "-c", code, str(config.documents_dir), str(config.storage_dir)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_only_keys_read_clear_of_the_racy_window_are_trusted() -> None:
    now = 1_765_000_000_123_456_789
    ms = 1_000_000
    files = {
        "old.txt": [10, now - 200 * ms, 1, now - 200 * ms],
        "recent.txt": [10, now - 50 * ms, 2, now - 50 * ms],
        # Whole seconds: a file system that keeps seconds only steps every 1-2 s.
        "coarse-old.txt": [10, (now // 10**9 - 4) * 10**9, 3, (now // 10**9 - 4) * 10**9],
        "coarse-recent.txt": [10, (now // 10**9 - 2) * 10**9, 4, (now // 10**9 - 2) * 10**9],
        "future-mtime.txt": [10, now + 10**12, 5, now - 200 * ms],  # touch -d next year
        "not-stored.txt": [10, now - 200 * ms, 6, now - 200 * ms],
    }
    documents = {
        source: SourceDocument(source, "t", "2024-01-01", "en", "text", "0" * 64)
        for source in files
        if source != "not-stored.txt"
    }
    record = {"format": 1, "scanned_ns": now, "reader": reader_fingerprint(), "files": files}
    assert sorted(file_keys.unchanged_files(record, documents)) == ["coarse-old.txt", "old.txt"]
    assert file_keys.unchanged_files(record, documents)["old.txt"] == (
        tuple(files["old.txt"]),
        documents["old.txt"],
    )
    # Texts read by other reading code are not reused: a fixed decoder must see every file.
    record["reader"] = "another version"
    assert file_keys.unchanged_files(record, documents) == {}
