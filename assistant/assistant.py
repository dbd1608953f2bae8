"""The assistant's public API: open an index once, then ask: retrieve -> answer -> cite."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering import answer
from assistant.answers import Answer, QuestionError
from assistant.config import AssistantConfig
from assistant.retrieval import Query, ScoredChunk, prepare_query, retrieve
from index import IndexMismatchError, StoredIndex, open_index
from index.decoding import strip_invisible


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
    """Answers questions from one stored index; load it once, ask many times."""

    def __init__(self, index: StoredIndex, config: AssistantConfig):
        self.index = index
        self.config = config

    @classmethod
    def open(cls, config: AssistantConfig) -> Assistant:
        """Load the index in config.storage_dir and check it was built with the configured model."""
        index = open_index(config.storage_dir)
        built_with = index.manifest.get("settings", {}).get("model")
        if built_with != config.index.model_label:
            raise IndexMismatchError(
                f"The index in {config.storage_dir} was built with model {built_with!r}, but "
                f"{config.index.model_label!r} is configured: rebuild it with `assistant index`"
            )
        return cls(index, config)

    def ask(
        self, question: str, top_k: int | None = None, mode: str | None = None, context: str = ""
    ) -> Answer:
        """Answer with cited sentences, or refuse; `top_k` and `mode` override the config.

        `context` (an earlier question) joins the search but not the choice of sentences, so a
        follow-up like "what did she say about X?" finds her article and then quotes X.
        """
        hits, query = self._search(f"{context} {question}" if context else question, top_k, mode)
        if context:
            query = prepare_query(
                check_question(question, self.config.max_question_chars),
                self.config.index.model_path,
            )
        return answer(self.index, query, hits, self.config)

    def search(
        self, question: str, top_k: int | None = None, mode: str | None = None
    ) -> list[Passage]:
        """The retrieved passages alone, best first."""
        hits, _ = self._search(question, top_k, mode)
        return [self._passage(hit) for hit in hits]

    def document_text(self, source: str) -> str:
        """The loaded text of a document, which every citation's offsets index."""
        return self.index.documents[source].text

    def _search(
        self, question: str, top_k: int | None, mode: str | None
    ) -> tuple[list[ScoredChunk], Query]:
        text = check_question(question, self.config.max_question_chars)
        config = self.config.with_overrides(top_k=top_k, mode=mode)
        query = prepare_query(text, self.config.index.model_path)
        return retrieve(self.index, query, config.top_k, config.mode), query

    def _passage(self, hit: ScoredChunk) -> Passage:
        chunk = self.index.chunks[hit.chunk_id]
        document = self.index.documents[chunk.source]
        return Passage(
            chunk.source,
            document.title,
            document.date,
            chunk.start,
            self.index.chunk_text(hit.chunk_id),
            round(hit.score, 4),
        )


def check_question(question: str, max_chars: int) -> str:
    """The question without invisible characters; empty or over-long questions get a clear error."""
    text = strip_invisible(question or "").strip()
    if not any(char.isalnum() for char in text):
        raise QuestionError("The question is empty: type a question about your documents")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text)} characters long; keep it under {max_chars} characters"
        )
    return text
