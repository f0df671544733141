"""The build store: one SQLite database in the cache folder holding everything a build
remembers for the next (parsed notes, what each package was written from, the last build's
report), as rows of plain encoded values (codec.py), never pickles."""

from chaincards.store.codec import Decoder, encode
from chaincards.store.database import Store

__all__ = ["Decoder", "Store", "encode"]
