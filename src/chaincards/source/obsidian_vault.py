"""The Obsidian vault a built folder belongs to: its name and the folder's path inside it (for
obsidian:// links), where it keeps attachments (`.obsidian/app.json`), and its files outside
the folder, so a note's `![[picture.png]]` kept in the vault's attachment folder is found."""

from __future__ import annotations

import json
import os
from pathlib import Path


def obsidian_root(root: Path) -> Path | None:
    """The nearest folder at or above `root` holding `.obsidian/`."""
    for folder in (root, *root.parents):
        if (folder / ".obsidian").is_dir():
            return folder
    return None


def obsidian_vault(root: Path) -> tuple[str, str]:
    """The Obsidian vault `root` belongs to, as (its name, `root`'s path inside it ending in
    `/`, or ""); `root` itself when there is none."""
    found = obsidian_root(root)
    if found is None:
        return root.name, ""
    inside = root.relative_to(found).as_posix()
    return found.name, "" if inside == "." else inside + "/"


def attachment_folder(vault: Path) -> str | None:
    """Obsidian's "Default location for new attachments" (`attachmentFolderPath`): a folder
    relative to the vault (`Attachments`), or to the note (`./`, `./assets`); None when unset,
    unreadable, or the vault root (`/`)."""
    try:
        settings = json.loads((vault / ".obsidian" / "app.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    folder = settings.get("attachmentFolderPath") if isinstance(settings, dict) else None
    if not isinstance(folder, str) or folder.strip() in ("", "/"):
        return None
    return folder.strip().rstrip("/")


def files_outside(vault: Path, root: Path, skip: set[Path]) -> list[tuple[str, int]]:
    """The vault's files that are not notes and lie outside `root`, as (path relative to
    `root`, e.g. `../Attachments/cell.png`, mtime): hidden folders, `skip` and folder links
    left out, as in the folder built."""
    found: list[tuple[str, int]] = []
    inner = root.resolve()
    for folder, dirs, files in os.walk(vault, followlinks=False):
        current = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and (current / d).resolve() not in skip
            and (current / d).resolve() != inner
        )
        for name in sorted(files):
            if name.startswith(".") or name.lower().endswith(".md"):
                continue
            path = current / name
            try:
                mtime = int(path.stat().st_mtime)
            except OSError:
                continue
            found.append((Path(os.path.relpath(path, root)).as_posix(), mtime))
    return found
