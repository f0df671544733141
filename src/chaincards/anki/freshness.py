"""Skipping packages that would not change: a digest of everything that goes into a package,
recorded with the hash of the file written from it. An unchanged rebuild then reads the
package once to hash it instead of writing it again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from chaincards.anki.notetypes import TEMPLATES_REVISED
from chaincards.cache import tool_fingerprint, write_quietly
from chaincards.cards.card import CardNote


def inputs_digest(cards: list[CardNote], media_root: Path) -> str:
    digest = hashlib.sha256(f"{tool_fingerprint()}\0{TEMPLATES_REVISED}\0".encode())
    for card in sorted(cards, key=lambda c: (c.deck, c.guid)):
        digest.update(repr(card).encode("utf-8"))  # the dataclass repr names every field
    for media in sorted({m for card in cards for m in card.media}):
        try:
            stat = (media_root / media).stat()
            digest.update(f"{media}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        except OSError:
            digest.update(f"{media}\0missing\0".encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _record(state: Path, package: Path) -> Path:
    return state / f"{package.name}.json"


def is_fresh(package: Path, digest: str, state: Path) -> bool:
    """The package on disk was written from exactly these inputs and not touched since."""
    try:
        record = json.loads(_record(state, package).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("inputs") == digest
        and record.get("sha256") == file_sha256(package)
    )


def remember(package: Path, digest: str, state: Path) -> None:
    sha = file_sha256(package)
    if sha is None:
        return
    # Without the record the next build just writes the package again.
    record = json.dumps({"inputs": digest, "sha256": sha}, sort_keys=True)
    write_quietly(_record(state, package), record.encode("utf-8"))
