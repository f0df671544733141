"""Whether Anki's own backend (the optional `anki` package) can be used here: `sync` needs
it, and the preview renders with it when it can."""

from __future__ import annotations

import importlib.util


def anki_backend_installed() -> bool:
    # `anki.collection`, not `anki`: a folder named `anki` on the path (a checkout's tests,
    # the working folder under `python -m`) is a namespace package with no backend in it.
    try:
        return importlib.util.find_spec("anki.collection") is not None
    except ImportError:
        return False
