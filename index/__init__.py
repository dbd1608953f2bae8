"""Turn a folder of documents into a persisted, verifiable hybrid index (FAISS + BM25)."""

from index.building import BuildReport, build_index
from index.chunking import Chunk, chunk_document, split_sentences
from index.config import IndexConfig, config_from_env
from index.decoding import UnreadableFile
from index.loading import DocumentsFolderError, FileOutcome, SourceDocument, load_documents
from index.storage import IndexCorruptError, IndexMismatchError, IndexMissingError, StorageBusyError
from index.store import StoredIndex, open_index
from index.tokenizing import tokenize

__all__ = [
    "BuildReport",
    "Chunk",
    "DocumentsFolderError",
    "FileOutcome",
    "IndexConfig",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "SourceDocument",
    "StorageBusyError",
    "StoredIndex",
    "UnreadableFile",
    "build_index",
    "chunk_document",
    "config_from_env",
    "load_documents",
    "open_index",
    "split_sentences",
    "tokenize",
]
