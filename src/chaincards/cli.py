"""The command line: thin commands over the pipeline. Exit codes: 0 ok, 1 note errors, 2 usage."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chaincards import __version__
from chaincards.build_run import BuildRun, watch_and_build
from chaincards.cards.generate import CARD_KINDS
from chaincards.config import Settings, resolve_settings
from chaincards.diagnostics import exit_code
from chaincards.model import build_model, model_to_json
from chaincards.parallel import default_jobs
from chaincards.pipeline import ParsedVault, check_vault, read_vault
from chaincards.reports import model_tree, print_diagnostics, settings_table
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


def _stdout() -> Console:
    return Console(highlight=False, no_color="NO_COLOR" in os.environ)


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
    typer.Option("--include", help="Glob of note file names to read (repeatable; default *.md)."),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="Glob of vault paths to leave out, e.g. 'Templates/*'."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
StrictOpt = Annotated[
    bool | None, typer.Option("--strict/--no-strict", help="Warnings fail (exit 1).")
]
OutOpt = Annotated[
    str | None, typer.Option("--out", "-o", help="Folder for the .apkg files [default: decks].")
]
SingleOpt = Annotated[
    str | None, typer.Option("--single", help="Write every deck into this one .apkg file.")
]
DefaultDeckOpt = Annotated[
    str | None,
    typer.Option("--default-deck", help="Deck for notes with no cards-deck and no folder."),
]
CardsOpt = Annotated[
    str | None,
    typer.Option("--cards", help=f"Card kinds to make, comma-separated: {','.join(CARD_KINDS)}."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only diagnostics.")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also the config file, cache use and stage times.")
]


def _targets(paths: list[Path] | None) -> list[Path]:
    targets = paths or [Path("notes")]
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise _usage_error(f"no such file or folder: {', '.join(missing)}")
    return targets


@app.command()
def build(
    paths: PathsArg = None,
    out_text: OutOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    single: SingleOpt = None,
    default_deck: DefaultDeckOpt = None,
    cards: CardsOpt = None,
    strict: StrictOpt = None,
    changes: Annotated[
        bool, typer.Option("--changes", help="List every note added, changed or removed.")
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    as_json: JsonOpt = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Build again whenever a note changes (Ctrl-C stops).")
    ] = False,
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
    if quiet and verbose:
        raise _usage_error("--quiet and --verbose cannot be used together")
    targets = _targets(paths)
    settings = _settings(targets, out_text, include, exclude, single, default_deck, cards, strict)
    out = Path(settings["out"])
    if out.exists() and not out.is_dir():
        raise _usage_error(f"--out {out}: exists and is not a folder")
    root = vault_root_for(targets)
    if out.resolve().is_relative_to(root):
        # The next build would read its own output (and Obsidian would index it).
        raise _usage_error(f"--out {out} is inside the vault {root}; choose a folder outside it")
    # A hidden folder in the vault: Obsidian and chaincards both skip it, git ignores it.
    cache = cache_dir or root / ".chaincards-cache"
    run = BuildRun(
        targets,
        settings,
        out,
        cache=None if no_cache else cache,
        jobs=jobs or default_jobs(),
        console=_stderr(),
        quiet=quiet,
        verbose=verbose,
        as_json=as_json,
        list_changes=changes,
    )
    try:
        code = watch_and_build(run, root) if watch else run.once()
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def config(
    paths: PathsArg = None,
    out_text: OutOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    single: SingleOpt = None,
    default_deck: DefaultDeckOpt = None,
    cards: CardsOpt = None,
    strict: StrictOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the settings a build would use, and where each came from."""
    targets = _targets(paths)
    settings = _settings(targets, out_text, include, exclude, single, default_deck, cards, strict)
    if as_json:
        typer.echo(json.dumps(settings.to_json(), indent=2, ensure_ascii=False))
        return
    _stdout().print(settings_table(settings))


def _read(targets: list[Path], settings: Settings) -> ParsedVault:
    try:
        include, exclude = tuple(settings["include"]), tuple(settings["exclude"])
        return read_vault(targets, include, exclude=exclude)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None


def _settings(
    targets: list[Path],
    out: str | None,
    include: list[str] | None,
    exclude: list[str] | None,
    single: str | None,
    default_deck: str | None,
    cards: str | None,
    strict: bool | None,
) -> Settings:
    if out is not None and not out.strip():
        raise _usage_error("--out needs a folder name")
    flags = {
        "out": out,
        "include": include,
        "exclude": exclude,
        "single": single,
        "default-deck": default_deck,
        "cards": cards,
        "strict": strict,
    }
    try:
        return resolve_settings(vault_root_for(targets), flags)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None


@app.command()
def model(
    paths: PathsArg = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the activity/flow model the notes describe (a tree, or --json)."""
    targets = _targets(paths)
    settings = _settings(targets, None, include, exclude, None, None, None, None)
    parsed = _read(targets, settings)
    built = build_model(parsed.notes)
    if as_json:
        document = model_to_json(built)
        document["diagnostics"] = [d.to_json() for d in sorted(parsed.diagnostics)]
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print_diagnostics(_stderr(), parsed.diagnostics)
    _stdout().print(model_tree(built))


@app.command()
def check(
    paths: PathsArg = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    strict: StrictOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the notes and the chain they describe (exit 1: errors, or warnings with --strict)."""
    targets = _targets(paths)
    settings = _settings(targets, None, include, exclude, None, None, None, strict)
    strict = settings["strict"]
    parsed = _read(targets, settings)
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
    diff: Annotated[
        Path | None,
        typer.Option(
            "--diff", help="An older .apkg: list notes added, changed and removed since it."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the decks, notetypes, note and card counts of a package, and a few cards."""
    from chaincards.anki.diff import diff_packages
    from chaincards.anki.inspect import read_package

    for path in (package, diff):
        if path is not None and not path.is_file():
            raise _usage_error(f"{path}: no such file")
    current = package
    try:
        if diff is not None:
            differences = diff_packages(package, diff)
            current = diff
            if as_json:
                typer.echo(json.dumps(differences.to_json(), indent=2, ensure_ascii=False))
            else:
                _stdout().print(differences.render(), markup=False, soft_wrap=True)
            return
        summary = read_package(package, samples)
    except ValueError as exc:
        raise _usage_error(f"{current}: {exc}") from None
    if as_json:
        typer.echo(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
        return
    _stdout().print(summary.render(samples), markup=False, soft_wrap=True)


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
