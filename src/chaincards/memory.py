"""How a build treats Python's cyclic garbage collector.

A build makes millions of small objects that live until it ends (parsed notes, the model, cards)
and almost no reference cycles. The collector would walk all of them again each time a few
thousand new ones are made: about a third of the compile stage at 1,000 notes. During a build it
is paused; plain reference counting still frees everything that is not a cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; nested blocks leave it to the outermost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
