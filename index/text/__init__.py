"""Text into sentences and chunks with exact offsets, and into BM25 and phonetic tokens."""
