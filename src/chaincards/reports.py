"""Human-readable reports: the build summary, and the model as a tree and tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from chaincards.anki.changes import Changes
from chaincards.build import BuildResult
from chaincards.config import Settings
from chaincards.diagnostics import Diagnostic, Severity
from chaincards.model import ALL, Model
from chaincards.model.definitions import plural
from chaincards.model.types import Item


def build_summary(result: BuildResult, list_changes: bool = False) -> Group:
    table = Table(title="chaincards build", title_justify="left")
    table.add_column("deck", overflow="fold")
    table.add_column("notes", justify="right")
    table.add_column("changes", justify="right")
    table.add_column("cards by kind", overflow="fold")
    for package in result.packages:
        state = "no note goes here any more" if package.stale else "unchanged"
        state = "written" if package.written else state
        table.add_row(f"[bold]{escape(package.path.name)}[/] ({state})", "", "", "")
        changed = package.changes.by_deck()
        label = _deck_labels([*package.decks, *changed])
        for deck, kinds in package.decks.items():
            text = ", ".join(f"{kind} {count}" for kind, count in kinds.items())
            counts = _change_counts(*changed.get(deck, (0, 0, 0)))
            table.add_row(label(deck), str(sum(kinds.values())), counts, text)
        for deck, (_, _, removed) in changed.items():
            if deck not in package.decks:  # every note of the deck is gone
                table.add_row(label(deck), "0", _change_counts(0, 0, removed), "")
    errors = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
    warnings = len(result.diagnostics) - errors
    quality = result.quality
    lines: list[Any] = [table]
    for package in result.packages:
        if list_changes:
            lines += _change_lines(package.changes)
        lines += _what_anki_will_not_do(package.path.name, package.changes)
    lines += [
        f"{len(result.packages)} package(s), {errors} error(s), {warnings} warning(s)",
        quality.budget_line(),
    ]
    return Group(*lines)


def _deck_labels(decks: list[str]) -> Callable[[str], str]:
    """Deck names under their package's row: without the top-level deck every one shares (the
    package is named after it), so a narrow terminal wraps a short name, not a long path."""
    tops = {deck.split("::", 1)[0] for deck in decks}

    def label(deck: str) -> str:
        rest = deck.partition("::")[2]
        return "  " + escape(rest if len(tops) == 1 and rest else deck)

    return label


def _what_anki_will_not_do(name: str, changes: Changes) -> list[Text]:
    """What the learner must do by hand after importing, each with the search that finds the
    notes; the search on a line of its own and never wrapped, so it is copied whole."""
    lines: list[Text] = []
    for entries, search, text in (
        (
            changes.removed,
            changes.removed_search(),
            "note(s) removed from {name}: an import cannot delete them from Anki. "
            "Find them in Anki's browser with:",
        ),
        (
            changes.moved,
            changes.moved_search(),
            "note(s) moved to another deck in {name}: an import leaves their cards in the old "
            "deck. Select them in Anki's browser with this search and use Browse › Change Deck:",
        ),
        (
            changes.emptied,
            changes.emptied_search(),
            "note(s) in {name} make fewer cards than before (a cloze deletion or a reverse side "
            "removed): an import leaves those cards empty; Tools › Empty Cards removes them. "
            "The notes:",
        ),
    ):
        if entries:
            lines.append(Text(f"{len(entries)} " + text.format(name=name)))
            lines.append(Text(search, no_wrap=True, overflow="ignore"))
    return lines


def _change_counts(new: int, changed: int, removed: int) -> str:
    return f"+{new} ~{changed} -{removed}"


def _change_lines(changes: Changes) -> list[Text]:
    lines = []
    marked = (("+", changes.new), ("~", changes.changed), ("-", changes.removed))
    for mark, entries in marked:
        for entry in sorted(entries, key=lambda e: (e.deck, e.source, e.guid)):
            lines.append(Text(f"{mark} {entry.deck}  {entry.source}  {entry.kind}: {entry.front}"))
    return lines


def build_report(result: BuildResult, exit_code: int, list_changes: bool = False) -> dict[str, Any]:
    """`build --json`: what was written, card counts per deck and kind, changes since the last
    build, diagnostics, quality."""
    packages = []
    for package in result.packages:
        changes = package.changes
        summary: dict[str, Any] = {
            "new": len(changes.new),
            "changed": len(changes.changed),
            "removed": len(changes.removed),
            "removed_search": changes.removed_search(),
            "moved": len(changes.moved),
            "moved_search": changes.moved_search(),
            "emptied": len(changes.emptied),
            "emptied_search": changes.emptied_search(),
        }
        if list_changes:
            summary["notes"] = changes.to_json()
        packages.append(
            {
                "path": str(package.path),
                "written": package.written,
                "stale": package.stale,
                "notes": package.notes,
                "decks": {
                    deck: {"notes": sum(kinds.values()), "by_kind": kinds}
                    for deck, kinds in package.decks.items()
                },
                "changes": summary,
            }
        )
    return {
        "exit_code": exit_code,
        "reused_last_build": result.reused,
        "packages": packages,
        "diagnostics": [
            d.to_json() for d in sorted(set(result.diagnostics), key=Diagnostic.sort_key)
        ],
        "quality": result.quality.to_json(),
    }


def _ends(item: Item, noun: str) -> str:
    names = [f"all {plural(noun)}" if c.name == ALL else c.name for c in item.counterparts]
    return ", ".join(names) or "—"


def _also(item: Item) -> str:
    """The other places that state the same item (merged into this one), dimmed."""
    if not item.also:
        return ""
    return "  [dim](also " + ", ".join(escape(str(r)) for r in item.also) + ")[/]"


def model_tree(model: Model) -> Group:
    trees: list[RenderableType] = []
    for activity in model.activities:
        tree = Tree(f"[bold]{activity.name}[/]  [dim]{activity.home_path}:{activity.home_line}[/]")
        if activity.aliases:
            tree.add(f"aliases: {', '.join(activity.aliases)}")
        tree.add(f"purpose: {activity.purpose or '[red]none stated[/]'}")
        for title, arrow, items in (
            ("inputs", "←", activity.inputs),
            ("outputs", "→", activity.outputs),
        ):
            branch = tree.add(f"{title} ({len(items)})")
            for item in items:
                ends = _ends(item, model.step_noun)
                branch.add(f"{item.artifact or item.text}  [cyan]{arrow} {ends}[/]{_also(item)}")
        trees.append(tree)
    flows = Table(title="flows between activities", title_justify="left")
    for column in ("from", "to", "artifact", "confirmed"):
        flows.add_column(column, overflow="fold")
    for flow in model.flows:
        flows.add_row(flow.source, flow.target, flow.artifact, "yes" if flow.confirmed else "no")
    trees.append(flows)
    if model.value_streams:
        streams = Table(title="sequences", title_justify="left")
        streams.add_column("kind")
        streams.add_column("name")
        streams.add_column("steps", overflow="fold")
        for stream in model.value_streams:
            streams.add_row(stream.kind, stream.name, " → ".join(stream.steps))
        trees.append(streams)
    if model.parties:
        trees.append("parties: " + ", ".join(p.name for p in model.parties))
    return Group(*trees)


_SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def print_diagnostics(
    console: Console,
    diagnostics: list[Diagnostic],
    *,
    errors_only: bool = False,
) -> None:
    """One line each, `path:line: severity: message`, sorted so a note's lines stand together;
    the severity coloured on a terminal. `errors_only` (build --quiet) leaves warnings out."""
    shown = (d for d in set(diagnostics) if not errors_only or d.severity is Severity.ERROR)
    lines: list[Text] = []
    for diagnostic in sorted(shown, key=Diagnostic.sort_key):
        line = Text(diagnostic.format())
        word = f": {diagnostic.severity.value}:"
        start = line.plain.find(word, len(diagnostic.path))
        if start >= 0:
            style = _SEVERITY_STYLES.get(diagnostic.severity, "")
            line.stylize(style, start + 2, start + len(word) - 1)
        lines.append(line)
    if lines:  # one call: a big vault's tens of thousands of warnings print in one go
        console.print(Text("\n").join(lines), soft_wrap=True, highlight=False)


def verbose_lines(result: BuildResult, settings: Settings, seconds: float) -> list[str]:
    """What `--verbose` adds: where the settings came from, the caches' work, stage times."""
    stages = ", ".join(f"{stage} {time:.2f} s" for stage, time in result.seconds.items())
    lines = [f"config: {settings.file or 'none found; defaults and flags'}"]
    if result.reused:
        lines.append(f"notes: {result.notes} read; none changed, the last build stands")
    else:
        cached = result.notes - result.parsed
        lines.append(f"notes: {result.notes} read, {result.parsed} parsed, {cached} from cache")
        if result.remade is not None:
            made, every = result.remade
            lines.append(
                f"only written cards changed: {made} of {every} package(s) made again, "
                "the model and its cards kept"
            )
    lines.append(f"time: {seconds:.2f} s ({stages})")
    return lines


def toml_value(value: object) -> str:
    """A setting as it would be written in `chaincards.toml` (unset: `(not set)`)."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def settings_table(settings: Settings, effective_deck: str) -> Group:
    """The settings as TOML values; an unset default deck shows the deck a build uses."""
    table = Table(title="chaincards config", title_justify="left")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    table.add_column("from", overflow="fold")
    for key, value in sorted(settings.values.items()):
        source = settings.sources[key]
        if key == "default-deck" and value is None:
            value, source = effective_deck, f"{source}: the vault's name"
        table.add_row(key, escape(toml_value(value)), escape(source))
    found = f"config file: {settings.file}" if settings.file else "config file: none found"
    return Group(table, Text(found))
