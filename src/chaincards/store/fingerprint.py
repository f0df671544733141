"""What identifies the code that wrote a store: results of other code are never reused."""

from __future__ import annotations

import contextlib
import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from unicodedata import unidata_version

from chaincards import __version__


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version and a hash of chaincards' own code: a changed parser must not reuse old
    results, even between two builds of one version (a developer's checkout). Python's version
    and Unicode tables too: GUID keys and name matching depend on its case folding and NFKC."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{unidata_version}".encode())
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")) + sorted(package.rglob("*.css")):
        with contextlib.suppress(OSError):
            digest.update(source.relative_to(package).as_posix().encode() + source.read_bytes())
    return digest.hexdigest()
