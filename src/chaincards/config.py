"""Settings from a config file and the command line, with where each one came from.

The file is `chaincards.toml`, or the `[tool.chaincards]` table of a `pyproject.toml`, in the
vault's folder or the nearest folder above it (as ruff finds its config). In one folder,
`chaincards.toml` wins. Command-line flags override the file; the file overrides defaults.
Paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaincards.cards.generate import CARD_KINDS
from chaincards.decks import DeckError, validate_deck
from chaincards.source.vault import DEFAULT_INCLUDE, UsageError

DEFAULTS: dict[str, Any] = {
    "out": "decks",
    "include": list(DEFAULT_INCLUDE),
    "exclude": [],
    "cards": list(CARD_KINDS),
    "default-deck": None,
    "single": None,
    "strict": False,
    "diagrams": False,
    # The Obsidian vault's name in obsidian:// links (default: the folder with `.obsidian/`).
    "vault-name": None,
}
_STRING_LISTS = ("include", "exclude", "cards")
_BOOLEANS = ("strict", "diagrams")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass
class Settings:
    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DEFAULTS, "default"))
    file: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.file) if self.file else None,
            "settings": {
                key: {"value": self.values[key], "source": self.sources[key]}
                for key in sorted(self.values)
            },
        }


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above `start`, with its chaincards table."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "chaincards.toml"
        if own.is_file():
            return own, _read(own)
        project = candidate / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("chaincards")
            if table is not None:
                if not isinstance(table, dict):
                    raise UsageError(f"{project}:1: [tool.chaincards] must be a table")
                return project, table
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}:1: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}:1: not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = found.group(1) if found else "1"
        raise UsageError(f"{path}:{line}: invalid TOML: {str(exc).split(' (at')[0]}") from None


def _line_of(path: Path, key: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


def check_value(key: str, value: Any, where: str) -> Any:
    """The value, validated and normalised; a UsageError naming `where` when it is wrong."""
    if key in _STRING_LISTS:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise UsageError(f"{where}: {key} must be a list of strings")
        if key == "cards":
            unknown = [v for v in value if v not in CARD_KINDS]
            if unknown or not value:
                raise UsageError(
                    f"{where}: unknown kind {', '.join(unknown) or '(none)'}; "
                    f"choose from {','.join(CARD_KINDS)}"
                )
            value = list(dict.fromkeys(value))
        return value
    if key in _BOOLEANS:
        if not isinstance(value, bool):
            raise UsageError(f"{where}: {key} must be true or false")
        return value
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: {key} must be a non-empty string")
    if key == "default-deck":
        try:
            return validate_deck(value)[0]
        except DeckError as exc:
            raise UsageError(f"{where}: default-deck {value!r}: {exc}") from None
    if key == "single" and (not value.endswith(".apkg") or Path(value).name != value):
        raise UsageError(f"{where}: single takes a file name ending in .apkg, e.g. course.apkg")
    return value


def resolve_settings(vault_root: Path, flags: dict[str, Any]) -> Settings:
    """Defaults, then the config file found from `vault_root`, then the flags that were given."""
    settings = Settings()
    found = find_config(vault_root)
    if found is not None:
        path, table = found
        settings.file = path
        for key, value in table.items():
            if key not in DEFAULTS:
                known = ", ".join(sorted(DEFAULTS))
                raise UsageError(f"{path}:{_line_of(path, key)}: unknown setting {key!r}; {known}")
            value = check_value(key, value, f"{path}:{_line_of(path, key)}")
            if key == "out":
                value = str(path.parent / value)
            settings.values[key] = value
            settings.sources[key] = str(path)
    for key, value in flags.items():
        if value is not None:
            settings.values[key] = check_value(key, value, f"--{key}")
            settings.sources[key] = f"--{key}"
    return settings
