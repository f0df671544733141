"""Where Anki keeps a profile's collection: `<data folder>/<profile>/collection.anki2`, the
data folder being `$ANKI_BASE` when set (as Anki itself honours), else the standard one of
the system."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

COLLECTION_FILE = "collection.anki2"


def anki_data_folder(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if env.get("ANKI_BASE"):
        return Path(env["ANKI_BASE"]).expanduser()
    home = Path(env.get("HOME") or Path.home())
    if platform == "win32":
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "Anki2"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Anki2"
    data = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return Path(data) / "Anki2"


def profiles_in(folder: Path) -> list[str]:
    """The profiles in an Anki data folder: its folders that hold a collection."""
    try:
        return sorted(p.name for p in folder.iterdir() if (p / COLLECTION_FILE).is_file())
    except OSError:
        return []


def profile_collection(name: str, folder: Path) -> Path:
    """The collection of profile `name`; ValueError saying which profiles there are if none."""
    path = folder / name / COLLECTION_FILE
    if path.is_file():
        return path
    found = profiles_in(folder)
    there = ", ".join(repr(p) for p in found) if found else "none"
    raise ValueError(
        f"no Anki profile {name!r} in {folder} (profiles there: {there}); "
        "set ANKI_BASE to another Anki data folder, or give --collection PATH"
    )
