"""The Obsidian vault a built folder belongs to: its name and the folder's path inside it (for
obsidian:// links), and where it keeps attachments (`.obsidian/app.json`), so a note's
`![[picture.png]]` kept in the vault's attachment folder is found."""

from __future__ import annotations

import json
from pathlib import Path


def obsidian_root(root: Path) -> Path | None:
    """The nearest folder at or above `root` holding `.obsidian/`."""
    for folder in (root, *root.parents):
        if (folder / ".obsidian").is_dir():
            return folder
    return None


def vault_link(root: Path, vault: Path | None) -> tuple[str, str]:
    """What obsidian:// links name for notes under `root`: the vault's name and `root`'s path
    inside it ending in `/` (or ""); `root` itself when it belongs to no vault."""
    if vault is None:
        return root.name, ""
    inside = root.relative_to(vault).as_posix()
    return vault.name, "" if inside == "." else inside + "/"


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
