"""The answer contract shared by the Python API, the CLI's --json and the UI (see design.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

REFUSAL = "Not found in the documents."


@dataclass(frozen=True)
class Citation:
    """One quoted sentence: `quote == document text[start:end]` always holds."""

    id: int
    source: str
    title: str
    date: str
    date_source: str  # "text" (a date marker in the document) or "file" (its modification time)
    language: str  # the quoted sentence's language
    quote: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Unsupported:
    """A generated sentence dropped because the evidence it cites does not support it, and why."""

    sentence: str
    reason: str


@dataclass(frozen=True)
class Answer:
    """A short answer whose every sentence carries a [n] marker pointing into `citations`."""

    question: str
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    generator: str = "extractive"  # or the LLM spec that wrote the answer
    unsupported: tuple[Unsupported, ...] = ()
    notice: str = ""  # one line on what went wrong on the way, e.g. an LLM server that timed out

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract, with keys in the documented order."""
        contract = {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "generator": self.generator,
            "citations": [asdict(citation) for citation in self.citations],
            "unsupported": [asdict(dropped) for dropped in self.unsupported],
        }
        return {**contract, "notice": self.notice} if self.notice else contract


def refusal(question: str) -> Answer:
    """The honest answer when the documents do not support one."""
    return Answer(question, REFUSAL, True, ())


class QuestionError(ValueError):
    """A question that cannot be asked as it is; the message says how to fix it."""
