"""Properties of chunk offsets over arbitrary Unicode: exact slices, nesting, order and coverage."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import (
    DocumentsFolderError,
    IndexConfig,
    UnreadableFile,
    chunk_document,
    load_documents,
)
from index.reading.decoding import clean_text
from index.text.chunking import MAX_SENTENCE_CHARS

# Any code point (surrogates cannot be stored), with sentence ends, Devanagari and whitespace
# made common so that the interesting boundaries actually occur.
_ANY = st.characters(blacklist_categories=("Cs",))
_TEXT = st.text(
    alphabet=st.one_of(_ANY, st.sampled_from(list(". ! ? । \n\t\u3000\u200b\u200dनमस्ते\"')"))),
    max_size=1500,
)
SETTINGS = settings(max_examples=150, deadline=None)


def check_chunks(text: str, max_chars: int) -> None:
    chunks = chunk_document("doc.txt", text, max_chars)
    sentences = [span for chunk in chunks for span in chunk.sentences]
    previous_end = 0
    for chunk in chunks:
        # What a citation shows is text[start:end]: it is the chunk, from its first sentence
        # to its last, and the chunk holds whole sentences only.
        assert chunk.sentences and chunk.start == chunk.sentences[0][0]
        assert chunk.end == chunk.sentences[-1][1]
        assert text[chunk.start : chunk.end].startswith(text[slice(*chunk.sentences[0])])
        assert text[chunk.start : chunk.end].endswith(text[slice(*chunk.sentences[-1])])
        assert chunk.end - chunk.start <= max(max_chars, MAX_SENTENCE_CHARS)
        for start, end in chunk.sentences:
            assert previous_end <= start < end <= len(text)
            assert chunk.start <= start and end <= chunk.end
            sentence = text[start:end]
            assert sentence == sentence.strip() and end - start <= MAX_SENTENCE_CHARS
            previous_end = end
    # Coverage: only whitespace lies outside the sentences, so no text is lost.
    inside = [False] * len(text)
    for start, end in sentences:
        inside[start:end] = [True] * (end - start)
    assert all(char.isspace() for char, covered in zip(text, inside, strict=True) if not covered)


@SETTINGS
@given(_TEXT, st.integers(min_value=1, max_value=900))
def test_chunk_offsets_hold_for_any_unicode_text(text: str, max_chars: int) -> None:
    check_chunks(text, max_chars)


@SETTINGS
@given(_TEXT)
def test_chunk_offsets_hold_for_cleaned_text_at_the_default_size(text: str) -> None:
    try:
        cleaned = clean_text(text)
    except UnreadableFile:
        return
    check_chunks(cleaned, IndexConfig().chunk_chars)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_TEXT.filter(str.strip))
def test_offsets_index_the_text_a_file_loads_as(tmp_path: Path, text: str) -> None:
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    try:
        (document,) = load_documents(IndexConfig(documents_dir=tmp_path)).documents
    except DocumentsFolderError as nothing:  # only control characters: skipped, with a reason
        assert "No readable documents" in str(nothing)
        return
    check_chunks(document.text, IndexConfig().chunk_chars)
