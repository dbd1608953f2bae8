"""A chat session: follow-up questions borrow the previous question's subject for retrieval."""

from __future__ import annotations

import re

from assistant.answers import Answer
from assistant.assistant import Assistant

# Words that point back at something said before ("she", "that party", "उन्होंने").
_REFERS_BACK = re.compile(
    r"\b(he|she|they|him|her|his|their|them|it|its|that|this|those|these|there|also)\b"
    r"|^(and|what about|how about)\b|(वह|वे|उन्होंने|उनके|उनकी|उसने|इसके|उसके)",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 12


class Conversation:
    """Keeps the turns of one chat; each answer stays grounded in the documents alone."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.turns: list[Answer] = []

    def ask(self, question: str, top_k: int | None = None, mode: str | None = None) -> Answer:
        """Answer `question`; a short follow-up is searched together with the previous question."""
        context = self.turns[-1].question if self.turns and is_follow_up(question) else ""
        answer = self.assistant.ask(question, top_k=top_k, mode=mode, context=context)
        self.turns.append(answer)
        return answer


def is_follow_up(question: str) -> bool:
    """Short questions that refer back ("what did she say then?") need the previous subject."""
    return len(question.split()) <= FOLLOW_UP_WORDS and bool(_REFERS_BACK.search(question))
