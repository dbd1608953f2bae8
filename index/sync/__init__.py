"""Build, sync and watch: what changed in the folder, what of the index is reused, the commit."""
