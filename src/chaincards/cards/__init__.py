"""Card generation: written cards from the notes and cards derived from the model."""
