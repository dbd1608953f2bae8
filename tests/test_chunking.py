"""Chunking: sentences and chunks keep exact offsets into the document text, for any input."""

from __future__ import annotations

import time

import pytest
from conftest import DOCUMENTS
from hypothesis import given, settings
from hypothesis import strategies as st

from index import IndexConfig, chunk_document, load_documents, split_sentences
from index.text.chunking import MAX_SENTENCE_CHARS

CHUNK_CHARS = IndexConfig().chunk_chars


def assert_valid_chunks(text: str, max_chars: int) -> None:
    """Every invariant a citation relies on, for one text."""
    chunks = chunk_document("doc.txt", text, max_chars)
    all_sentences = [span for chunk in chunks for span in chunk.sentences]
    assert all_sentences == split_sentences(text)
    previous_end = 0
    for chunk in chunks:
        assert chunk.source == "doc.txt"
        assert chunk.sentences, "a chunk holds at least one sentence"
        assert chunk.start == chunk.sentences[0][0]
        assert chunk.end == chunk.sentences[-1][1]
        assert chunk.end - chunk.start <= max_chars or len(chunk.sentences) == 1
        for start, end in chunk.sentences:
            assert previous_end <= start < end <= len(text)
            assert chunk.start <= start and end <= chunk.end
            assert text[start:end] == text[start:end].strip()
            previous_end = end


@pytest.mark.parametrize("source", sorted(p.name for p in DOCUMENTS.glob("*.txt")))
def test_bundled_articles_chunk_with_exact_offsets(source: str) -> None:
    documents = load_documents(IndexConfig(documents_dir=DOCUMENTS)).documents
    (document,) = [d for d in documents if d.source == source]
    assert_valid_chunks(document.text, CHUNK_CHARS)
    chunks = chunk_document(source, document.text, CHUNK_CHARS)
    # Only whitespace lies outside the sentences: no text is lost between them.
    covered = "".join(document.text[a:b] for c in chunks for a, b in c.sentences)
    assert "".join(covered.split()) == "".join(document.text.split())


def test_hindi_sentence_ends_at_a_danda_even_without_a_space() -> None:
    text = "मायावती ने बैठक की।उन्होंने निर्देश दिए। अगली बैठक जुलाई में होगी"
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == ["मायावती ने बैठक की।", "उन्होंने निर्देश दिए।", "अगली बैठक जुलाई में होगी"]


def test_english_sentences_end_at_stops_and_line_breaks() -> None:
    text = 'He said "Go." Then he left! Did she?\nHeadline without a stop\n  Last one.  '
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == [
        'He said "Go."',
        "Then he left!",
        "Did she?",
        "Headline without a stop",
        "Last one.",
    ]


def test_chunks_never_exceed_the_limit_unless_one_sentence() -> None:
    text = " ".join(f"Sentence number {i} says a little." for i in range(200))
    chunks = chunk_document("doc.txt", text, 120)
    assert len(chunks) > 10
    assert all(c.end - c.start <= 120 for c in chunks)
    assert_valid_chunks(text, 120)


def test_a_long_sentence_is_its_own_chunk() -> None:
    text = "Short one. " + "word " * 70 + "end. Short two."
    chunks = chunk_document("doc.txt", text, 100)
    assert [len(c.sentences) for c in chunks] == [1, 1, 1]
    assert chunks[1].end - chunks[1].start > 100


@pytest.mark.parametrize(
    "line",
    [
        "word " * 200_000,
        "a" * 1_000_000,
        ("x" * (MAX_SENTENCE_CHARS - 1) + "\t") * (1_000_000 // MAX_SENTENCE_CHARS),
        ("ab" * 150 + "  ") * 3000,
    ],
    ids=["words", "no-spaces", "tabs", "double-spaces"],
)
def test_a_1mb_single_line_is_split_quickly_into_bounded_sentences(line: str) -> None:
    started = time.perf_counter()
    chunks = chunk_document("big.txt", line, CHUNK_CHARS)
    assert time.perf_counter() - started < 2.0
    sentences = [span for chunk in chunks for span in chunk.sentences]
    assert len(sentences) >= len(line) // MAX_SENTENCE_CHARS
    for start, end in sentences:
        assert 0 < end - start <= MAX_SENTENCE_CHARS
        assert line[start:end] == line[start:end].strip()
    for chunk in chunks:
        assert chunk.end - chunk.start <= CHUNK_CHARS or len(chunk.sentences) == 1
        assert chunk.end - chunk.start <= max(CHUNK_CHARS, MAX_SENTENCE_CHARS)


def test_a_cut_inside_a_run_of_spaces_does_not_end_a_sentence_in_whitespace() -> None:
    half = MAX_SENTENCE_CHARS * 3 // 4
    text = "a" * half + "  " + "b" * half
    assert [text[a:b] for a, b in split_sentences(text)] == ["a" * half, "b" * half]


@settings(deadline=None)  # timing on a busy machine is not what is tested
@given(st.text())
def test_offsets_are_valid_for_any_unicode_text(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    assert_valid_chunks(text, 50)


# Long words and runs of mixed whitespace, to exercise the cutting of over-long sentences.
_WORDS = st.builds(
    lambda length, letter, gap: letter * length + gap,
    st.integers(1, 200),
    st.sampled_from(["a", "b", "न"]),
    st.sampled_from([" ", "  ", "\t", " \t ", "\u3000", ". ", "?\n", "।", ""]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=40).map("".join), st.integers(1, 800))
def test_offsets_are_valid_for_long_runs(text: str, max_chars: int) -> None:
    for start, end in split_sentences(text):
        assert end - start <= MAX_SENTENCE_CHARS
        assert not text[start].isspace() and not text[end - 1].isspace()
    assert_valid_chunks(text, max_chars)
