"""Generated answers with a generator that lies on purpose: no failed sentence reaches an answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from assistant import Assistant
from assistant.config import LLMConfig
from assistant.conversation import Conversation, Reply
from assistant.generation import pipeline
from assistant.generation.checks import checker_for
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import negated
from assistant.generation.verifying import MARKER, split_reply

SPEC = "openai:liar@http://127.0.0.1:9/v1"
QUESTION = "What did Mayawati say about an alliance?"
EVIDENCE_LINE = re.compile(r"^\[(\d+)\] (.*) \(\d{4}-\d\d-\d\d\)$", re.M)


@dataclass
class Delta:
    delta: str


class LyingLLM:
    """Copies each evidence sentence it is given, then tells lies about it in every known way."""

    def __init__(self, truthful: bool = True, reply: str | None = None):
        self.truthful = truthful
        self.reply = reply

    def stream_chat(self, messages: list) -> Iterator[Delta]:
        text = self.reply if self.reply is not None else self.write(messages[-1].content)
        for piece in re.findall(r"\S+\s*", text):
            yield Delta(piece)

    def write(self, prompt: str) -> str:
        sentences = []
        for number, sentence in EVIDENCE_LINE.findall(prompt)[:4]:
            body = sentence.rstrip(".।")
            if self.truthful:
                sentences.append(f"{body}. [{number}]")
            sentences += [
                f"{body} in 1987. [{number}]",  # a number the evidence does not give
                f"Narendra Modi and {body}. [{number}]",  # a name it does not give
                f"{body}. [99]",  # a marker that points at nothing
                f"{body} according to everyone.",  # no marker at all
            ]
            if not negated(sentence):
                sentences.append(f"It is not true that {body}. [{number}]")  # a negation
        return " ".join(sentences)


LIES = ("1987", "Narendra Modi", "according to everyone", "It is not true that")


@pytest.fixture
def with_llm(assistant: Assistant, monkeypatch: pytest.MonkeyPatch):
    def open_with(llm: LyingLLM) -> Assistant:
        monkeypatch.setattr(pipeline, "make_llm", lambda config: llm)
        config = replace(assistant.config, llm=LLMConfig(SPEC, timeout=30))
        return Assistant(assistant.index, config)

    return open_with


def test_no_sentence_that_fails_verification_reaches_the_answer(assistant, with_llm) -> None:
    liar = with_llm(LyingLLM())
    *deltas, reply = Conversation(liar).stream(QUESTION)
    assert isinstance(reply, Reply) and all(isinstance(delta, str) for delta in deltas)
    assert len(deltas) > 20  # the text streamed word by word before the verified answer
    answer = reply.answer
    assert answer.generator == SPEC and not answer.refused and not answer.notice
    assert not any(lie in answer.answer for lie in LIES)
    assert {lie for lie in LIES if any(lie in u.sentence for u in answer.unsupported)} == set(LIES)
    # Every kept sentence passes the checker against exactly the quotes it cites.
    checker = checker_for(assistant.index, assistant.config)
    quotes = {c.id: c for c in answer.citations}
    for sentence in split_reply(answer.answer):
        cited = [quotes[int(n)] for n in MARKER.findall(sentence)]
        assert cited, sentence
        evidence = [
            EvidenceSentence(
                c.id, c.source, c.title, c.date, c.date_source, c.start, c.end, c.quote,
                c.language, c.score,
            )
            for c in cited
        ]  # fmt: skip
        assert checker.check(MARKER.sub(" ", sentence).strip(), evidence).supported, sentence
    for citation in answer.citations:
        assert reply.texts[citation.source][citation.start : citation.end] == citation.quote


def test_when_every_sentence_lies_the_extractive_answer_comes_with_a_notice(with_llm) -> None:
    answer = with_llm(LyingLLM(truthful=False)).ask(QUESTION)
    assert answer.generator == "extractive" and "extractive answer shown" in answer.notice
    assert answer.unsupported and not any(lie in answer.answer for lie in LIES)
    assert answer.citations and not answer.refused


def test_garbage_is_dropped_and_the_not_found_phrase_refuses(with_llm) -> None:
    garbage = with_llm(LyingLLM(reply="<|im_start|>\u0000 ]]]] [[[[ 12 [ 3 ] lorem"))
    answer = garbage.ask(QUESTION)
    assert answer.generator == "extractive" and answer.notice
    silent = with_llm(LyingLLM(reply="")).ask(QUESTION)
    assert silent.generator == "extractive" and silent.notice.startswith("the LLM returned no text")
    refused = with_llm(LyingLLM(reply="Not found in the documents.")).ask(QUESTION)
    assert refused.refused and refused.generator == SPEC and not refused.citations


def test_an_unreachable_server_gives_one_line_and_the_extractive_answer(assistant) -> None:
    config = replace(assistant.config, llm=LLMConfig("openai:m@http://127.0.0.1:9/v1", timeout=20))
    answer = Assistant(assistant.index, config).ask(QUESTION)
    assert answer.generator == "extractive" and answer.citations
    assert answer.notice.startswith("the LLM failed") and "\n" not in answer.notice


class CondensingLLM(LyingLLM):
    """Answers the condense prompt with a fixed standalone question, and lies otherwise."""

    def __init__(self, standalone: str):
        super().__init__()
        self.standalone = standalone

    def stream_chat(self, messages: list) -> Iterator[Delta]:
        if "Rewritten question:" in messages[-1].content:
            yield Delta(self.standalone)
        else:
            yield from super().stream_chat(messages)


def test_a_follow_up_is_rewritten_into_a_standalone_question(with_llm) -> None:
    standalone = "How many seats did the SP win in 2009?"
    conversation = Conversation(with_llm(CondensingLLM(standalone)), [QUESTION])
    answer = conversation.ask("And how many seats did they win?")
    assert answer.question == standalone
    assert conversation.questions == [QUESTION, "And how many seats did they win?"]
    rambling = Conversation(with_llm(CondensingLLM("word " * 200)), [QUESTION])
    assert rambling.ask("And what did she say then?").question == "And what did she say then?"
