"""Embedding models: texts in, unit-length float32 vectors out, offline."""
