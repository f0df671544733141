"""chaincards: compile Obsidian-style study notes about process chains into Anki decks."""

__version__ = "0.1.0"
