"""One `chaincards build` as the shell sees it: progress, the build, its report on stderr or as
JSON on stdout, and the exit code; and `--watch`, which runs it again after every save."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console

from chaincards.build import BuildResult, build_decks
from chaincards.config import Settings
from chaincards.diagnostics import exit_code
from chaincards.progress import Progress
from chaincards.reports import build_report, build_summary, print_diagnostics, verbose_lines
from chaincards.source.vault import UsageError


@dataclass
class BuildRun:
    targets: list[Path]
    settings: Settings
    out: Path
    cache: Path | None
    jobs: int
    console: Console
    quiet: bool = False
    verbose: bool = False
    as_json: bool = False
    list_changes: bool = False
    reset_ids: bool = False  # only the first build of a --watch starts GUIDs afresh

    def build(self) -> tuple[BuildResult, float]:
        started = time.perf_counter()
        with Progress(self.console, enabled=not self.quiet) as progress:
            result = build_decks(
                self.targets,
                self.out,
                include=tuple(self.settings["include"]),
                exclude=tuple(self.settings["exclude"]),
                default_deck=self.settings["default-deck"],
                skip=(self.out, *((self.cache,) if self.cache else ())),
                kinds=tuple(self.settings["cards"]),
                single=self.settings["single"],
                cache_folder=self.cache,
                jobs=self.jobs,
                progress=progress,
                diagrams=self.settings["diagrams"],
                waiting=self._waiting,
                reset_ids=self.reset_ids,
                vault_name=self.settings["vault-name"],
            )
        self.reset_ids = False
        return result, time.perf_counter() - started

    def _waiting(self) -> None:
        self.console.print(
            f"waiting for another build writing to {self.out}", markup=False, soft_wrap=True
        )

    def checked_build(self) -> tuple[BuildResult, float]:
        """`build`, with a folder or file it cannot write as a `UsageError`."""
        try:
            return self.build()
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or exc
            where = getattr(exc, "filename", None) or f"--out {self.out}"
            raise UsageError(f"{where}: cannot write: {reason}") from None

    def once(self, one_line_json: bool = False) -> int:
        result, seconds = self.checked_build()
        strict = self.settings["strict"]
        code = exit_code(result.diagnostics, strict=strict)
        # --quiet keeps errors only, unless --strict makes every warning a failure.
        quiet = self.quiet and not strict
        print_diagnostics(self.console, result.diagnostics, errors_only=quiet)
        if self.as_json:
            report = build_report(result, code, list_changes=self.list_changes)
            indent = None if one_line_json else 2
            typer.echo(json.dumps(report, indent=indent, ensure_ascii=False))
        elif not self.quiet:
            # Not cropped: the `nid:` searches are lines that must be copied whole.
            summary = build_summary(result, list_changes=self.list_changes)
            self.console.print(summary, crop=False)
        if self.verbose:
            for line in verbose_lines(result, self.settings, seconds):
                self.console.print(line, markup=False, highlight=False)
        return code


def watch_and_build(run: BuildRun, root: Path) -> int:
    """Build, then build again after each batch of saves under `root`, until Ctrl-C."""
    from watchfiles import watch  # only `--watch` pays for importing it

    root = root.resolve()
    ignored = [run.out.resolve(), *((run.cache.resolve(),) if run.cache else ())]

    def relevant(_change: object, path: str) -> bool:
        resolved = Path(path).resolve()
        if any(resolved.is_relative_to(folder) for folder in ignored):
            return False
        # Editors save through hidden swap and temp files; the note's own save follows.
        return not any(part.startswith(".") for part in resolved.relative_to(root).parts)

    code = _watched_build(run)
    run.console.print(f"watching {root} for changes (Ctrl-C stops)", markup=False, soft_wrap=True)
    try:
        for changes in watch(root, watch_filter=relevant, debounce=300):
            stamp = datetime.now().strftime("%H:%M:%S")
            if not run.quiet:
                run.console.print(f"[{stamp}] {len(changes)} change(s); building", markup=False)
            code = _watched_build(run)
    except KeyboardInterrupt:
        pass
    return code


def _watched_build(run: BuildRun) -> int:
    # A half-saved note is only a note with problems: report them and keep watching.
    try:
        return run.once(one_line_json=True)
    except UsageError as exc:
        run.console.print(f"Error: {exc}", markup=False, soft_wrap=True)
        return 2
