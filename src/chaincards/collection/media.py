"""The packages' media files against a collection's media folder: which to write, and under
which name the cards will find each one. Anki never overwrites a file with other bytes: it
writes the new one as `name-<sha1 of its bytes>.ext` (and the cards must say so)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from chaincards.collection.wanted import Wanted


@dataclass
class MediaPlan:
    write: list[str] = field(default_factory=list)  # package names to write
    # Package name → the name the file has (or will have) in the folder, where they differ.
    renamed: dict[str, str] = field(default_factory=dict)


def media_folder(collection: Path) -> Path:
    """Where Anki keeps a collection's media: `collection.media` beside `collection.anki2`."""
    return collection.with_name(re.sub(r"(?i)\.anki2$", "", collection.name) + ".media")


def media_plan(folder: Path, wanted: Wanted) -> MediaPlan:
    plan = MediaPlan()
    for name, data in media_bytes(wanted):
        if _holds(folder / name, data):
            continue
        if (folder / name).exists():  # another file by that name: Anki names ours anew
            plan.renamed[name] = renamed_by_anki(name, data)
            if _holds(folder / plan.renamed[name], data):
                continue
        plan.write.append(name)
    return plan


def media_bytes(wanted: Wanted, names: set[str] | None = None) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of the packages' media (those in `names`, else all), each package
    opened once."""
    chosen = sorted(
        (media.package, media.member, name)
        for name, media in wanted.media.items()
        if names is None or name in names
    )
    for package, members in groupby(chosen, key=lambda item: item[0]):
        with zipfile.ZipFile(package) as archive:
            for _, member, name in members:
                yield name, archive.read(member)


def renamed_by_anki(name: str, data: bytes) -> str:
    stem, dot, extension = name.rpartition(".")
    digest = hashlib.sha1(data).hexdigest()
    return f"{stem}-{digest}.{extension}" if dot and stem else f"{name}-{digest}"


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
