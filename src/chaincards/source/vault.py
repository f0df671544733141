"""Reading the vault: find note files, decode them, and index every file for link resolution.

This is the only stage that touches the note files on disk.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from chaincards.diagnostics import Diagnostic, error, warning
from chaincards.document import SourceNote
from chaincards.source.obsidian_vault import (
    attachment_folder,
    obsidian_root,
    vault_link,
)

DEFAULT_INCLUDE = ("*.md",)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NOTE_BYTES = 20 * 1024 * 1024
# Files that may well be notes under another name (suggested when no `*.md` matched).
_TEXT_SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".text", ".mdx")


class UsageError(Exception):
    """A problem with how chaincards was called (exit 2), not with a note."""


@dataclass
class VaultIndex:
    """Every non-hidden file in the vault, to resolve `[[links]]` and `![[embeds]]`."""

    root: Path
    files: set[str] = field(default_factory=set)  # vault-relative POSIX paths
    by_name: dict[str, list[str]] = field(default_factory=dict)  # casefolded file name → paths
    by_stem: dict[str, list[str]] = field(default_factory=dict)  # casefolded stem → note paths
    mtimes: dict[str, int] = field(default_factory=dict)  # for media: a new picture is an edit
    # The rest of the Obsidian vault when the folder built is part of one: its files (not
    # notes) by casefolded name, as paths relative to `root` (`../Attachments/x.png`), the
    # vault's folder, and its attachment folder setting.
    outside: dict[str, list[str]] = field(default_factory=dict)
    in_vault: dict[str, PurePosixPath] = field(default_factory=dict)  # their vault paths
    outer_root: Path | None = None
    attachments: str | None = None

    def add_outside(self, in_vault: str) -> None:
        """A file of the Obsidian vault (`in_vault`: its path there) outside `root`."""
        assert self.outer_root is not None
        full = self.outer_root / in_vault
        rel = Path(os.path.relpath(full, self.root)).as_posix()
        try:
            self.mtimes[rel] = int(full.stat().st_mtime)
        except OSError:
            self.mtimes[rel] = 0
        self.in_vault[rel] = PurePosixPath(in_vault)
        self.outside.setdefault(PurePosixPath(rel).name.casefold(), []).append(rel)

    def add(self, rel: str, mtime: int = 0) -> None:
        self.files.add(rel)
        self.mtimes[rel] = mtime
        name = PurePosixPath(rel).name
        self.by_name.setdefault(name.casefold(), []).append(rel)
        if name.lower().endswith(".md"):
            self.by_stem.setdefault(name[:-3].casefold(), []).append(rel)

    def resolve(self, target: str, from_note: str = "") -> str | None:
        """Vault path of an embed/link target: exact relative path first, else by file name.

        Paths that climb out of the vault (`../x.png`, symlinks) resolve to nothing.
        """
        target = unquote(target).strip().replace("\\", "/")
        if not target or "\x00" in target:
            return None
        base = PurePosixPath(from_note).parent
        for candidate in (base / target, PurePosixPath(target)):
            normal = _normalise(candidate)
            if normal is not None and normal in self.files and self._inside(normal):
                return normal
        matches = sorted(self.by_name.get(PurePosixPath(target).name.casefold(), []))
        if not matches:
            matches = sorted(self.by_stem.get(PurePosixPath(target).name.casefold(), []))
        # Obsidian's shortest-path rule: the closest match wins; ties go to the sorted first.
        for match in sorted(matches, key=lambda m: (m.count("/"), m)):
            if self._inside(match):
                return match
        return self._elsewhere_in_vault(target, base)

    def _elsewhere_in_vault(self, target: str, note_folder: PurePosixPath) -> str | None:
        """A file of the Obsidian vault outside the folder built: the one the target's path
        names (relative to the note, or to the vault), else in the attachment folder the
        vault's settings name, else the one with the shortest path."""
        found = self.outside.get(PurePosixPath(target).name.casefold(), [])
        if not found or self.outer_root is None:
            return None
        inside = self.root.relative_to(self.outer_root)
        named = {
            _normalise(PurePosixPath(inside, note_folder, target)),
            _normalise(PurePosixPath(target)),
        }
        # A bare name (`cell.png`) names no folder: only a path with one picks a file by it.
        explicit = "/" in target
        preferred = [f for f in found if explicit and self.in_vault[f].as_posix() in named]
        if self.attachments is not None:
            if self.attachments.startswith("./"):
                folder = PurePosixPath(inside, note_folder, self.attachments[2:])
            else:
                folder = PurePosixPath(self.attachments)
            preferred += [f for f in found if self.in_vault[f].parent == folder]
        ranked = sorted(found, key=lambda f: (self.in_vault[f].as_posix().count("/"), f))
        for match in [*preferred, *ranked]:
            if self._inside(match):
                return match
        return None

    def note_names(self) -> set[str]:
        return set(self.by_stem)

    def _inside(self, rel: str) -> bool:
        try:
            real = (self.root / rel).resolve()
            vault = self.outer_root if rel.startswith("../") and self.outer_root else self.root
            inside = real.is_relative_to(vault.resolve()) and real.is_file()
            # A file that cannot be read is as good as none: it can be neither shown nor packed.
            return inside and os.access(real, os.R_OK)
        except OSError:
            return False


def _normalise(path: PurePosixPath) -> str | None:
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) if parts else None


@dataclass
class Vault:
    root: Path
    name: str
    note_files: list[Path]  # absolute, sorted by vault-relative path
    index: VaultIndex
    diagnostics: list[Diagnostic]
    # What obsidian:// links name: the Obsidian vault (the nearest folder at or above `root`
    # with `.obsidian/`, or the `vault-name` setting) and `root`'s path inside it.
    link_vault: str = ""
    link_prefix: str = ""


def _matches(name: str, include: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in include)


def vault_root_for(paths: list[Path]) -> Path:
    """The vault is the given folder; for files or several paths, their deepest common folder.
    A named file counts by the folder that holds it, never by where a symlink points."""
    folders = [p.resolve() if p.is_dir() else _absolute(p).parent for p in paths]
    return Path(os.path.commonpath([str(f) for f in folders]))


def _absolute(path: Path) -> Path:
    """The path made absolute with its folders resolved but not the file itself (a symlink
    stays the link)."""
    return path.absolute().parent.resolve() / path.name


def discover(
    paths: list[Path],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    skip: tuple[Path, ...] = (),
    exclude: tuple[str, ...] = (),
    vault_name: str | None = None,
) -> Vault:
    """Find the note files under `paths`; skipped and unsafe files become diagnostics.

    `include` globs match file names; `exclude` globs match vault-relative paths
    (`Templates/*`) and keep matching files out of the notes (links to them still resolve).
    """
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    root = vault_root_for(paths)
    index = VaultIndex(root)
    diagnostics: list[Diagnostic] = []
    skip_resolved = {s.resolve() for s in skip}
    # The folder built is usually the one named: its walk for the index serves for its notes.
    walked = {root: _walk(root, skip_resolved, diagnostics, root)}
    for rel in walked[root]:
        if not _encodable(rel):
            continue  # reported below when it is a note; never linkable or packable
        try:
            mtime = int((root / rel).stat().st_mtime)
        except OSError:
            mtime = 0
        index.add(rel, mtime)
    notes: dict[str, Path] = {}
    for path in paths:
        if not path.is_dir():
            # A file named on the command line is read whatever its extension.
            named = _absolute(path)
            vault_rel = named.relative_to(root).as_posix()
            problem = _not_a_note(named, root)
            if problem:
                diagnostics.append(warning(vault_rel, 1, problem))
            else:
                notes[vault_rel] = named
            continue
        resolved = path.resolve()
        if resolved not in walked:
            walked[resolved] = _walk(resolved, skip_resolved, diagnostics, root)
        for rel in walked[resolved]:
            full = resolved / rel
            vault_rel = full.relative_to(root).as_posix()
            if not _matches(PurePosixPath(rel).name, include) or _matches(vault_rel, exclude):
                continue
            if not _encodable(vault_rel):
                shown = vault_rel.encode("utf-8", "backslashreplace").decode("ascii", "replace")
                diagnostics.append(warning(shown, 1, "file name is not valid UTF-8; skipped"))
                continue
            problem = _not_a_note(full, root)
            if problem:
                diagnostics.append(warning(vault_rel, 1, problem))
                continue
            notes[vault_rel] = full
    ordered = [notes[k] for k in sorted(notes)]
    if not ordered and not diagnostics:
        diagnostics.append(_nothing_found(paths, index, include, exclude))
    outer = obsidian_root(root)
    link_vault, link_prefix = vault_link(root, outer)
    if outer is not None and outer != root:
        index.outer_root, index.attachments = outer, attachment_folder(outer)
        # The rest of the vault: its unreadable folders are not this build's business.
        for in_vault in _walk(outer, skip_resolved | {root}, [], outer):
            if not in_vault.lower().endswith(".md"):
                index.add_outside(in_vault)
    return Vault(
        root, root.name, ordered, index, diagnostics, vault_name or link_vault, link_prefix
    )


def _nothing_found(
    paths: list[Path], index: VaultIndex, include: tuple[str, ...], exclude: tuple[str, ...]
) -> Diagnostic:
    """No note matched: an error (a build of nothing is never a success), saying what is there
    instead, so a wrong `--include` or folder is seen at once."""
    where = " ".join(str(path) for path in paths)
    wanted = " ".join(f"--include '{pattern}'" for pattern in include)
    matching = [f for f in index.files if _matches(PurePosixPath(f).name, include)]
    if matching and exclude:
        found = f"{len(matching)} matching file(s), every one left out by --exclude"
    else:
        suffixes = Counter(PurePosixPath(f).suffix.lower() or "(no extension)" for f in index.files)
        common = suffixes.most_common(3)
        if not common:
            found = "no file at all (hidden files and folders are skipped)"
        else:
            found = ", ".join(f"{count} {suffix} file(s)" for suffix, count in common)
            text = [suffix for suffix, _ in common if suffix in _TEXT_SUFFIXES]
            if text:
                found += f": try --include '*{text[0]}'"
    return error(where, 1, f"no note matches {wanted} here; found {found}")


def _encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_a_note(path: Path, root: Path) -> str:
    """Why a file found or named is not read as a note ("" when it is one): a symlink to
    outside the vault, or no regular file (a FIFO would block the build forever)."""
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            return "symlink points outside the vault; skipped"
        if not stat.S_ISREG(path.stat().st_mode):
            return "not a regular file (a folder, FIFO, device or socket); skipped"
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}; skipped"
    return ""


def _walk(top: Path, skip: set[Path], diagnostics: list[Diagnostic], root: Path) -> list[str]:
    """Files under `top`, relative to it, minus hidden folders, the output folder and folder links.

    Folder symlinks are never followed: that rules out loops and folders outside the vault.
    A folder that cannot be read is reported in `diagnostics` (relative to `root`): its notes
    are not silently missing.
    """

    def unreadable(problem: OSError) -> None:
        if problem.filename:
            where = Path(problem.filename).resolve()
            shown = where.relative_to(root.resolve()).as_posix()
            reason = problem.strerror or problem
            message = f"cannot read folder: {reason}; its notes are skipped"
            if warning(shown, 1, message) not in diagnostics:
                diagnostics.append(warning(shown, 1, message))

    found: list[str] = []
    for folder, dirs, files in os.walk(top, followlinks=False, onerror=unreadable):
        current = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (current / d).resolve() not in skip
        )
        for name in sorted(files):
            if name.startswith("."):
                continue
            found.append((current / name).relative_to(top).as_posix())
    return found


def read_note(
    path: Path,
    root: Path,
    vault_name: str,
    epoch: int | None = None,
    committed: int | None = None,
    link_prefix: str = "",
) -> tuple[SourceNote | None, list[Diagnostic]]:
    """Decode one note file. Not UTF-8, binary or unreadable files are errors, never guesses.

    The note's time is `committed` (its last commit, when unchanged since) or its mtime.
    """
    rel = path.relative_to(root).as_posix()
    try:
        # Non-blocking: a FIFO put in place of the note since it was found must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                return None, [warning(rel, 1, "not a regular file any more; skipped")]
            if status.st_size > MAX_NOTE_BYTES:
                size = status.st_size
                return None, [error(rel, 1, f"file is {size} bytes, over the 20 MiB limit")]
            data = handle.read()
    except FileNotFoundError:
        return None, [warning(rel, 1, "file disappeared while the vault was read; skipped")]
    except OSError as exc:
        return None, [warning(rel, 1, f"cannot read file: {exc.strerror or exc}; skipped")]
    if b"\x00" in data:
        line = _line_of(data, data.index(b"\x00"))
        return None, [error(rel, line, "binary file (NUL byte), not a Markdown note")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        byte = data[exc.start]
        return None, [error(rel, line, f"not UTF-8: invalid byte 0x{byte:02x}; re-save as UTF-8")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    problems: list[Diagnostic] = []
    if _CONTROL.search(text):
        # Control characters (Anki's field separator \x1f among them) cannot be shown on a card.
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else 1
        problems.append(warning(rel, line, "control characters removed"))
        text = _CONTROL.sub("", text)
    mtime = int(status.st_mtime) if committed is None else committed
    if epoch is not None:
        mtime = min(mtime, epoch)
    folder = PurePosixPath(rel).parent
    folder_deck = "::".join(folder.parts) if folder.parts else None
    return SourceNote(rel, vault_name, text, mtime, folder_deck, link_prefix), problems


def _line_of(data: bytes, position: int) -> int:
    """1-based line of a byte offset, counting CRLF, lone CR and LF endings alike."""
    head = data[:position]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def source_date_epoch() -> int | None:
    """`SOURCE_DATE_EPOCH` (reproducible builds: no card newer than it); a value that is not a
    whole number of seconds is a usage error, never ignored."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r}: not a whole number of seconds")
    return int(value)
