"""Names of media files inside a package: flat, safe, unique and the same on every build."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath


def package_media_name(vault_path: str) -> str:
    """The file name a vault file gets inside the package and in the card's `<img src>`.

    Anki keeps media in one flat folder, so two `diagram.png` in different folders must not
    collide; the short hash of the vault path keeps them apart while the name stays readable.
    """
    path = PurePosixPath(vault_path)
    stem = re.sub(r"[^\w.-]+", "_", path.stem, flags=re.ASCII).strip("._") or "file"
    suffix = re.sub(r"[^\w.]+", "", path.suffix.lower(), flags=re.ASCII)
    digest = hashlib.sha256(vault_path.encode("utf-8")).hexdigest()[:10]
    return f"cc_{digest}_{stem[:60]}{suffix}"
