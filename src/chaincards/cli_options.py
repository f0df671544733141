"""What every command shares: the option declarations, the consoles, usage errors (exit 2),
the note paths and the settings they resolve to."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chaincards.cards.generate import CARD_KINDS
from chaincards.config import Settings, resolve_settings
from chaincards.pipeline import ParsedVault, load_vault, parse_vault
from chaincards.source.vault import UsageError, vault_root_for

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Note folders or files (default: notes/).", show_default=False, metavar="PATH..."
    ),
]


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ)


def stdout_console() -> Console:
    return Console(highlight=False, no_color="NO_COLOR" in os.environ)


def usage_error(message: str) -> typer.Exit:
    stderr_console().print(f"Error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(2)


IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        metavar="GLOB",
        help="Glob of note file names to read (repeatable; default *.md).",
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude", metavar="GLOB", help="Glob of vault paths to leave out, e.g. 'Templates/*'."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
StrictOpt = Annotated[
    bool | None, typer.Option("--strict/--no-strict", help="Warnings fail (exit 1).")
]
OutOpt = Annotated[
    str | None,
    typer.Option("--out", "-o", metavar="DIR", help="Folder for the .apkg files [default: decks]."),
]
SingleOpt = Annotated[
    str | None,
    typer.Option(
        "--single", metavar="FILE.apkg", help="Write every deck into this one .apkg file."
    ),
]
DefaultDeckOpt = Annotated[
    str | None,
    typer.Option(
        "--default-deck", metavar="DECK", help="Deck for notes with no cards-deck and no folder."
    ),
]
CardsOpt = Annotated[
    str | None,
    typer.Option(
        "--cards",
        metavar="KINDS",
        help=f"Card kinds to make, comma-separated: {','.join(CARD_KINDS)}.",
    ),
]
DiagramsOpt = Annotated[
    bool | None,
    typer.Option("--diagrams/--no-diagrams", help="Put a picture of the chain on model cards."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only diagnostics.")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also the config file, cache use and stage times.")
]


def note_targets(paths: list[Path] | None) -> list[Path]:
    targets = paths or [Path("notes")]
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise usage_error(f"no such file or folder: {', '.join(missing)}")
    return targets


def read_parsed(targets: list[Path], settings: Settings) -> ParsedVault:
    try:
        include, exclude = tuple(settings["include"]), tuple(settings["exclude"])
        return parse_vault(load_vault(targets, include, (), exclude, settings["vault-name"]))
    except UsageError as exc:
        raise usage_error(str(exc)) from None


@dataclass(frozen=True)
class Flags:
    """The settings a command was given on its command line; None: not given (the config file
    or the default decides)."""

    out: str | None = None
    include: list[str] | None = None
    exclude: list[str] | None = None
    single: str | None = None
    default_deck: str | None = None
    cards: str | None = None
    strict: bool | None = None
    diagrams: bool | None = None


def settings_for(targets: list[Path], flags: Flags) -> Settings:
    """The settings for these notes: the flags over the nearest config file over the defaults."""
    if flags.out is not None and not flags.out.strip():
        raise usage_error("--out needs a folder name")
    given = {
        "out": flags.out,
        "include": flags.include,
        "exclude": flags.exclude,
        "single": flags.single,
        "default-deck": flags.default_deck,
        "cards": flags.cards,
        "strict": flags.strict,
        "diagrams": flags.diagrams,
    }
    try:
        return resolve_settings(vault_root_for(targets), given)
    except UsageError as exc:
        raise usage_error(str(exc)) from None


def output_folder(settings: Settings, targets: list[Path]) -> tuple[Path, Path]:
    """The packages' folder the settings name, and the vault's root; a usage error when the
    folder is a file or inside the vault (the next build would read its own output, and
    Obsidian would index it)."""
    out = Path(settings["out"])
    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out}: exists and is not a folder")
    root = vault_root_for(targets)
    if out.resolve().is_relative_to(root):
        raise usage_error(f"--out {out} is inside the vault {root}; choose a folder outside it")
    return out, root
