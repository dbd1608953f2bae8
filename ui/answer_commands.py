"""`assistant ask` and `assistant chat`: answers in a terminal, or one JSON line per question."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from assistant.answers import Answer, QuestionError
from assistant.config import AssistantConfig
from assistant.library import DATE_ORIGINS

if TYPE_CHECKING:
    from assistant.assistant import Assistant


def ask_command(args: argparse.Namespace, config: AssistantConfig) -> int:
    """One question from the command line, or with --json one answer line per stdin line."""
    from assistant.assistant import Assistant

    if args.question is None and not args.json:
        raise QuestionError("Give a question, or use --json to read questions from stdin")
    assistant = Assistant.open(config)
    if args.question is not None:
        answer = assistant.ask(args.question)
        print(
            json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer)
        )
        return 0
    for line in sys.stdin:
        print(json.dumps(_answer_line(assistant, line), ensure_ascii=False), flush=True)
    return 0


def _answer_line(assistant: Assistant, line: str) -> dict[str, object]:
    """One stdin line of `ask --json` -> one JSON object: the answer, or {"error": ...}.

    A line that is a JSON object {"question": ..., "history": [earlier questions, oldest
    first]} is answered as a follow-up; any other line is the question itself.
    """
    from assistant.conversation import Conversation

    text = line.rstrip("\n")
    if not text.strip():
        return {"error": "empty line: give a question, or a JSON object with a question"}
    question, history = text, []
    if text.lstrip().startswith("{"):
        try:
            request = json.loads(text)
            question, history = request["question"], request.get("history", [])
            if not isinstance(question, str) or not isinstance(history, list):
                raise TypeError
            if not all(isinstance(earlier, str) for earlier in history):
                raise TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            return {
                "error": 'not a question: a JSON line needs {"question": "...", '
                '"history": ["an earlier question", ...]}'
            }
    try:
        return Conversation(assistant, history).ask(question).to_dict()
    except QuestionError as error:
        return {"question": question, "error": str(error)}


def format_answer(answer: Answer) -> str:
    """The answer, then its numbered sources, for reading in a terminal."""
    # A failed LLM says so first, so nobody takes the extractive fallback for its answer.
    lines = [f"Note: {answer.notice}", ""] if answer.notice else []
    lines.append(answer.answer)
    if answer.unsupported:
        lines += ["", "Not supported by the documents (left out):"]
        lines += [f"- {dropped.sentence} ({dropped.reason})" for dropped in answer.unsupported]
    if answer.citations:
        lines += ["", "Sources:"]
    for c in answer.citations:
        origin = DATE_ORIGINS.get(c.date_source, "")
        date = f"{c.date}, {origin}" if origin else c.date
        lines.append(f"[{c.id}] {c.title} ({date}) - {c.source}, characters {c.start}-{c.end}")
        lines.append(f"    \u201c{c.quote}\u201d")
    return "\n".join(lines)


def chat_command(args: argparse.Namespace, config: AssistantConfig) -> int:
    """A conversation in the terminal: follow-ups build on earlier questions."""
    from assistant.assistant import Assistant
    from assistant.conversation import Conversation

    conversation = Conversation(Assistant.open(config))
    print('Ask about your documents; "exit" or Ctrl-D ends the chat.')
    while True:
        try:
            question = input("> ")
        except EOFError:
            return 0
        if question.strip().lower() in ("exit", "quit"):
            return 0
        if not question.strip():  # a stray Enter is not a goodbye
            continue
        try:
            print(format_answer(conversation.ask(question)), end="\n\n")
        except QuestionError as error:
            print(f"error: {error}")
