"""One `chaincards sync` as the shell sees it: the build (as `build` makes it, into the same
output folder, so both keep one set of GUIDs), then the learner's collection brought in step
with the packages, and its report on stderr or as JSON on stdout, and the exit code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from chaincards.anki.changes import id_search
from chaincards.anki.manifest_file import recorded_guids
from chaincards.build_run import BuildRun
from chaincards.collection.apply import SyncOutcome, sync_collection
from chaincards.collection.opening import SyncError, check_ready
from chaincards.collection.plan import HeldNote, Plan
from chaincards.collection.wanted import read_packages
from chaincards.diagnostics import Diagnostic, exit_code, warning
from chaincards.reports import build_report, print_diagnostics
from chaincards.source.vault import UsageError


@dataclass
class SyncRun:
    build: BuildRun
    collection: Path
    delete: bool = False
    dry_run: bool = False

    def once(self) -> int:
        run = self.build
        try:
            check_ready(self.collection)  # before a long build, not after it
        except SyncError as exc:
            raise UsageError(str(exc)) from None
        # Read before the build: what it retires past the manifests' bound is still known.
        made = recorded_guids(run.out)
        result, _seconds = run.checked_build()
        code = exit_code(result.diagnostics, strict=run.settings["strict"])
        if code:
            # A note in error makes no cards: syncing now would take its notes for gone.
            print_diagnostics(run.console, result.diagnostics)
            self._report_nothing(code, result.diagnostics, build_report(result, code))
            return code
        packages = [package.path for package in result.packages if not package.stale]
        try:
            wanted = read_packages(packages)
            outcome = sync_collection(
                self.collection,
                wanted,
                made.keys(),
                delete=self.delete,
                dry_run=self.dry_run,
                write_past_skips=not run.settings["strict"],
            )
        except (SyncError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        sources = recorded_guids(run.out) if outcome.plan.skipped else {}
        skipped = [
            warning(*_where(sources.get(guid, "")), f"{reason}: sync leaves this note as it is")
            for guid, reason in outcome.plan.skipped
        ]
        diagnostics = result.diagnostics + skipped
        code = exit_code(diagnostics, strict=run.settings["strict"])
        print_diagnostics(run.console, diagnostics, errors_only=run.quiet)
        if run.as_json:
            report = sync_report(self.collection, outcome, code, diagnostics, self.dry_run)
            report["build"] = build_report(result, code)
            typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        elif not run.quiet:
            run.console.print(
                sync_summary(self.collection, outcome, self.dry_run),
                soft_wrap=True,
                markup=False,
                highlight=False,
            )
        return code

    def _report_nothing(self, code: int, diagnostics: list[Diagnostic], build: Any) -> None:
        if self.build.as_json:
            report = sync_report(
                self.collection, SyncOutcome(Plan()), code, diagnostics, self.dry_run
            )
            report["build"] = build
            typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.build.console.print(
                f"{self.collection}: nothing synced: the notes have problems (above) to fix first",
                markup=False,
                soft_wrap=True,
            )


def _where(source: str) -> tuple[str, int]:
    path, _, line = source.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (source or "?", 1)


def _nid_search(notes: list[HeldNote]) -> str:
    return id_search("nid", (note.note_id for note in notes))


def sync_report(
    collection: Path,
    outcome: SyncOutcome,
    code: int,
    diagnostics: list[Diagnostic],
    dry_run: bool,
) -> dict[str, Any]:
    """`sync --json`: what changed (or would, with --dry-run) per deck, and where."""
    plan = outcome.plan
    decks = {deck: counts.to_json() for deck, counts in sorted(plan.decks.items())}
    totals = {
        key: sum(d[key] for d in decks.values())
        for key in ("added", "updated", "moved", "removed", "gone", "emptied")
    }
    return {
        "exit_code": code,
        "collection": str(collection),
        "dry_run": dry_run,
        "written": outcome.written,
        "backup": str(outcome.backup) if outcome.backup else None,
        "totals": totals,
        "decks": decks,
        "gone_search": _nid_search(plan.gone),
        "emptied_search": id_search("cid", plan.emptied),
        "removed_search": _nid_search(plan.remove),
        "media_added": outcome.media_added,
        "notetypes": {"added": outcome.notetypes_added, "updated": outcome.notetypes_updated},
        "diagnostics": [d.to_json() for d in sorted(set(diagnostics), key=Diagnostic.sort_key)],
    }


def sync_summary(collection: Path, outcome: SyncOutcome, dry_run: bool) -> str:
    plan = outcome.plan
    changes = outcome.changes
    if not changes and not plan.gone and not plan.emptied:
        return f"{collection}: already in step with the notes; nothing to change"
    if outcome.written:
        head = f"synced {collection}"
        if outcome.backup:
            head += f" (backup first: {outcome.backup})"
    elif changes and dry_run:
        head = f"{collection}: a sync would change (dry run: nothing written)"
    elif changes:
        head = f"{collection}: nothing written (--strict, and a note above sync must leave)"
    else:
        head = f"{collection}: nothing to change"
    lines = [head]
    for deck, counts in sorted(plan.decks.items()):
        parts = [
            f"{number} {label}"
            for number, label in (
                (counts.added, "added"),
                (counts.updated, "updated"),
                (counts.moved, "moved here"),
                (counts.removed, "removed"),
                (counts.gone, "source gone"),
                (counts.emptied, "card(s) emptied"),
            )
            if number
        ]
        lines.append(f"  {deck}: {', '.join(parts)}")
    extras = []
    if outcome.media_added:
        extras.append(f"{len(outcome.media_added)} media file(s)")
    if outcome.notetypes_added or outcome.notetypes_updated:
        extras.append(
            f"notetypes: {outcome.notetypes_added} added, {outcome.notetypes_updated} updated"
        )
    if extras:
        lines.append("  " + "; ".join(extras))
    if plan.gone:
        lines.append(
            f"{len(plan.gone)} note(s) whose source is gone stay in the collection; "
            "sync --delete removes them. Find them in Anki's browser with:"
        )
        lines.append(_nid_search(plan.gone))
    if plan.emptied:
        lines.append(
            f"{len(plan.emptied)} card(s) are empty now (their note no longer makes them); "
            "Anki keeps them with their history until Tools → Empty Cards removes them:"
        )
        lines.append(id_search("cid", plan.emptied))
    return "\n".join(lines)
