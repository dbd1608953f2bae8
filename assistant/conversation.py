"""A chat session: follow-up questions borrow the previous question's subject for retrieval."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.answers import Answer
from assistant.assistant import Assistant

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
        """Text as a generator writes it (none for extractive answers), then the final Reply."""
        context = self.questions[-1] if self.questions and is_follow_up(question) else ""
        answer, texts = self.assistant.ask_with_documents(question, top_k, mode, context)
        self.questions.append(answer.question)
        yield Reply(answer, texts)


def is_follow_up(question: str) -> bool:
    """Short questions that refer back ("what did she say then?") need the previous subject."""
    return len(question.split()) <= FOLLOW_UP_WORDS and bool(_REFERS_BACK.search(question))
