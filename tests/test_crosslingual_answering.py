"""Answers across languages in a mixed folder: the other language's chunks, thresholds per model."""

from __future__ import annotations

from dataclasses import replace

from assistant import Assistant
from assistant.answering import answer, answer_from, score_sentences
from assistant.questiontypes import asked_type, can_answer
from assistant.retrieval import prepare_query, retrieve, uses_multilingual

# Only the Hindi article (002_...) says the meeting was on Thursday (गुरुवार); the English
# articles about BSP meetings fill the top five chunks for this question.
THURSDAY = "On which day of the week was the meeting at the BSP office held?"


def _query(assistant: Assistant, question: str):  # type: ignore[no-untyped-def]
    index = assistant.index
    return prepare_query(question, assistant.config.index.model_path, uses_multilingual(index))


def test_the_answerer_reads_the_best_chunks_in_the_other_language_beyond_the_top(
    assistant: Assistant,
) -> None:
    index, query = assistant.index, _query(assistant, THURSDAY)
    top = retrieve(index, query, 5)
    more = retrieve(index, query, 5, other_languages=2)
    assert [hit.chunk_id for hit in more[:5]] == [hit.chunk_id for hit in top]
    assert all(index.chunk_languages[hit.chunk_id] == "en" for hit in top)
    extra = more[5:]
    assert len(extra) == 2
    assert all(index.chunk_languages[hit.chunk_id] == "hi" for hit in extra)
    assert extra[0].score >= extra[1].score


def test_an_english_question_is_answered_from_a_hindi_chunk_outside_the_top_five(
    assistant: Assistant,
) -> None:
    result = assistant.ask(THURSDAY)
    assert not result.refused
    first = result.citations[0]
    assert first.language == "hi" and "गुरुवार" in first.quote, result.answer
    text = assistant.document_text(first.source)
    assert text[first.start : first.end] == first.quote


def test_each_model_refuses_by_its_own_threshold(assistant: Assistant) -> None:
    index, query = assistant.index, _query(assistant, THURSDAY)
    hits = retrieve(index, query, 5, other_languages=2)
    ranked = sorted(score_sentences(index, query, hits, assistant.config), key=lambda c: -c.score)
    assert {c.model for c in ranked} == {"same", "across"}
    # English sentences can never pass, Hindi ones always: the answer comes from Hindi, even
    # when an English sentence ranks first.
    trusting = replace(assistant.config, refusal_threshold=1.01, multilingual_refusal_threshold=0)
    english_first = sorted(ranked, key=lambda c: c.model != "same")
    result = answer_from(index, query, english_first, trusting)
    assert not result.refused and result.citations[0].language == "hi"
    strict = replace(trusting, multilingual_refusal_threshold=1.01)
    assert answer_from(index, query, ranked, strict).refused
    assert answer(index, query, hits, strict).refused


def test_a_hindi_question_is_scored_by_the_e5_model(assistant: Assistant) -> None:
    index = assistant.index
    query = _query(assistant, "बसपा कार्यालय में बैठक किस दिन हुई?")
    hits = retrieve(index, query, 5, other_languages=2)
    candidates = score_sentences(index, query, hits, assistant.config)
    hindi = [c for c in candidates if c.model == "e5"]
    assert hindi and not [c for c in candidates if c.model == "same"]
    # e5's cosine, where MiniLM's (which cannot read Hindi) used to be 0.
    assert any(c.features[0] > 0 for c in hindi)


def test_hindi_who_questions_ask_for_a_name_across_scripts() -> None:
    assert asked_type("बसपा प्रमुख कौन है?") == "name"
    assert asked_type("ओवैसी और पल्लवी पटेल किस शहर में मिले थे?") == "name"
    assert asked_type("मायावती ने सपा से नजदीकी को किसके हित में बताया?") is None
    question = "बसपा प्रमुख कौन है?"
    assert can_answer("BSP chief Mayawati met the coordinators.", "name", question)
    assert not can_answer("The BSP chief met the coordinators.", "name", question)
    # Devanagari has no capitals: a Hindi sentence is not ruled out for an English "who".
    assert can_answer("बसपा प्रमुख मायावती ने बैठक की।", "name", "Who is the BSP chief?")


def test_a_sound_every_other_language_candidate_holds_weighs_nothing() -> None:
    from assistant.candidates import _sound_rarity

    # "bsp" is in all three candidates, "mayawati" in one, "kairana" in none.
    held = [frozenset({"bsp", "mayawati"}), frozenset({"bsp"}), frozenset({"bsp"})]
    rarity = _sound_rarity({"bsp", "mayawati", "kairana"}, held)
    assert rarity["bsp"] == 0.0
    assert 0.0 < rarity["mayawati"] < rarity["kairana"]
    assert _sound_rarity({"bsp"}, []) == {"bsp": 0.0}
