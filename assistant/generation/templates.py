"""Gemma's chat template for llama-cpp through llama-index (LlamaCPP ignores the GGUF's own)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def gemma_messages_to_prompt(messages: Sequence[Any]) -> str:
    """Gemma turns; Gemma has no system role, so a system message opens the first user turn."""
    system = "\n\n".join(m.content or "" for m in messages if _role(m) == "system")
    turns = []
    for message in messages:
        role = _role(message)
        if role == "system":
            continue
        content = message.content or ""
        if role == "user" and system:
            content, system = f"{system}\n\n{content}", ""
        turns.append(
            f"<start_of_turn>{'model' if role == 'assistant' else 'user'}\n{content}<end_of_turn>\n"
        )
    return "".join(turns) + "<start_of_turn>model\n"


def plain_completion(completion: str) -> str:
    """A completion prompt as one user turn."""
    return f"<start_of_turn>user\n{completion}<end_of_turn>\n<start_of_turn>model\n"


def _role(message: Any) -> str:
    role = message.role
    return str(getattr(role, "value", role))
