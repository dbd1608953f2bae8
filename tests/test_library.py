"""Managing the documents folder: uploads checked before writing, deletes inside the folder only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import DOCUMENTS

from assistant import Assistant, AssistantConfig
from assistant.library import (
    LibraryError,
    delete_document,
    list_documents,
    safe_name,
    save_upload,
    sync,
)
from index import IndexConfig, build_index
from ui.document_views import documents_table

PIER = "The Zorblax pier was painted teal in 2021 by the harbour crew.\n"


@pytest.fixture()
def library(tmp_path: Path) -> Assistant:
    """Two of the project's documents in their own folder and index, with small limits."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for name in sorted(os.listdir(DOCUMENTS))[:2]:
        (documents / name).write_bytes((DOCUMENTS / name).read_bytes())
    config = IndexConfig(
        documents_dir=documents, storage_dir=tmp_path / "storage", max_file_bytes=4096
    )
    build_index(config)
    return Assistant.open(AssistantConfig(index=config))


def upload(tmp_path: Path, content: bytes | str, name: str = "upload.bin") -> Path:
    path = tmp_path / "uploads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def folder_listing(library: Assistant) -> list[str]:
    return sorted(os.listdir(library.config.index.documents_dir))


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("../../outside.txt", "outside.txt"),
        ("/etc/cron.d/evil.txt", "evil.txt"),
        ("..\\..\\windows.txt", "windows.txt"),
        ("<img src=x onerror=alert(1)>.txt", "img src_x onerror_alert(1).txt"),
        ("मायावती.TXT", "मायावती.txt"),
        ("notes\x00.md", "notes.md"),
    ],
)
def test_names_are_sanitised_into_the_folder(
    library: Assistant, tmp_path: Path, name: str, saved: str
) -> None:
    assert safe_name(name) == saved
    assert save_upload(library, name, upload(tmp_path, PIER)) == saved

    assert (library.config.index.documents_dir / saved).read_text() == PIER
    assert (
        not (tmp_path / "outside.txt").exists() and not (tmp_path.parent / "outside.txt").exists()
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", PIER, "type .exe is not allowed"),
        ("noextension", PIER, r"type \(none\) is not allowed"),
        ("big.txt", "x" * 5000, "over the"),
        (".hidden", PIER, "no usable file name"),
    ],
)
def test_refused_uploads_write_nothing(
    library: Assistant, tmp_path: Path, name: str, content: str, message: str
) -> None:
    before = folder_listing(library)
    with pytest.raises(LibraryError, match=message):
        save_upload(library, name, upload(tmp_path, content))
    assert folder_listing(library) == before


def test_an_existing_name_or_a_planted_symlink_is_never_overwritten(
    library: Assistant, tmp_path: Path
) -> None:
    documents = library.config.index.documents_dir
    existing = folder_listing(library)[0]
    original = (documents / existing).read_bytes()
    target = tmp_path / "secret.txt"
    target.write_text("do not touch")
    (documents / "link.txt").symlink_to(target)

    for name in (existing, "link.txt"):
        with pytest.raises(LibraryError, match="already exists"):
            save_upload(library, name, upload(tmp_path, PIER))

    assert (documents / existing).read_bytes() == original
    assert target.read_text() == "do not touch"
    assert not [n for n in os.listdir(documents) if n.startswith(".upload")]


def test_delete_removes_a_listed_file_only(library: Assistant, tmp_path: Path) -> None:
    documents = library.config.index.documents_dir
    target = tmp_path / "secret.txt"
    target.write_text("do not touch")
    (documents / "link.txt").symlink_to(target)

    for name in ("../secret.txt", str(target), "nothing.txt", ""):
        with pytest.raises(LibraryError, match="not a file in the documents folder"):
            delete_document(library, name)
    delete_document(library, "link.txt")

    assert target.read_text() == "do not touch" and not (documents / "link.txt").exists()
    first, second = folder_listing(library)
    delete_document(library, first)
    with pytest.raises(LibraryError, match="the only document"):
        delete_document(library, second)


def test_upload_then_sync_lists_every_file_with_its_ledger(
    library: Assistant, tmp_path: Path
) -> None:
    old_answer = library.ask("What colour was the Zorblax pier painted?")
    save_upload(library, "pier.txt", upload(tmp_path, PIER))
    (library.config.index.documents_dir / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)

    report = sync(library)
    rows = {row.source: row for row in list_documents(library)}

    assert old_answer.refused
    assert report.count("indexed") == 3 and report.count("skipped") == 1
    assert rows["pier.txt"].status == "indexed" and rows["pier.txt"].chunks == 1
    assert rows["pier.txt"].date_origin == "file modified"
    assert rows["binary.txt"].status == "skipped" and rows["binary.txt"].reason
    assert any(row.date_origin == "from the text" for row in rows.values())
    cited = library.ask("What colour was the Zorblax pier painted?")
    assert not cited.refused and cited.citations[0].source == "pier.txt"
    table = documents_table(list(rows.values()))
    assert "binary.txt" in table and "skipped: " in table and "(file modified)" in table


def test_the_table_shows_an_html_file_name_as_text(library: Assistant, tmp_path: Path) -> None:
    saved = save_upload(library, "x.txt", upload(tmp_path, "<script>alert(1)</script> text\n"))
    sync(library)
    table = documents_table(list_documents(library))

    assert saved == "x.txt" and "<script>" not in table and "&lt;script&gt;" in table


def test_a_skipped_file_alone_still_reaches_the_ledger(library: Assistant) -> None:
    # Nothing indexable changed, so the sync commits only its file records and ledger.
    (library.config.index.documents_dir / "notes.txt").write_bytes(b"caf\xe9 latin-1\n")

    report = sync(library)
    rows = {row.source: row for row in list_documents(library)}

    assert report.up_to_date and report.count("skipped") == 1
    assert rows["notes.txt"].status == "skipped" and "UTF-8" in rows["notes.txt"].reason
