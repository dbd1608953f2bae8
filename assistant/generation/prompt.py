"""The prompts: answer from numbered evidence, and rewrite a follow-up as a standalone question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.answers import REFUSAL
from assistant.generation.evidence import EvidenceSentence

NOT_FOUND = {"en": REFUSAL, "hi": "दस्तावेज़ों में नहीं मिला।"}
LANGUAGE_NAMES = {"en": "English", "hi": "Hindi"}

# Short and literal, because small models need it.
_ANSWER_RULES = (
    "Answer the question using only the numbered evidence. Write one to three short sentences "
    "in {language}. End every sentence with [n], where n is the number of the evidence it comes "
    "from. "
    "Copy numbers, dates and names exactly. If the evidence does not answer the question, reply "
    "exactly: {not_found}"
)
_CONDENSE = (
    "Rewrite the last question so that it can be understood without the conversation. "
    "Reply with the rewritten question only.\n\nConversation:\n{history}\n\n"
    "Last question: {question}\nRewritten question:"
)


def answer_messages(
    question: str, language: str, evidence: Sequence[EvidenceSentence]
) -> list[Any]:
    """The chat messages that ask for a cited answer."""
    from llama_index.core.llms import ChatMessage

    rules = _ANSWER_RULES.format(
        language=LANGUAGE_NAMES.get(language, "English"), not_found=not_found(language)
    )
    lines = "\n".join(f"[{e.number}] {e.text} ({e.date})" for e in evidence)
    return [
        ChatMessage(role="system", content=rules),
        ChatMessage(role="user", content=f"Evidence:\n{lines}\n\nQuestion: {question}"),
    ]


def condense_messages(history: Sequence[str], question: str) -> list[Any]:
    """The chat message that turns a follow-up into a standalone question.

    llama-index's condense step, written for our history of questions.
    """
    from llama_index.core.llms import ChatMessage

    listed = "\n".join(f"- {earlier}" for earlier in history)
    return [ChatMessage(role="user", content=_CONDENSE.format(history=listed, question=question))]


def not_found(language: str) -> str:
    """The exact phrase a model is told to reply when the evidence does not answer."""
    return NOT_FOUND.get(language, REFUSAL)


def says_not_found(reply: str) -> bool:
    """Whether the reply is the not-found phrase (in either language), and nothing more."""
    text = reply.strip().strip('"').strip()
    return (
        any(text.startswith(phrase.rstrip(".।")) for phrase in NOT_FOUND.values())
        and len(text) <= max(len(phrase) for phrase in NOT_FOUND.values()) + 3
    )
