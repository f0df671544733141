"""Issue 6, point 3: no file from outside the vault gets into a package, and media names are safe.

Every file outside the vault holds SECRET; the packages' zip entries (decompressed), their `media`
maps and Anki's media folder after a real import are searched for it. Media names must be flat
(no folders, no `..`), plain and distinct even for two `img.png` in different folders.
"""

from __future__ import annotations

import re

import pytest
from hostile_vault import (
    ESCAPES,
    FILE_ESCAPES,
    SECRET,
    Build,
    build_hostile,
    escape_note,
    html_tags,
)

SAFE_MEDIA_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@pytest.fixture(scope="module")
def build() -> Build:
    return build_hostile()


def _img_sources(html: str) -> list[str]:
    return [dict(attrs).get("src") or "" for tag, attrs in html_tags(html) if tag == "img"]


def test_media_names_are_flat_safe_and_unique(build: Build) -> None:
    every_name: list[str] = []
    for package in build.packages.values():
        assert set(package.entries) == {"collection.anki2", "media", *package.media}
        assert all(key.isdigit() for key in package.media)
        for name in package.media.values():
            assert SAFE_MEDIA_NAME.fullmatch(name) and ".." not in name, name
        every_name += package.media.values()
        # Every local picture a field shows is packed, and nothing else is.
        shown = {
            src
            for note in package.notes
            for field in note.fields
            for src in _img_sources(field)
            if not src.startswith("https://")
        }
        assert shown == set(package.media.values()), package.path.name
    assert len(every_name) == len(set(every_name))
    assert len(every_name) == 4  # media/a/img.png, media/b/img.png, html/x.png, html/<img…>.png


def test_two_pictures_with_the_same_name_do_not_collide(build: Build) -> None:
    package = build.packages["media.apkg"]
    by_name = {name: package.entries[key] for key, name in package.media.items()}
    [a] = _img_sources(build.notes_with("Hxmediaa")[0].fields[1])
    [b] = _img_sources(build.notes_with("Hxmediab")[0].fields[1])
    assert a != b and a.endswith("_img.png") and b.endswith("_img.png")
    assert by_name[a] == (build.vault / "media" / "a" / "img.png").read_bytes()
    assert by_name[b] == (build.vault / "media" / "b" / "img.png").read_bytes()
    # After a real import Anki's media folder holds both pictures, each with its own bytes.
    folder = build.root / "anki" / "collection.media"
    assert (folder / a).read_bytes() == by_name[a]
    assert (folder / b).read_bytes() == by_name[b]


def test_nothing_from_outside_the_vault_is_packed(build: Build) -> None:
    for package in build.packages.values():
        for entry, data in package.entries.items():
            assert SECRET not in data, (package.path.name, entry)
    folder = build.root / "anki" / "collection.media"
    for name in build.anki_media:
        assert SECRET not in (folder / name).read_bytes(), name
    # The escape notes are at the vault root, so they are all in vault.apkg: no media at all.
    assert build.packages["vault.apkg"].media == {}


@pytest.mark.parametrize("marker", sorted(ESCAPES))
def test_picture_outside_the_vault_is_warned_and_not_packed(build: Build, marker: str) -> None:
    [note] = build.notes_with(marker)
    for field in note.fields:
        assert _img_sources(field) == [], field
    warnings = [d for d in build.diagnostics_for(escape_note(marker)) if d.severity == "warning"]
    assert warnings and all(re.search("not found|outside", d.message) for d in warnings)
    assert warnings[0].line == 1


@pytest.mark.parametrize("marker", sorted(FILE_ESCAPES))
def test_other_file_outside_the_vault_is_not_packed(build: Build, marker: str) -> None:
    [note] = build.notes_with(marker)
    for field in note.fields[:2]:
        assert _img_sources(field) == [] and "<a " not in field, field


@pytest.mark.parametrize("marker", sorted(FILE_ESCAPES))
def test_other_file_outside_the_vault_is_warned(build: Build, marker: str) -> None:
    assert build.diagnostics_for(escape_note(marker)), FILE_ESCAPES[marker]


def test_symlinked_picture_pointing_outside(build: Build) -> None:
    link = build.vault / "media" / "evil.png"
    assert link.is_symlink() and SECRET in link.read_bytes()
    for marker in ("Hxescsymlink", "Hxescsymlinkpath", "Hxescsymlinkfolder"):
        [note] = build.notes_with(marker)
        assert all(_img_sources(field) == [] for field in note.fields)
        assert any(d.severity == "warning" for d in build.diagnostics_for(escape_note(marker)))
