"""The commands that draw: `graph` (the chain as Mermaid, DOT or SVG) and `preview` (a static
site of every card). Registered on the app in cli.py."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chaincards.cli_options import (
    CardsOpt,
    DefaultDeckOpt,
    ExcludeOpt,
    Flags,
    IncludeOpt,
    PathsArg,
    QuietOpt,
    StrictOpt,
    note_targets,
    read_parsed,
    settings_for,
    stderr_console,
    usage_error,
)
from chaincards.diagnostics import exit_code
from chaincards.files import write_text_atomically
from chaincards.model import build_model
from chaincards.pipeline import compile_parsed
from chaincards.reports import print_diagnostics


class Format(StrEnum):
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"


def graph(
    paths: PathsArg = None,
    format_: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="mermaid, dot or svg [default: from -o's suffix, else mermaid].",
        ),
    ] = None,
    activity: Annotated[
        str | None,
        typer.Option("--activity", metavar="NAME", help="Highlight this activity and its flows."),
    ] = None,
    parties: Annotated[
        bool, typer.Option("--parties", help="Also the outside parties (customers, suppliers…).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write to this file instead of stdout."),
    ] = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
) -> None:
    """Draw the chain: activities and the flows between them (Mermaid pastes into a note)."""
    from chaincards.diagrams import RENDERERS, SUFFIXES
    from chaincards.diagrams.graph import chain_graph

    targets = note_targets(paths)
    chosen = format_.value if format_ else "mermaid"
    if format_ is None and out is not None:
        if out.suffix.lower() not in SUFFIXES:
            raise usage_error(f"-o {out}: say --format, or use .svg, .mmd or .dot")
        chosen = SUFFIXES[out.suffix.lower()]
    settings = settings_for(targets, Flags(include=include, exclude=exclude))
    parsed = read_parsed(targets, settings)
    model = build_model(parsed.notes)
    print_diagnostics(stderr_console(), parsed.diagnostics)
    if not model.activities:
        raise usage_error("the notes describe no activities: nothing to draw")
    if activity is not None and model.activity(activity) is None:
        known = ", ".join(a.name for a in model.activities)
        raise usage_error(f"--activity {activity!r}: no such activity; the notes have {known}")
    drawn = chain_graph(model, parties=parties, activity=activity, title=parsed.vault.name)
    text = RENDERERS[chosen](drawn)
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.is_dir():
        raise usage_error(f"-o {out}: is a folder; give a file name")
    try:
        write_text_atomically(out, text)
    except OSError as exc:
        raise usage_error(f"-o {out}: cannot write: {exc.strerror or exc}") from None


def preview(
    paths: PathsArg = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Folder for the site (replaced if a preview)."
        ),
    ] = Path("site"),
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    default_deck: DefaultDeckOpt = None,
    cards: CardsOpt = None,
    strict: StrictOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a static HTML site showing every card as in Anki: search, kind filter, the chain."""
    from chaincards.preview.build import build_preview

    targets = note_targets(paths)
    flags = Flags(
        include=include, exclude=exclude, default_deck=default_deck, cards=cards, strict=strict
    )
    settings = settings_for(targets, flags)
    if out.exists() and not out.is_dir():
        raise usage_error(f"-o {out}: exists and is not a folder")
    parsed = read_parsed(targets, settings)
    compilation = compile_parsed(parsed, settings["default-deck"], tuple(settings["cards"]))
    console = stderr_console()
    print_diagnostics(console, compilation.diagnostics)
    try:
        result = build_preview(compilation, out)
    except FileExistsError:
        raise usage_error(
            f"-o {out}: a folder with other files in it; give an empty or new folder"
        ) from None
    except OSError as exc:
        raise usage_error(f"-o {out}: cannot write: {exc.strerror or exc}") from None
    if not quiet:
        console.print(
            f"preview: {result.cards} cards in {result.decks} decks, rendered by "
            f"{result.renderer} → {result.index}",
            markup=False,
            soft_wrap=True,
        )
    raise typer.Exit(exit_code(compilation.diagnostics, strict=settings["strict"]))
