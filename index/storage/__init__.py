"""The index on disk: generations, their manifest and checksums, the lock, the loaded index."""
