"""The command line: thin commands over the pipeline. Exit codes: 0 ok, 1 note errors, 2 usage."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chaincards import __version__
from chaincards.cards.generate import CARD_KINDS
from chaincards.decks import DeckError, validate_deck
from chaincards.diagnostics import exit_code
from chaincards.model import build_model, model_to_json
from chaincards.parallel import default_jobs
from chaincards.pipeline import build_decks, check_vault, read_vault
from chaincards.progress import Progress
from chaincards.reports import build_report, build_summary, model_tree, print_diagnostics
from chaincards.vault import UsageError, vault_root_for

app = typer.Typer(
    help=(
        "Compile Obsidian-style study notes into Anki decks.\n\n"
        "\b\nExamples:\n"
        "  chaincards build notes/ --out decks/\n"
        "  chaincards build seeds/ --include '*.txt' --single course.apkg\n"
        "  chaincards inspect 'decks/ITIL 4 Foundation.apkg'\n\n"
        "Exit codes: 0 ok, 1 note errors (or warnings with --strict), 2 usage errors."
    ),
    # Plain click errors: one `Error: …` line a shell user or CI log can read, no boxes.
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Note folders or files (default: notes/).", show_default=False),
]


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ)


def _usage_error(message: str) -> typer.Exit:
    _stderr().print(f"Error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chaincards {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """chaincards: Obsidian notes in, Anki decks out."""


IncludeOpt = Annotated[
    list[str] | None,
    typer.Option("--include", help="Glob of note files to read (repeatable; default *.md)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Warnings fail (exit 1).")]


def _targets(paths: list[Path] | None) -> list[Path]:
    targets = paths or [Path("notes")]
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise _usage_error(f"no such file or folder: {', '.join(missing)}")
    return targets


def _kinds(cards: str | None) -> tuple[str, ...]:
    if cards is None:
        return CARD_KINDS
    kinds = tuple(dict.fromkeys(k.strip() for k in cards.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in CARD_KINDS]
    if unknown or not kinds:
        raise _usage_error(
            f"--cards: unknown kind {', '.join(unknown) or '(none)'}; "
            f"choose from {','.join(CARD_KINDS)}"
        )
    return kinds


@app.command()
def build(
    paths: PathsArg = None,
    out_text: Annotated[
        str, typer.Option("--out", "-o", help="Folder for the .apkg files.")
    ] = "decks",
    include: IncludeOpt = None,
    single: Annotated[
        str | None, typer.Option("--single", help="Write every deck into this one .apkg file.")
    ] = None,
    default_deck: Annotated[
        str | None,
        typer.Option("--default-deck", help="Deck for notes with no cards-deck and no folder."),
    ] = None,
    cards: Annotated[
        str | None,
        typer.Option(
            "--cards", help=f"Card kinds to make, comma-separated: {','.join(CARD_KINDS)}."
        ),
    ] = None,
    strict: StrictOpt = False,
    changes: Annotated[
        bool, typer.Option("--changes", help="List every note added, changed or removed.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only diagnostics.")] = False,
    as_json: JsonOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Parse every note again.")] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", help="Where parsed notes are cached [default: VAULT/.chaincards-cache]."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes for parsing (default: all cores)."),
    ] = None,
) -> None:
    """Compile notes into .apkg decks (one per top-level deck)."""
    targets = _targets(paths)
    kinds = _kinds(cards)
    if not out_text.strip():
        raise _usage_error("--out needs a folder name")
    out = Path(out_text)
    if single is not None and (not single.endswith(".apkg") or Path(single).name != single):
        raise _usage_error("--single takes a file name ending in .apkg, e.g. --single course.apkg")
    if out.exists() and not out.is_dir():
        raise _usage_error(f"--out {out}: exists and is not a folder")
    if default_deck is not None:
        try:
            default_deck = validate_deck(default_deck)[0]
        except DeckError as exc:
            raise _usage_error(f"--default-deck {default_deck!r}: {exc}") from None
    root = vault_root_for(targets)
    if out.resolve().is_relative_to(root):
        # The next build would read its own output (and Obsidian would index it).
        raise _usage_error(f"--out {out} is inside the vault {root}; choose a folder outside it")
    # A hidden folder in the vault: Obsidian and chaincards both skip it, git ignores it.
    cache = cache_dir or root / ".chaincards-cache"
    with Progress(_stderr(), enabled=not quiet) as progress:
        try:
            result = build_decks(
                targets,
                out,
                include=tuple(include or ("*.md",)),
                default_deck=default_deck,
                skip=(out, cache),
                kinds=kinds,
                single=single,
                cache_folder=None if no_cache else cache,
                jobs=jobs or default_jobs(),
                progress=progress,
            )
        except UsageError as exc:
            raise _usage_error(str(exc)) from None
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise _usage_error(f"--out {out}: cannot write: {reason}") from None
    print_diagnostics(_stderr(), result.diagnostics)
    code = exit_code(result.diagnostics, strict=strict)
    if as_json:
        report = build_report(result, code, list_changes=changes)
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif not quiet:
        _stderr().print(build_summary(result, list_changes=changes))
    raise typer.Exit(code)


@app.command()
def model(
    paths: PathsArg = None,
    include: IncludeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the activity/flow model the notes describe (a tree, or --json)."""
    targets = _targets(paths)
    parsed = read_vault(targets, tuple(include or ("*.md",)))
    built = build_model(parsed.notes)
    if as_json:
        document = model_to_json(built)
        document["diagnostics"] = [d.to_json() for d in sorted(parsed.diagnostics)]
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print_diagnostics(_stderr(), parsed.diagnostics)
    Console(highlight=False, no_color="NO_COLOR" in os.environ).print(model_tree(built))


@app.command()
def check(
    paths: PathsArg = None,
    include: IncludeOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the notes and the chain they describe (exit 1: errors, or warnings with --strict)."""
    targets = _targets(paths)
    parsed = read_vault(targets, tuple(include or ("*.md",)))
    diagnostics = sorted(set(parsed.diagnostics + check_vault(parsed)))
    if as_json:
        payload = {"diagnostics": [d.to_json() for d in diagnostics]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print_diagnostics(_stderr(), diagnostics)
    raise typer.Exit(exit_code(diagnostics, strict=strict))


@app.command()
def inspect(
    package: Annotated[Path, typer.Argument(help="An .apkg file.")],
    samples: Annotated[int, typer.Option("--samples", min=0, help="Cards to show.")] = 3,
    as_json: JsonOpt = False,
) -> None:
    """List the decks, notetypes, note and card counts of a package, and a few cards."""
    from chaincards.anki.inspect import read_package

    if not package.is_file():
        raise _usage_error(f"{package}: no such file")
    try:
        summary = read_package(package, samples)
    except ValueError as exc:
        raise _usage_error(f"{package}: {exc}") from None
    if as_json:
        typer.echo(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
        return
    console = Console(highlight=False, no_color="NO_COLOR" in os.environ)
    console.print(summary.render(samples), markup=False, soft_wrap=True)


def main() -> None:
    debug = bool(os.environ.get("CHAINCARDS_DEBUG"))
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if debug:
            raise
        print(
            f"chaincards: internal error: {type(exc).__name__}: {exc} "
            "(set CHAINCARDS_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(3)
