"""Generated answers: numbered evidence -> generate (streamed) -> verify -> cite, or fall back."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from assistant.answers import Answer, Citation, refusal
from assistant.config import AssistantConfig
from assistant.generation.backends import LLMUnavailable, exclusive, make_llm
from assistant.generation.checks import checker_for
from assistant.generation.evidence import EvidenceSentence, gather_evidence
from assistant.generation.generating import GenerationFailed, complete_text, stream_text
from assistant.generation.prompt import answer_messages, condense_messages, says_not_found
from assistant.generation.verifying import Kept, verify_reply
from assistant.retrieval import Query, ScoredChunk
from index import StoredIndex

log = logging.getLogger(__name__)


def stream_generated(
    index: StoredIndex,
    query: Query,
    hits: list[ScoredChunk],
    config: AssistantConfig,
    extractive: Callable[[], Answer],
) -> Iterator[str | Answer]:
    """Text deltas as the LLM writes, then the verified Answer (or the extractive one, noticed)."""
    evidence = gather_evidence(index, hits)
    if not evidence:
        yield replace(refusal(query.text), generator=config.llm.spec)
        return
    parts: list[str] = []
    try:
        llm = make_llm(config.llm)
        messages = answer_messages(query.text, query.language, evidence)
        for delta in stream_text(llm, messages, config.llm.timeout, exclusive(config.llm)):
            parts.append(delta)
            yield delta
    except (GenerationFailed, LLMUnavailable) as failure:
        yield _fallback(extractive(), f"{failure}; extractive answer shown")
        return
    if not "".join(parts).strip():
        yield _fallback(extractive(), "the LLM returned no text; extractive answer shown")
        return
    yield verified_answer(index, query.text, "".join(parts), evidence, config, extractive)


def verified_answer(
    index: StoredIndex,
    question: str,
    reply: str,
    evidence: Sequence[EvidenceSentence],
    config: AssistantConfig,
    extractive: Callable[[], Answer],
) -> Answer:
    """The reply's verified sentences with exact quotes; nothing that failed is kept."""
    spec = config.llm.spec
    if says_not_found(reply):
        return replace(refusal(question), generator=spec)
    kept, dropped = verify_reply(reply, evidence, checker_for(index, config))
    if not kept:
        notice = "no generated sentence was supported by the documents; extractive answer shown"
        return replace(_fallback(extractive(), notice), unsupported=tuple(dropped))
    citations, text = _cite(kept)
    return Answer(question, text, False, citations, spec, tuple(dropped))


def condense(config: AssistantConfig, history: Sequence[str], question: str) -> str | None:
    """The follow-up as a standalone question, or None when the LLM cannot give a usable one."""
    try:
        llm = make_llm(config.llm)
        messages = condense_messages(history, question)
        text = complete_text(llm, messages, config.llm.timeout, exclusive(config.llm))
    except (GenerationFailed, LLMUnavailable) as failure:
        log.warning("condensing the follow-up failed: %s", failure)
        return None
    standalone = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    # Small models ramble: a "question" much longer than the two it joins is not one.
    limit = 2 * (len(question) + len(history[-1])) + 20 if history else 2 * len(question)
    return standalone if standalone and len(standalone) <= limit else None


def _fallback(answer: Answer, notice: str) -> Answer:
    return replace(answer, generator="extractive", notice=notice)


def _cite(kept: list[Kept]) -> tuple[tuple[Citation, ...], str]:
    """Citations numbered by first use, each an exact quote; the text with their markers."""
    numbers: dict[tuple[str, int], int] = {}
    citations: list[Citation] = []
    sentences = []
    for sentence in kept:
        markers = []
        for evidence in sentence.evidence:
            key = (evidence.source, evidence.start)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(evidence.as_citation(numbers[key]))
            markers.append(f"[{numbers[key]}]")
        sentences.append(f"{sentence.text} {''.join(markers)}")
    return tuple(citations), " ".join(sentences)
