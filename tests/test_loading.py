"""Loading: metadata of the bundled articles, every supported format, and a ledger for bad files."""

from __future__ import annotations

import codecs
import os
import unicodedata
from pathlib import Path

import pytest
from conftest import DOCUMENTS
from hypothesis import given, settings
from hypothesis import strategies as st

from index import (
    DocumentsFolderError,
    IndexConfig,
    SourceDocument,
    UnreadableFile,
    load_documents,
)
from index.reading.decoding import decode_bytes
from index.reading.metadata import file_date
from index.text.chunking import split_sentences

MARKED_DATES = {
    "000_b5ed93c4b23e3d48.txt": "2023-08-30",
    "001_12eda452278b32ab.txt": "2018-03-27",
    "003_fa2cacf23ea43557.txt": "2024-03-31",
    "004_757c3292b47dc842.txt": "2024-01-10",
}
HINDI = "002_ae3089e6771e0f62.txt"


def load(folder: Path):
    return load_documents(IndexConfig(documents_dir=folder))


def only_document(folder: Path):
    result = load(folder)
    assert len(result.documents) == 1, result.outcomes
    return result.documents[0]


def test_bundled_articles_load_with_their_metadata() -> None:
    result = load(DOCUMENTS)
    documents = {d.source: d for d in result.documents}
    assert sorted(documents) == sorted(p.name for p in DOCUMENTS.glob("*.txt"))
    assert [o.status for o in result.outcomes] == ["indexed"] * 5
    for source, document in documents.items():
        assert not document.text.startswith("date")
        assert document.text == document.text.strip()
        first_line = document.text.splitlines()[0].strip()
        # Long first lines are cut at a word and end with an ellipsis.
        assert document.title == first_line or (
            document.title.endswith("…") and first_line.startswith(document.title[:-1])
        )
        if source in MARKED_DATES:
            assert document.date == MARKED_DATES[source]
            assert f"date {document.date}" not in document.text[:40]
            assert document.date_source == "text"
            assert document.language == "en"
        else:
            assert document.date == file_date(DOCUMENTS / source)
            assert document.date_source == "file"  # the checkout's time, not the article's date
            assert document.language == "hi"
    assert documents[HINDI].title.startswith("उपचुनाव में अच्छे परिणाम")
    assert documents["001_12eda452278b32ab.txt"].text.startswith("The Samajwadi Party, which")


def test_markdown_title_drops_the_heading_marks(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Monsoon notes\n\nThe monsoon reached Mumbai on June 11.")
    document = only_document(tmp_path)
    assert document.source == "notes.md"
    assert document.title == "Monsoon notes"
    assert "The monsoon reached Mumbai on June 11." in document.text


def test_date_marker_in_markdown_is_metadata(tmp_path: Path) -> None:
    (tmp_path / "dated.md").write_text(" date 2021-02-03 Headline here\n\nBody text follows.")
    document = only_document(tmp_path)
    assert document.date == "2021-02-03"
    assert document.text.startswith("Headline here")
    assert document.title == "Headline here"


def test_invalid_date_marker_stays_in_the_text(tmp_path: Path) -> None:
    (tmp_path / "odd.txt").write_text("date 2021-13-45 is not a real date.")
    document = only_document(tmp_path)
    assert document.text.startswith("date 2021-13-45")
    assert document.date == file_date(tmp_path / "odd.txt")


HTML = """<!DOCTYPE html>
<html><head><title>Head title</title>
<style>body { color: red; } .styleleak {}</style>
<script>var headScriptLeak = 1;</script></head>
<body><h1>Monsoon report</h1>
<p>The <b>monsoon</b> arrived in Kerala on June 1 this year.</p>
<script>console.log("bodyScriptLeak");</script>
<style>.bodyStyleLeak { display: none }</style>
<noscript>noscriptLeak</noscript>
<div><p>Rainfall was ten percent above normal.</p><p>Farmers welcomed it.</p></div>
</body></html>
"""


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML)
    document = only_document(tmp_path)
    for leak in ("Leak", "leak", "color: red", "console.log", "Head title"):
        assert leak not in document.text
    assert document.title == "Monsoon report"
    sentences = [document.text[a:b] for a, b in split_sentences(document.text)]
    # Inline tags stay inside their sentence; block tags end one.
    assert "The monsoon arrived in Kerala on June 1 this year." in sentences
    assert "Rainfall was ten percent above normal." in sentences
    assert "Farmers welcomed it." in sentences


def test_html_fragment_without_body_loads(tmp_path: Path) -> None:
    (tmp_path / "fragment.htm").write_text(
        "<p>A fragment with <i>no</i> body tag.</p><script>alert(1)</script>"
    )
    document = only_document(tmp_path)
    assert document.text == "A fragment with no body tag."


def test_docx_loads(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    word = docx.Document()
    word.add_heading("Budget summary", level=1)
    word.add_paragraph("The council approved a budget of 12 million rupees for new schools.")
    word.save(str(tmp_path / "report.docx"))
    document = only_document(tmp_path)
    assert document.source == "report.docx"
    assert document.title == "Budget summary"
    assert "12 million rupees for new schools." in document.text


def test_pdf_loads(tmp_path: Path) -> None:
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    pdf = canvas.Canvas(str(tmp_path / "memo.pdf"))
    pdf.drawString(72, 720, "Quarterly memo")
    pdf.drawString(72, 700, "The warehouse in Pune shipped 4200 parcels in March.")
    pdf.showPage()
    pdf.save()
    document = only_document(tmp_path)
    assert document.source == "memo.pdf"
    assert document.title == "Quarterly memo"
    assert "The warehouse in Pune shipped 4200 parcels in March." in document.text


GOOD = "River notes\n\nThe river Ganga flows past Varanasi."


def test_bad_inputs_are_skipped_with_reasons_and_the_ledger_adds_up(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "copy.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n   ")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (tmp_path / "latin1.txt").write_bytes("café naïve".encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes(
        codecs.BOM_UTF16_LE + "Sixteen bits: café naïve नमस्ते.".encode("utf-16-le")
    )
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "loop").symlink_to(".")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "sub" / "nested.md").write_text("# Nested\n\nA nested note.")
    seen = {"good.txt", "copy.txt", "empty.txt", "blank.txt", "binary.txt", "latin1.txt"}
    seen |= {"utf16.txt", "image.png", "loop", "sub/up", "sub/nested.md"}

    result = load(tmp_path)

    outcomes = {o.source: o for o in result.outcomes}
    assert len(result.outcomes) == len(outcomes) == len(seen)
    assert set(outcomes) == seen
    indexed = {o.source for o in result.outcomes if o.status == "indexed"}
    assert indexed == {d.source for d in result.documents}
    assert len(indexed) + sum(o.status in ("skipped", "duplicate") for o in result.outcomes) == len(
        seen
    )
    assert indexed == {"copy.txt", "utf16.txt", "sub/nested.md"}
    expected_reasons = {
        "good.txt": "duplicate of copy.txt",
        "empty.txt": "empty",
        "blank.txt": "empty",
        "binary.txt": "binary",
        "latin1.txt": "not valid UTF-8",
        "image.png": "unsupported type .png",
        "loop": "link to a folder",
        "sub/up": "link to a folder",
    }
    for source, reason in expected_reasons.items():
        assert outcomes[source].status == ("duplicate" if source == "good.txt" else "skipped")
        assert reason in outcomes[source].reason
    texts = {d.source: d.text for d in result.documents}
    assert texts["utf16.txt"] == "Sixteen bits: café naïve नमस्ते."
    assert not any("caf nave" in text or "\x00" in text for text in texts.values())


def test_latin1_is_skipped_not_mangled(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "latin1.txt").write_bytes("café naïve".encode("latin-1"))
    result = load(tmp_path)
    assert [d.source for d in result.documents] == ["good.txt"]
    (outcome,) = [o for o in result.outcomes if o.source == "latin1.txt"]
    assert outcome.status == "skipped"
    assert "UTF-8" in outcome.reason and "save it as UTF-8" in outcome.reason


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + "café naïve".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "café naïve".encode("utf-16-be"),
        codecs.BOM_UTF8 + "café naïve".encode(),
        "café naïve".encode(),
    ],
    ids=["utf16le", "utf16be", "utf8-bom", "utf8"],
)
def test_unicode_encodings_with_a_bom_decode_exactly(data: bytes) -> None:
    assert decode_bytes(data) == "café naïve"


def test_duplicate_file_is_reported_and_indexed_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text(GOOD)
    result = load(tmp_path)
    assert [d.source for d in result.documents] == ["a.txt"]
    assert result.outcomes[1].source == "b.txt"
    assert result.outcomes[1].status == "duplicate"
    assert result.outcomes[1].reason == "duplicate of a.txt"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_skipped_with_the_os_reason(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    locked = tmp_path / "locked.txt"
    locked.write_text("secret text")
    locked.chmod(0)
    try:
        result = load(tmp_path)
    finally:
        locked.chmod(0o644)
    (outcome,) = [o for o in result.outcomes if o.source == "locked.txt"]
    assert outcome.status == "skipped"
    assert "cannot be read" in outcome.reason and "Permission denied" in outcome.reason
    assert [d.source for d in result.documents] == ["good.txt"]


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DocumentsFolderError, match="does not exist: create it"):
        load(tmp_path / "nowhere")


def test_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DocumentsFolderError, match=r"No readable documents .*add \.txt"):
        load(tmp_path)


def test_folder_of_only_bad_files_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(DocumentsFolderError, match="No readable documents"):
        load(tmp_path)


@settings(deadline=None)  # timing on a busy machine is not what is tested
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_decode_cleanly_or_raise_unreadable(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except UnreadableFile as problem:
        assert str(problem)
        return
    assert text.strip()
    assert "\x00" not in text and "\ufeff" not in text and "\r" not in text


_VISIBLE = st.characters(
    blacklist_categories=("Cc", "Cs"),
    blacklist_characters="\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)


@settings(deadline=None)
@given(st.text(alphabet=st.one_of(_VISIBLE, st.sampled_from("\n\t ")), max_size=300))
def test_valid_utf8_text_is_kept_up_to_nfc(text: str) -> None:
    data = text.encode("utf-8")
    if not text.strip():
        with pytest.raises(UnreadableFile):
            decode_bytes(data)
        return
    assert decode_bytes(data) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("name", ["broken.pdf", "broken.docx"])
def test_a_damaged_rich_file_is_skipped_with_the_parser_reason(tmp_path: Path, name: str) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / name).write_bytes(b"this is not really a " + name.encode() + b" file\n" * 50)
    result = load(tmp_path)
    assert [d.source for d in result.documents] == ["good.txt"]
    (outcome,) = [o for o in result.outcomes if o.source == name]
    assert outcome.status == "skipped"
    assert outcome.reason.startswith("could not be parsed")
    # The parser's own error, not a wrapper around it.
    assert "Retry" not in outcome.reason and "Future" not in outcome.reason


def test_an_oversized_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "huge.txt").write_text("word " * 300_000)
    result = load_documents(IndexConfig(documents_dir=tmp_path, max_file_bytes=2**20))
    assert [d.source for d in result.documents] == ["good.txt"]
    (outcome,) = [o for o in result.outcomes if o.source == "huge.txt"]
    assert (outcome.status, outcome.reason) == (
        "skipped",
        "is 1.4 MB, over the 1 MB limit (raise it with ASSISTANT_MAX_FILE_MB)",
    )


def file_key(path: Path) -> tuple[int, int, int, int]:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)


@pytest.mark.parametrize("field", range(4), ids=["size", "mtime", "inode", "ctime"])
def test_a_file_is_taken_unread_only_while_all_four_parts_of_its_key_match(
    tmp_path: Path, field: int
) -> None:
    (tmp_path / "notes.txt").write_text(GOOD)
    stored = SourceDocument("notes.txt", "Stored", "2020-01-01", "en", "Stored text.", "0" * 64)
    key = file_key(tmp_path / "notes.txt")
    config = IndexConfig(documents_dir=tmp_path)

    unread = load_documents(config, unchanged={"notes.txt": (key, stored)})
    assert unread.documents == [stored] and unread.read == set()
    assert unread.keys == {"notes.txt": key}

    moved = (*key[:field], key[field] + 1, *key[field + 1 :])
    read = load_documents(config, unchanged={"notes.txt": (moved, stored)})
    assert [d.text for d in read.documents] == [GOOD] and read.read == {"notes.txt"}


def test_the_key_is_taken_before_the_bytes_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write between the stat and the read must leave a key that the next sync finds moved.
    path = tmp_path / "notes.txt"
    path.write_text(GOOD)
    before = file_key(path)
    read_bytes = Path.read_bytes

    def written_meanwhile(self: Path) -> bytes:
        if self == path:
            path.write_text(GOOD + " Added while indexing.")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", written_meanwhile)
    result = load_documents(IndexConfig(documents_dir=tmp_path))
    assert result.keys["notes.txt"] == before != file_key(path)
    assert result.documents[0].text.endswith("Added while indexing.")
