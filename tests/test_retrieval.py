"""Retrieval: questions written from each article rank that article first, in every mode."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.retrieval import WEIGHTS, prepare_query, retrieve

A000, A001, A003, A004 = (
    "000_b5ed93c4b23e3d48.txt",
    "001_12eda452278b32ab.txt",
    "003_fa2cacf23ea43557.txt",
    "004_757c3292b47dc842.txt",
)
# Written from the articles themselves (not from benchmarks/questions/), two or more per article.
QUESTIONS = [
    (A000, "How did Mayawati describe the parties in both the NDA and the INDIA alliances?"),
    (A000, "Which former Saharanpur MLA was thrown out of the BSP?"),
    (A001, "How many votes did the BSP candidate get in the Rajya Sabha polls?"),
    (A001, "Whose re-election to the Rajya Sabha was Akhilesh Yadav going to celebrate?"),
    (A003, "Which Lok Sabha seats did Apna Dal (K) withdraw its candidates from?"),
    (A003, "In how many phases will Uttar Pradesh vote?"),
    (A004, "Which seats did the Congress win in Uttar Pradesh in 2009?"),
    (A004, "How many members does the INDIA alliance have?"),
]
HINDI = "002_ae3089e6771e0f62.txt"
HINDI_QUESTIONS = [
    "बसपा की बैठक लखनऊ में किस दिन हुई?",
    "राष्ट्रीय और प्रदेश कोआर्डिनेटरों से क्या ली गई?",
    "आजमगढ़ और रामपुर उपचुनाव में सपा का क्या हुआ?",
    "विधानसभा चुनाव में काम न करने वालों के साथ क्या किया जा रहा है?",
]
# The subset that each single retriever also gets right on its own.
DENSE_QUESTIONS = [QUESTIONS[i] for i in (0, 1, 2, 3, 4, 5, 6)]
BM25_QUESTIONS = [QUESTIONS[i] for i in (0, 1, 2, 3, 4, 5, 6, 7)]


def top_source(assistant: Assistant, question: str, mode: str) -> str:
    passages = assistant.search(question, mode=mode)
    assert passages, f"{mode} found nothing for {question!r}"
    return passages[0].source


@pytest.mark.parametrize(("source", "question"), QUESTIONS)
def test_english_question_ranks_its_article_first_in_hybrid(
    assistant: Assistant, source: str, question: str
) -> None:
    assert top_source(assistant, question, "hybrid") == source


@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
@pytest.mark.parametrize("question", HINDI_QUESTIONS)
def test_hindi_question_ranks_the_hindi_article_first(
    assistant: Assistant, question: str, mode: str
) -> None:
    assert top_source(assistant, question, mode) == HINDI


@pytest.mark.parametrize(("source", "question"), DENSE_QUESTIONS)
def test_dense_mode_ranks_the_article_first(
    assistant: Assistant, source: str, question: str
) -> None:
    assert top_source(assistant, question, "dense") == source


@pytest.mark.parametrize(("source", "question"), BM25_QUESTIONS)
def test_bm25_mode_ranks_the_article_first(
    assistant: Assistant, source: str, question: str
) -> None:
    assert top_source(assistant, question, "bm25") == source


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_mode_uses_only_its_retrievers(assistant: Assistant, mode: str) -> None:
    query = prepare_query(QUESTIONS[1][1], assistant.config.index.model_path)
    hits = retrieve(assistant.index, query, top_k=5, mode=mode)
    assert len(hits) == 5
    assert len({hit.chunk_id for hit in hits}) == 5
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    if mode == "dense":
        assert all(hit.score == hit.dense and hit.bm25 == 0 for hit in hits)
    elif mode == "bm25":
        assert all(hit.score == hit.bm25 for hit in hits)
    else:
        # English question over English text: every signal counts, the phonetic one included.
        for hit in hits:
            language = str(assistant.index.chunk_languages[hit.chunk_id])
            dense, bm25, sounds = WEIGHTS[query.language, language]
            expected = dense * hit.dense + bm25 * hit.bm25 + sounds * hit.phonetic
            assert hit.score == pytest.approx(expected, abs=1e-6)
        assert all(any(getattr(hit, s) > 0 for hit in hits) for s in ("dense", "bm25", "phonetic"))


@pytest.mark.parametrize("top_k", [1, 3, 10])
def test_top_k_bounds_the_passages(assistant: Assistant, top_k: int) -> None:
    passages = assistant.search("What did the Congress claim in Uttar Pradesh?", top_k=top_k)
    assert len(passages) == top_k
    for passage in passages:
        text = assistant.document_text(passage.source)
        assert text[passage.start : passage.start + len(passage.text)] == passage.text


def test_an_unknown_mode_is_refused(assistant: Assistant) -> None:
    with pytest.raises(ValueError, match="Unknown retrieval mode 'fuzzy'"):
        assistant.search("Who is Mayawati?", mode="fuzzy")


def test_dense_mode_returns_passages_for_a_hindi_question(assistant: Assistant) -> None:
    assert assistant.search(HINDI_QUESTIONS[0], mode="dense")
