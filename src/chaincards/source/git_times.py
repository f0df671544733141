"""Note times from git: a fresh clone gives every file the clone time as its mtime, so two CI
runs would stamp the same notes with different times and write different packages.

In a git work tree, an unmodified tracked file's time is its last commit's time, read from the
history in one pass. Modified, staged and untracked files keep their mtime (they are newer than
any commit). Without git, or outside a work tree, this gives nothing and mtimes are used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

_TIMEOUT = 120  # seconds; a history too slow to read is not worth waiting for


def _git(folder: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            [git, "-C", str(folder), *args],
            capture_output=True,
            timeout=_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def _last_commit_times(log: str) -> dict[str, int]:
    """Path → time of the newest commit touching it, from `log -z --name-only --format=%x01%ct`."""
    times: dict[str, int] = {}
    for entry in log.split("\x01"):
        stamp, _, names = entry.partition("\0")
        if not stamp.strip().isdigit():
            continue
        for name in names.removeprefix("\n").split("\0"):
            if name and name not in times:  # newest first: the first time seen is the last change
                times[name] = int(stamp)
    return times


def _changed(status: str) -> set[str]:
    """Paths with staged or unstaged changes, from `status --porcelain=v1 -z`."""
    changed: set[str] = set()
    entries = iter(status.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        changed.add(path)
        if "R" in code or "C" in code:
            next(entries, None)  # the rename's or copy's original path
    return changed


def committed_times(root: Path) -> dict[str, int]:
    """Vault-relative path → last commit time, for files unchanged since that commit."""
    top_text = _git(root, "rev-parse", "--show-toplevel")
    if not top_text:
        return {}
    top = Path(top_text.strip())
    try:
        inside = root.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return {}
    spec = "." if inside == "." else inside
    log = _git(
        top, "log", "-z", "--no-renames", "--name-only", "--format=%x01%ct", "HEAD", "--", spec
    )
    status = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", spec)
    if log is None or status is None:
        return {}
    changed = _changed(status)
    prefix = "" if inside == "." else inside + "/"
    times: dict[str, int] = {}
    for path, stamp in _last_commit_times(log).items():
        if path in changed or not path.startswith(prefix):
            continue
        times[path[len(prefix) :]] = stamp
    return times
