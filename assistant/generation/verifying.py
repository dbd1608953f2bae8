"""Split a generated reply into sentences, check each against the evidence it cites, keep the rest.

No sentence that fails reaches the answer: it is re-attached to another retrieved sentence that
supports it, or dropped and listed under `unsupported` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answers import Unsupported
from assistant.generation.checks import Checker
from assistant.generation.evidence import EvidenceSentence

MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# A sentence ends at . ? ! । ॥ (with any markers written after it), or at a line break.
_SENTENCE = re.compile(r".+?(?:[.?!\u0964\u0965]+(?:\s*\[[\d,;\s]+\])*(?=\s|$)|$)", re.S)
_SPACE_BEFORE_MARK = re.compile(r"\s+([.?!,;:\u0964\u0965])")
REATTACH_TRIES = 4  # the most relevant other sentences: trying all would find chance support


@dataclass(frozen=True)
class Kept:
    """A generated sentence that passed, with the evidence sentences that support it."""

    text: str  # without its markers
    evidence: tuple[EvidenceSentence, ...]


def split_reply(reply: str) -> list[str]:
    """The reply's sentences, each with the markers written after it."""
    pieces = []
    for line in reply.splitlines():
        pieces += [m.group().strip() for m in _SENTENCE.finditer(line) if m.group().strip()]
    return pieces


def without_markers(sentence: str) -> str:
    """The sentence without its [n] markers and the spaces they leave before punctuation."""
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(MARKER.sub(" ", sentence).split()))


def verify_reply(
    reply: str, evidence: Sequence[EvidenceSentence], checker: Checker
) -> tuple[list[Kept], list[Unsupported]]:
    """Kept sentences and the dropped ones with their reasons."""
    kept: list[Kept] = []
    dropped: list[Unsupported] = []
    by_number = {sentence.number: sentence for sentence in evidence}
    for sentence in split_reply(reply):
        text = without_markers(sentence)
        if not any(char.isalnum() for char in text) or any(k.text == text for k in kept):
            continue  # a stray marker, or a repetition (small models repeat themselves)
        numbers = [int(n) for group in MARKER.findall(sentence) for n in re.split(r"[,;]", group)]
        if not numbers:
            dropped.append(Unsupported(text, "it cites no evidence (no [n] marker)"))
            continue
        invalid = [n for n in numbers if n not in by_number]
        if invalid:
            dropped.append(Unsupported(text, f"it cites [{invalid[0]}], which is not evidence"))
            continue
        cited = tuple(dict.fromkeys(by_number[n] for n in numbers))
        verdict = checker.check(text, cited)
        if verdict.supported:
            kept.append(Kept(text, cited))
            continue
        other = _reattach(text, cited, evidence, checker)
        if other is not None:
            kept.append(Kept(text, (other,)))
        else:
            dropped.append(Unsupported(text, verdict.reason))
    return kept, dropped


def _reattach(
    text: str,
    cited: Sequence[EvidenceSentence],
    evidence: Sequence[EvidenceSentence],
    checker: Checker,
) -> EvidenceSentence | None:
    """Another retrieved sentence that supports `text` alone, if one does."""
    others = [sentence for sentence in evidence if sentence not in cited]
    others.sort(key=lambda sentence: -checker.relevance(text, sentence.text))
    for sentence in others[:REATTACH_TRIES]:
        if checker.check(text, (sentence,)).supported:
            return sentence
    return None
