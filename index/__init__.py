"""Turn a folder of documents into a persisted, verifiable hybrid index (FAISS + BM25).

This is the API the assistant uses: it imports nothing deeper than what is exported here.
Sub-packages follow the data flow: reading -> text -> embedding, lexical -> storage -> sync.
"""

from index.config import IndexConfig, config_from_env
from index.embedding.minilm import embed
from index.embedding.multilingual import MultilingualModelError
from index.embedding.multilingual import embed_query as embed_multilingual_query
from index.reading.decoding import UnreadableFile, strip_invisible
from index.reading.documents import FileOutcome, SourceDocument
from index.reading.languages import document_language, models_read
from index.reading.loading import DocumentsFolderError, load_documents
from index.reading.metadata import language_of
from index.storage.folder import (
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    StorageBusyError,
    current_generation,
)
from index.storage.stored_index import StoredIndex, open_index
from index.sync.build import BuildReport, build_index
from index.sync.watch import watch
from index.text.chunking import Chunk, chunk_document, split_sentences
from index.text.tokenizing import PREFIX_CHARS, tokenize
from index.text.transliteration import phonetic_tokens

__all__ = [
    "PREFIX_CHARS",
    "BuildReport",
    "Chunk",
    "DocumentsFolderError",
    "FileOutcome",
    "IndexConfig",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "MultilingualModelError",
    "SourceDocument",
    "StorageBusyError",
    "StoredIndex",
    "UnreadableFile",
    "build_index",
    "chunk_document",
    "config_from_env",
    "current_generation",
    "embed",
    "embed_multilingual_query",
    "language_of",
    "document_language",
    "models_read",
    "load_documents",
    "open_index",
    "phonetic_tokens",
    "split_sentences",
    "strip_invisible",
    "tokenize",
    "watch",
]
