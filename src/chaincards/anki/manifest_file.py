"""Manifest files: read, checked field by field, and written.

A manifest is the build's state (it keeps every card's GUID, so the learner's history): one
that is there but cannot be read, or does not hold what a manifest holds, stops the build with
a `ManifestError` rather than being taken for none, since starting without it would make
every carried-over card a new note in Anki.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Iterable
from pathlib import Path

from chaincards.anki.manifest import SUFFIX, Entry, Manifest
from chaincards.files import write_text_atomically

_FORMAT = 4
_READABLE = (3, 4)  # 4 added `asks`, `own_guid`, `ords` and the retired entries
_TEXT = ("guid", "deck", "kind", "shape", "source", "hash", "front")
_OPTIONAL_TEXT = ("asks", "own_guid")
_SHAPES = ("basic", "reverse", "cloze")
# Bounds a package can hold: note ids are SQLite integers, times become milliseconds in them.
_MAX_ID = 2**63 - 1
_MAX_TIME = _MAX_ID // 1000 - 1_000_000
_MAX_ORD = 10_000


class ManifestError(Exception):
    """A manifest that is there but cannot be used."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_manifests(folder: Path, skip: Collection[Path] = ()) -> dict[Path, Manifest]:
    """Every manifest in `folder` but those in `skip`, by path: the previous build of its
    packages. Raises `ManifestError` for the first that cannot be used."""
    found = sorted(folder.glob(f"*{SUFFIX}"))
    return {path: read_manifest(path) for path in found if path not in skip}


def recorded_guids(folder: Path) -> dict[str, str]:
    """Every GUID the manifests in `folder` record, made now or retired, with its source
    (`path:line`): what chaincards made. Read without the field checks of `read_manifest`; a
    manifest that cannot be read gives none (a build reports it)."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else ():
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue
        if not isinstance(document, dict):
            continue
        for key in ("retired", "notes"):
            items = document.get(key)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and isinstance(item.get("guid"), str):
                    found[item["guid"]] = str(item.get("source", ""))
    return found


def read_manifest(path: Path) -> Manifest:
    """The previous build's manifest; empty when there is none (a first build)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ManifestError(path, f"cannot be read ({reason})") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ManifestError(path, f"is not JSON any more ({exc})") from None
    if not isinstance(document, dict):
        raise ManifestError(path, "is not a chaincards manifest")
    if document.get("format") not in _READABLE:
        found = document.get("format")
        raise ManifestError(path, f"has format {found!r}; this chaincards reads {_READABLE}")
    try:
        entries = _entries(document.get("notes"))
        retired = _entries(document.get("retired", []))
        inputs = document.get("inputs", "")
        if not isinstance(inputs, str):
            raise ValueError("`inputs` is not text")
    except ValueError as exc:
        raise ManifestError(path, f"does not hold what a manifest holds: {exc}") from None
    return Manifest(entries, inputs, retired)


def _entries(items: object) -> dict[str, Entry]:
    if not isinstance(items, list):
        raise ValueError("its notes are not a list")
    entries: dict[str, Entry] = {}
    for number, item in enumerate(items, start=1):
        entry = _entry(item, number)
        entries[entry.guid] = entry
    return entries


def _entry(item: object, number: int) -> Entry:
    where = f"note {number}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} is not an object")
    unknown = item.keys() - {*_TEXT, *_OPTIONAL_TEXT, "ids", "mod", "ords"}
    if unknown:
        raise ValueError(f"{where} has unknown fields {sorted(unknown)}")
    for key in (*_TEXT, *_OPTIONAL_TEXT):
        if not isinstance(item.get(key, ""), str) or (key in _TEXT and key not in item):
            raise ValueError(f"{where}: `{key}` is missing or not text")
    if item["shape"] not in _SHAPES or not item["guid"]:
        raise ValueError(f"{where}: no GUID, or an unknown shape {item['shape']!r}")
    ids = _numbers(item.get("ids"), f"{where}: `ids`", minimum=1, maximum=_MAX_ID)
    ords = _numbers(item.get("ords", [0]), f"{where}: `ords`", minimum=0, maximum=_MAX_ORD)
    mod = item.get("mod", 0)
    if not _is_int(mod) or not 0 <= mod <= _MAX_TIME:
        raise ValueError(f"{where}: `mod` is not a time")
    # A big vault's manifests hold hundreds of thousands of entries naming a few decks,
    # kinds and shapes: each of those names is held once.
    shared = {key: sys.intern(item[key]) for key in ("deck", "kind", "shape")}
    return Entry(**{**item, **shared, "ids": ids, "ords": ords, "mod": mod})


def _numbers(value: object, what: str, minimum: int, maximum: int) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{what} is not a list of numbers")
    if not all(_is_int(n) and minimum <= n <= maximum for n in value):
        raise ValueError(f"{what} holds something other than numbers {minimum} to {maximum}")
    return tuple(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lines(entries: dict[str, Entry], order: Iterable[str]) -> str:
    return ",\n".join(
        json.dumps(entries[guid].to_json(), sort_keys=True, ensure_ascii=False) for guid in order
    )


def write_manifest(path: Path, package: str, manifest: Manifest) -> None:
    # Sorted keys, one note per line: a manifest kept in git shows each change as one line.
    notes = _lines(manifest.entries, sorted(manifest.entries))
    name = json.dumps(package, ensure_ascii=False)
    inputs = json.dumps(manifest.inputs)
    retired = ""
    if manifest.retired:  # newest first, as `retire` keeps them
        retired = f', "retired": [\n{_lines(manifest.retired, manifest.retired)}\n]'
    text = (
        f'{{"format": {_FORMAT}, "inputs": {inputs}, "notes": [\n{notes}\n], '
        f'"package": {name}{retired}}}\n'
    )
    # Manifests are state (they keep the GUIDs): written like the packages, synced, and a
    # failure is the build's failure, never swallowed.
    write_text_atomically(path, text)
