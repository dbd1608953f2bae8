"""A chat session: follow-up questions borrow the previous question's subject for retrieval."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.answers import Answer
from assistant.assistant import Assistant, check_question

# Words that point back at something said before ("she", "that party", "उन्होंने").
_REFERS_BACK = re.compile(
    r"\b(he|she|they|him|her|his|their|them|it|its|that|this|those|these|there|also)\b"
    r"|^(and|what about|how about)\b|(वह|वे|उन्होंने|उनके|उनकी|उसने|इसके|उसके)",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 12


@dataclass(frozen=True)
class Reply:
    """A finished answer and the text of each document it cites, from one index generation."""

    answer: Answer
    texts: dict[str, str]


class Conversation:
    """Keeps the questions of one chat; each answer stays grounded in the documents alone.

    `questions` are earlier questions (oldest first), so a conversation can be resumed from a
    browser's storage or a `{"question", "history"}` line of `ask --json`.
    """

    def __init__(self, assistant: Assistant, questions: Sequence[str] = ()):
        self.assistant = assistant
        self.questions: list[str] = list(questions)

    def ask(self, question: str, top_k: int | None = None, mode: str | None = None) -> Answer:
        """Answer `question`; a short follow-up is searched together with the previous question."""
        *_, reply = self.stream(question, top_k, mode)
        assert isinstance(reply, Reply)
        return reply.answer

    def stream(
        self, question: str, top_k: int | None = None, mode: str | None = None
    ) -> Iterator[str | Reply]:
        """Text as a generator writes it (none for extractive answers), then the final Reply.

        With an LLM, a follow-up is first rewritten into a standalone question (the condense
        step of llama-index's chat engines); without one, or when that fails, the previous
        question joins the search instead.
        """
        # Kept as typed but cleaned (no control characters or undecodable bytes), since the
        # questions go back to the browser and into JSON.
        question = check_question(question, self.assistant.config.max_question_chars)
        context = self.questions[-1] if self.questions and is_follow_up(question) else ""
        asked = question
        if context and self.assistant.config.llm.enabled:
            from assistant.generation.pipeline import condense

            standalone = condense(self.assistant.config, self.questions, question)
            if standalone:
                asked, context = standalone, ""
        for item in self.assistant.stream_with_documents(asked, top_k, mode, context):
            if isinstance(item, str):
                yield item
            else:
                answer, texts = item
                self.questions.append(question)
                yield Reply(answer, texts)


def is_follow_up(question: str) -> bool:
    """Short questions that refer back ("what did she say then?") need the previous subject."""
    return len(question.split()) <= FOLLOW_UP_WORDS and bool(_REFERS_BACK.search(question))
