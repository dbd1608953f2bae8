"""BM25 over word and phonetic tokens, and the token counts a sync carries over."""
