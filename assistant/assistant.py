"""The assistant's public API: open an index once, then ask: retrieve -> answer -> cite."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.answering import answer
from assistant.answers import Answer, QuestionError
from assistant.config import AssistantConfig
from assistant.reloading import LiveIndex
from assistant.retrieval import (
    Query,
    ScoredChunk,
    prepare_query,
    retrieve,
    uses_multilingual,
)
from index import StoredIndex, strip_invisible

if TYPE_CHECKING:
    from assistant.generation.claims import ClaimResult

# Bytes that did not decode (a question typed in another encoding, passed on a command line)
# arrive as lone surrogates: they carry no text and the tokenizer rejects them.
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk as the UI shows it: where it comes from and its text."""

    source: str
    title: str
    date: str
    start: int
    text: str
    score: float


class Assistant:
    """Answers questions from one stored index; load it once, ask many times.

    Each question reads the index as committed at that moment: a rebuild becomes visible to the
    next question once it has loaded, and a damaged new index leaves the previous one answering.
    """

    def __init__(self, index: StoredIndex | LiveIndex, config: AssistantConfig):
        self._live = index if isinstance(index, LiveIndex) else None
        self._fixed = index if isinstance(index, StoredIndex) else None
        self.config = config

    @classmethod
    def open(cls, config: AssistantConfig) -> Assistant:
        """Load the index in config.storage_dir and check it was built with the configured model."""
        return cls(LiveIndex.open(config), config)

    @property
    def index(self) -> StoredIndex:
        """The index the next question reads (the newest committed one that loaded)."""
        if self._live is not None:
            return self._live.current()
        assert self._fixed is not None
        return self._fixed

    def ask(
        self, question: str, top_k: int | None = None, mode: str | None = None, context: str = ""
    ) -> Answer:
        """Answer with cited sentences, or refuse; `top_k` and `mode` override the config.

        `context` (an earlier question) joins the search but not the choice of sentences, so a
        follow-up like "what did she say about X?" finds her article and then quotes X.
        """
        return self.ask_with_documents(question, top_k, mode, context)[0]

    def ask_with_documents(
        self, question: str, top_k: int | None = None, mode: str | None = None, context: str = ""
    ) -> tuple[Answer, dict[str, str]]:
        """The answer and the text of each document it cites, both from one index generation.

        Asking, then looking texts up separately, could straddle a reload and misplace offsets.
        """
        *_, last = self.stream_with_documents(question, top_k, mode, context)
        assert isinstance(last, tuple)
        return last

    def stream_with_documents(
        self, question: str, top_k: int | None = None, mode: str | None = None, context: str = ""
    ) -> Iterator[str | tuple[Answer, dict[str, str]]]:
        """Text deltas while an LLM writes (none without one), then the answer and cited texts."""
        index = self.index
        hits, query = self._search(
            index,
            f"{context} {question}" if context else question,
            top_k,
            mode,
            self.config.crosslingual_chunks,
        )
        if context:
            query = prepare_query(
                check_question(question, self.config.max_question_chars),
                self.config.index.model_path,
                uses_multilingual(index),
            )
        result = None
        if self.config.llm.enabled:
            from assistant.generation.pipeline import stream_generated

            for item in stream_generated(
                index, query, hits, self.config, lambda: answer(index, query, hits, self.config)
            ):
                if isinstance(item, str):
                    yield item
                else:
                    result = item
        if result is None:
            result = answer(index, query, hits, self.config)
        yield result, {c.source: index.documents[c.source].text for c in result.citations}

    def check_claim(self, claim: str) -> ClaimResult:
        """Whether the documents support `claim`, with the quotes that do (or come closest)."""
        from assistant.generation.claims import check_claim

        text = check_question(claim, self.config.max_question_chars)
        return check_claim(self.index, text, self.config)

    def search(
        self, question: str, top_k: int | None = None, mode: str | None = None
    ) -> list[Passage]:
        """The retrieved passages alone, best first."""
        index = self.index
        hits, _ = self._search(index, question, top_k, mode)
        return [_passage(index, hit) for hit in hits]

    def document_text(self, source: str) -> str:
        """The loaded text of a document, which every citation's offsets index."""
        return self.index.documents[source].text

    def warm_up(self) -> None:
        """Embed and search a throwaway question before anyone asks one.

        The first person asking then does not wait for the models to load (the fast e5 path is
        exported once per machine: about 9 s).
        """
        self._search(self.index, "warm up", None, None, self.config.crosslingual_chunks)

    def _search(
        self,
        index: StoredIndex,
        question: str,
        top_k: int | None,
        mode: str | None,
        other_languages: int = 0,
    ) -> tuple[list[ScoredChunk], Query]:
        text = check_question(question, self.config.max_question_chars)
        config = self.config.with_overrides(top_k=top_k, mode=mode)
        query = prepare_query(text, self.config.index.model_path, uses_multilingual(index))
        return retrieve(index, query, config.top_k, config.mode, other_languages), query


def _passage(index: StoredIndex, hit: ScoredChunk) -> Passage:
    chunk = index.chunks[hit.chunk_id]
    document = index.documents[chunk.source]
    return Passage(
        chunk.source,
        document.title,
        document.date,
        chunk.start,
        index.chunk_text(hit.chunk_id),
        round(hit.score, 4),
    )


def check_question(question: str, max_chars: int) -> str:
    """The question without invisible characters; empty or over-long questions get a clear error."""
    text = _drop_bare_marks(_LONE_SURROGATES.sub("", strip_invisible(question or ""))).strip()
    if not any(char.isalnum() for char in text):
        raise QuestionError("The question is empty: type a question about your documents")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text)} characters long; keep it under {max_chars} characters"
        )
    return text


def _drop_bare_marks(text: str) -> str:
    # A combining mark (nukta, accent) with no letter before it marks nothing; the BM25
    # tokenizer folds a lone nukta into an empty token, which bm25s rejects with an error.
    kept: list[str] = []
    for char in text:
        bare = _is_mark(char) and not (kept and (kept[-1].isalnum() or _is_mark(kept[-1])))
        if not bare:
            kept.append(char)
    return "".join(kept)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
