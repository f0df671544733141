"""Small vaults written for a test: note name → Markdown text."""

from __future__ import annotations

from pathlib import Path


def make_vault(root: Path, **notes: str) -> Path:
    """`root/vault` with one `<name>.md` per keyword (a name may hold folders: `A/B`)."""
    vault = root / "vault"
    for name, text in notes.items():
        path = vault / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return vault
