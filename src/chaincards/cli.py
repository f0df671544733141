"""The command line: thin commands over the pipeline. Exit codes: 0 ok, 1 note errors, 2 usage."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from chaincards import __version__
from chaincards.diagnostics import Diagnostic, exit_code
from chaincards.pipeline import compile_vault, write_decks
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


def _report(diagnostics: list[Diagnostic]) -> None:
    console = _stderr()
    for diagnostic in sorted(diagnostics):
        console.print(diagnostic.format(), markup=False, soft_wrap=True)


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


@app.command()
def build(
    paths: PathsArg = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the .apkg files.")] = Path(
        "decks"
    ),
    include: Annotated[
        list[str] | None,
        typer.Option("--include", help="Glob of note files to read (repeatable; default *.md)."),
    ] = None,
    single: Annotated[
        str | None, typer.Option("--single", help="Write every deck into this one .apkg file.")
    ] = None,
    default_deck: Annotated[
        str | None,
        typer.Option("--default-deck", help="Deck for notes with no cards-deck and no folder."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the build.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only diagnostics.")] = False,
) -> None:
    """Compile notes into .apkg decks (one per top-level deck)."""
    targets = paths or [Path("notes")]
    if single is not None and (not single.endswith(".apkg") or Path(single).name != single):
        raise _usage_error("--single takes a file name ending in .apkg, e.g. --single course.apkg")
    if out.exists() and not out.is_dir():
        raise _usage_error(f"--out {out}: exists and is not a folder")
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise _usage_error(f"no such file or folder: {', '.join(missing)}")
    root = vault_root_for(targets)
    if out.resolve().is_relative_to(root):
        # The next build would read its own output (and Obsidian would index it).
        raise _usage_error(f"--out {out} is inside the vault {root}; choose a folder outside it")
    try:
        compilation = compile_vault(targets, tuple(include or ("*.md",)), default_deck, skip=(out,))
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    _report(compilation.diagnostics)
    try:
        out.mkdir(parents=True, exist_ok=True)
        reports = write_decks(compilation.cards, out, compilation.parsed.vault.root, single)
    except OSError as exc:
        raise _usage_error(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    if not quiet:
        _summary(reports, compilation.diagnostics)
    raise typer.Exit(exit_code(compilation.diagnostics, strict=strict))


def _summary(reports: list, diagnostics: list[Diagnostic]) -> None:
    table = Table(title="chaincards build", show_lines=False)
    for column in ("package", "deck", "notes", "by kind", "status"):
        table.add_column(column)
    for report in reports:
        decks: dict[str, list] = {}
        for card in report.cards:
            decks.setdefault(card.deck, []).append(card)
        for deck, cards in sorted(decks.items()):
            kinds: dict[str, int] = {}
            for card in cards:
                kinds[card.kind] = kinds.get(card.kind, 0) + 1
            by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
            status = "written" if report.written else "unchanged"
            table.add_row(report.path.name, deck, str(len(cards)), by_kind, status)
    console = _stderr()
    console.print(table)
    warnings = sum(1 for d in diagnostics if d.severity.value == "warning")
    errors = len(diagnostics) - warnings
    console.print(f"{len(reports)} package(s), {errors} error(s), {warnings} warning(s)")


@app.command()
def inspect(
    package: Annotated[Path, typer.Argument(help="An .apkg file.")],
) -> None:
    """List the decks, notetypes, note and card counts of a package, and a few cards."""
    from chaincards.anki.inspect import read_package

    if not package.is_file():
        raise _usage_error(f"{package}: no such file")
    try:
        summary = read_package(package)
    except ValueError as exc:
        raise _usage_error(f"{package}: {exc}") from None
    console = Console(highlight=False, no_color="NO_COLOR" in os.environ)
    console.print(summary.render(), markup=False, soft_wrap=True)


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
