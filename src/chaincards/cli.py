"""The command line: thin commands over the pipeline. Exit codes: 0 ok, 1 note errors, 2 usage."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperArgument

from chaincards import __version__, cli_pictures
from chaincards.build_run import BuildRun, watch_and_build
from chaincards.cli_options import (
    CardsOpt,
    DefaultDeckOpt,
    DiagramsOpt,
    ExcludeOpt,
    Flags,
    IncludeOpt,
    JsonOpt,
    OutOpt,
    PathsArg,
    QuietOpt,
    SingleOpt,
    StrictOpt,
    VerboseOpt,
    note_targets,
    output_folder,
    read_parsed,
    settings_for,
    stderr_console,
    stdout_console,
    usage_error,
)
from chaincards.collection.profiles import anki_data_folder, profile_collection
from chaincards.decks import valid_deck_or
from chaincards.diagnostics import exit_code
from chaincards.model import build_model, model_to_json
from chaincards.model.export import merged_items
from chaincards.parallel import default_jobs
from chaincards.pipeline import compile_parsed
from chaincards.reports import model_tree, print_diagnostics, settings_table
from chaincards.source.vault import UsageError, vault_root_for
from chaincards.sync_run import SyncRun

# Typer prints an argument's Python type after its metavar (`PATH... <list[Path]>`); the
# metavars here already say what to type, so help shows them alone.
if hasattr(TyperArgument, "display_type_rich"):
    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

app = typer.Typer(
    help=(
        "Compile Obsidian-style study notes into Anki decks.\n\n"
        "\b\nExamples:\n"
        "  chaincards build notes/ --out decks/\n"
        "  chaincards build seeds/ --include '*.txt' --single course.apkg\n"
        "  chaincards sync notes/ --profile 'User 1' --dry-run\n"
        "  chaincards inspect 'decks/ITIL 4 Foundation.apkg'\n"
        "  chaincards graph notes/ -o chain.svg\n"
        "  chaincards preview notes/ -o site/\n\n"
        "Exit codes: 0 ok, 1 note errors (or warnings with --strict), 2 usage errors."
    ),
    # Plain click errors: one `Error: …` line a shell user or CI log can read, no boxes.
    rich_markup_mode=None,
    no_args_is_help=True,
    # `--install-completion` / `--show-completion` for bash, zsh, fish and PowerShell.
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chaincards {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """chaincards: Obsidian notes in, Anki decks out."""


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
    diagrams: DiagramsOpt = None,
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
    reset_ids: Annotated[
        bool,
        typer.Option(
            "--reset-ids",
            help="Start GUIDs afresh from the notes, without the last build's manifests "
            "(says how many cards then import as new).",
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            help="Where parsed notes are cached [default: VAULT/.chaincards-cache].",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, metavar="N", help="Processes for parsing (default: all cores)."
        ),
    ] = None,
) -> None:
    """Compile notes into .apkg decks (one per top-level deck)."""
    if quiet and verbose:
        raise usage_error("--quiet and --verbose cannot be used together")
    targets = note_targets(paths)
    flags = Flags(out_text, include, exclude, single, default_deck, cards, strict, diagrams)
    settings = settings_for(targets, flags)
    out, root = output_folder(settings, targets)
    # A hidden folder in the vault: Obsidian and chaincards both skip it, git ignores it.
    cache = cache_dir or root / ".chaincards-cache"
    run = BuildRun(
        targets,
        settings,
        out,
        cache=None if no_cache else cache,
        jobs=jobs or default_jobs(),
        console=stderr_console(),
        quiet=quiet,
        verbose=verbose,
        as_json=as_json,
        list_changes=changes,
        reset_ids=reset_ids,
    )
    try:
        code = watch_and_build(run, root) if watch else run.once()
    except UsageError as exc:
        raise usage_error(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def sync(
    paths: PathsArg = None,
    collection: Annotated[
        Path | None,
        typer.Option(
            "--collection", "-c", metavar="FILE.anki2", help="The Anki collection to bring in step."
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile", "-p", metavar="NAME", help="The collection of this Anki profile."
        ),
    ] = None,
    delete: Annotated[
        bool,
        typer.Option("--delete", help="Remove the notes chaincards made whose source is gone."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Say what would change; write nothing to Anki.")
    ] = False,
    out_text: OutOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    single: SingleOpt = None,
    default_deck: DefaultDeckOpt = None,
    cards: CardsOpt = None,
    strict: StrictOpt = None,
    diagrams: DiagramsOpt = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Build, then update an Anki collection in place (needs chaincards[anki]; close Anki)."""
    if (collection is None) == (profile is None):
        raise usage_error("give the collection: --collection FILE.anki2 or --profile NAME")
    target = collection or _profile_collection(profile or "")
    targets = note_targets(paths)
    flags = Flags(out_text, include, exclude, single, default_deck, cards, strict, diagrams)
    settings = settings_for(targets, flags)
    out, root = output_folder(settings, targets)
    cache = root / ".chaincards-cache"
    build_run = BuildRun(
        targets, settings, out, cache, default_jobs(), stderr_console(), quiet, as_json=as_json
    )
    run = SyncRun(build_run, target, delete=delete, dry_run=dry_run)
    try:
        code = run.once()
    except UsageError as exc:
        raise usage_error(str(exc)) from None
    raise typer.Exit(code)


def _profile_collection(name: str) -> Path:
    try:
        return profile_collection(name, anki_data_folder())
    except ValueError as exc:
        raise usage_error(str(exc)) from None


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
    diagrams: DiagramsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the settings a build would use, and where each came from."""
    targets = note_targets(paths)
    flags = Flags(out_text, include, exclude, single, default_deck, cards, strict, diagrams)
    settings = settings_for(targets, flags)
    if as_json:
        typer.echo(json.dumps(settings.to_json(), indent=2, ensure_ascii=False))
        return
    # What a build uses when no deck is set: the vault's name (as `default_deck_of` does).
    effective = valid_deck_or(vault_root_for(targets).name, "Default")
    stdout_console().print(settings_table(settings, effective))


@app.command()
def model(
    paths: PathsArg = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the activity/flow model the notes describe (a tree, or --json)."""
    targets = note_targets(paths)
    settings = settings_for(targets, Flags(include=include, exclude=exclude))
    parsed = read_parsed(targets, settings)
    built = build_model(parsed.notes)
    if as_json:
        document = model_to_json(built)
        document["diagnostics"] = [d.to_json() for d in sorted(parsed.diagnostics)]
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print_diagnostics(stderr_console(), parsed.diagnostics)
    stdout_console().print(model_tree(built))


@app.command()
def check(
    paths: PathsArg = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    strict: StrictOpt = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list items merged across notes.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the notes, the chain they describe and the cards a build would write (exit 1:
    errors, or warnings with --strict)."""
    targets = note_targets(paths)
    settings = settings_for(targets, Flags(include=include, exclude=exclude, strict=strict))
    strict = settings["strict"]
    parsed = read_parsed(targets, settings)
    compiled = compile_parsed(parsed, settings["default-deck"], tuple(settings["cards"]))
    diagnostics = sorted(set(compiled.diagnostics))
    if as_json:
        payload = {
            "diagnostics": [d.to_json() for d in diagnostics],
            "cards": compiled.quality.to_json(),
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        console = stderr_console()
        print_diagnostics(console, diagnostics)
        console.print(compiled.quality.budget_line(), markup=False, highlight=False, soft_wrap=True)
        if verbose:
            for line in merged_items(compiled.model):
                console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(exit_code(diagnostics, strict=strict))


@app.command()
def inspect(
    package: Annotated[
        Path, typer.Argument(help="An .apkg file, or a folder of them.", metavar="PACKAGE")
    ],
    samples: Annotated[
        int, typer.Option("--samples", min=0, metavar="N", help="Cards to show.")
    ] = 3,
    diff: Annotated[
        Path | None,
        typer.Option(
            "--diff",
            metavar="OLD.apkg",
            help="An older .apkg: list notes added, changed and removed since it.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the decks, notetypes, note and card counts of a package, and a few cards."""
    from chaincards.anki.diff import diff_packages
    from chaincards.anki.inspect import read_package

    if package.is_dir() and diff is None:
        # A folder (`decks/`): every package in it, one after another (`--json`: a list).
        found = sorted(package.glob("*.apkg"))
        if not found:
            raise usage_error(f"{package}: no .apkg file in this folder")
        summaries = []
        for apkg in found:
            try:
                summaries.append(read_package(apkg, samples))
            except ValueError as exc:  # the message says what is wrong, not where
                raise usage_error(f"{apkg}: {exc}") from None
        if as_json:
            documents = [summary.to_json() for summary in summaries]
            typer.echo(json.dumps(documents, indent=2, ensure_ascii=False))
            return
        text = "\n\n".join(summary.render(samples) for summary in summaries)
        stdout_console().print(text, markup=False, soft_wrap=True)
        return
    for path in (package, diff):
        if path is not None and not path.is_file():
            raise usage_error(f"{path}: no such file")
    current = package
    try:
        if diff is not None:
            differences = diff_packages(package, diff)
            current = diff
            if as_json:
                typer.echo(json.dumps(differences.to_json(), indent=2, ensure_ascii=False))
            else:
                stdout_console().print(differences.render(), markup=False, soft_wrap=True)
            return
        summary = read_package(package, samples)
    except ValueError as exc:
        raise usage_error(f"{current}: {exc}") from None
    if as_json:
        typer.echo(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
        return
    stdout_console().print(summary.render(samples), markup=False, soft_wrap=True)


app.command()(cli_pictures.graph)
app.command()(cli_pictures.preview)


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
