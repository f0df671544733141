"""The second stage: each note parsed once (frontmatter, then the Obsidian dialect's token
stream) into blocks, written cards, tags and links (`note.py`), with the parse cache that keeps
results between builds (`cache.py`)."""
