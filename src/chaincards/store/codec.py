"""Values to bytes and back without pickle: a build's cache must never run code.

A value is written as JSON with a tag for what JSON lacks: tuples, frozensets, paths, dataclass
instances (by class name, fields in order), string enums and counters; the bytes are
zlib-compressed. Reading builds only the classes the caller allows, by calling them with the
stored field values: a crafted or damaged entry can at worst fail to decode (`ValueError`), never
execute anything. The tool fingerprint the store keeps decides when the field order may change.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections import Counter
from collections.abc import Iterable
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

_LEVEL = 1  # fast: these are caches, read and written every build


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's fields, in order, once per class


def _plain(value: Any) -> Any:
    # By exact type first: a build encodes millions of strings, tuples and card fields.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple:
        return {"t": [_plain(v) for v in value]}
    if kind is list:
        return [_plain(v) for v in value]
    names = _FIELDS.get(kind)
    if names is not None:
        return {"c": kind.__name__, "v": [_plain(getattr(value, n)) for n in names]}
    return _other(value)


def _other(value: Any) -> Any:
    if isinstance(value, Enum):  # before str: a StrEnum is a str too
        return {"e": type(value).__name__, "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return {"t": [_plain(v) for v in value]}
    if isinstance(value, PurePath):
        return {"p": str(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Counter):
        return {"n": [[_plain(k), v] for k, v in value.items()]}
    if isinstance(value, dict):
        return {"d": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, frozenset | set):
        kind = "f" if isinstance(value, frozenset) else "s"
        return {kind: [_plain(v) for v in value]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = tuple(f.name for f in dataclasses.fields(value) if f.init)
        _FIELDS[type(value)] = names
        return _plain(value)
    raise TypeError(f"cannot store a {type(value).__name__}")


def encode(value: Any) -> bytes:
    text = json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), _LEVEL)


class Decoder:
    """Decodes what `encode` wrote, building only the given classes."""

    def __init__(self, allowed: Iterable[type]) -> None:
        self._classes = {cls.__name__: cls for cls in allowed}

    def _value(self, data: Any) -> Any:
        if isinstance(data, list):
            return [self._value(v) for v in data]
        if not isinstance(data, dict):
            return data
        if "t" in data:
            return tuple(self._value(v) for v in data["t"])
        if "p" in data:
            return Path(data["p"])
        if "d" in data:
            return {self._value(k): self._value(v) for k, v in data["d"]}
        if "n" in data:
            return Counter({self._value(k): v for k, v in data["n"]})
        if "f" in data:
            return frozenset(self._value(v) for v in data["f"])
        if "s" in data:
            return {self._value(v) for v in data["s"]}
        cls = self._classes.get(data.get("c") or data.get("e") or "")
        if cls is None:
            raise ValueError(f"not a stored class: {data.get('c') or data.get('e')!r}")
        if "e" in data:
            return cls(data["v"])
        return cls(*(self._value(v) for v in data["v"]))

    def decode(self, blob: bytes) -> Any:
        """The value, or ValueError for anything damaged, foreign or not allowed."""
        try:
            return self._value(json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass")))
        except (ValueError, TypeError, KeyError, zlib.error, RecursionError) as exc:
            raise ValueError(f"unreadable cache entry: {exc}") from None
