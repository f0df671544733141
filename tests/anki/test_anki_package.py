"""The package writer: stable bytes, atomic replacement, and Anki's update-in-place on re-import."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import time
import zipfile
from pathlib import Path

import pytest

from ankitools import (
    card_interval,
    card_note,
    fresh_collection,
    import_package,
    learner_cards,
    only,
    set_review_interval,
)
from chaincards.anki import notetypes, package
from chaincards.anki.package import (
    package_file_name,
    package_groups,
    write_package,
)
from chaincards.media import package_media_name


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _deck_cards(vault: Path) -> list:
    (vault / "img").mkdir(parents=True, exist_ok=True)
    (vault / "img" / "b.png").write_bytes(b"png b")
    (vault / "img" / "a.png").write_bytes(b"png a")
    return [
        card_note("g-basic", deck="Course::Chapter 1", mod=1_700_000_100, origin="a.md:30"),
        card_note("g-rev", shape="reverse", deck="Course", mod=1_700_000_050, origin="a.md:4"),
        card_note(
            "g-cloze",
            shape="cloze",
            front="{{c1::one}} and {{c2::two}}",
            deck="Course::Chapter 1",
            origin="a.md:9",
            tags=("z", "a"),
        ),
        card_note(
            "g-img",
            front=f'<img src="{package_media_name("img/b.png")}">',
            media=("img/b.png", "img/a.png"),
            origin="b.md:1",
        ),
    ]


def test_same_cards_give_identical_bytes_at_any_time_and_in_any_order(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    cards = _deck_cards(vault)
    first, second, third = (tmp_path / name / "Course.apkg" for name in ("one", "two", "three"))
    assert write_package(cards, first, vault)
    time.sleep(1.1)  # a build-time stamp anywhere in the package would show up now
    assert write_package(cards, second, vault)
    shuffled = cards[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != cards
    assert write_package(shuffled, third, vault)
    assert _sha(first) == _sha(second) == _sha(third)


def test_zip_layout_is_fixed(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    write_package(_deck_cards(vault), apkg, vault)
    with zipfile.ZipFile(apkg) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["collection.anki2", "media", "0", "1"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        media = json.loads(archive.read("media"))
        names = sorted([package_media_name("img/a.png"), package_media_name("img/b.png")])
        assert media == {"0": names[0], "1": names[1]}
        by_name = {"img/a.png": b"png a", "img/b.png": b"png b"}
        for index, name in media.items():
            vault_path = next(p for p in by_name if package_media_name(p) == name)
            assert archive.read(index) == by_name[vault_path]


def test_reimporting_the_same_package_changes_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    write_package(_deck_cards(vault), apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        assert import_package(col, apkg) == (4, 0, 0)
        before = learner_cards(col)
        assert import_package(col, apkg) == (0, 0, 4)
        assert learner_cards(col) == before
        assert len(before) == 6  # reverse gives 2 cards, the two-deletion cloze 2
        assert {c["deck"] for c in before} == {"Course", "Course::Chapter 1"}


def test_edited_card_updates_in_place_and_keeps_its_review_history(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    cards = _deck_cards(vault)
    write_package(cards, apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        studied = only(learner_cards(col), guid="g-basic")
        set_review_interval(col, studied["card_id"], 17)
        count = col.card_count()

        edited = dataclasses.replace(cards[0], back="A better answer", mod=cards[0].mod + 60)
        assert write_package([edited, *cards[1:]], apkg, vault)
        assert import_package(col, apkg) == (0, 1, 3)

        now = only(learner_cards(col), guid="g-basic")
        assert now["card_id"] == studied["card_id"]
        assert "A better answer" in now["answer"]
        assert card_interval(col, now["card_id"]) == 17
        assert col.card_count() == count


def test_an_edit_that_is_not_newer_is_ignored_by_anki(tmp_path: Path) -> None:
    # Anki's rule, which is why every note must carry its source note's mtime.
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    card = card_note("g", back="old")
    write_package([card], apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        write_package([dataclasses.replace(card, back="new")], apkg, vault)
        assert import_package(col, apkg) == (0, 0, 1)
        assert "old" in learner_cards(col)[0]["answer"]


def test_new_cards_come_in_note_order(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    cards = [
        card_note("zz", origin="a.md:2"),
        card_note("aa", origin="a.md:10"),
        card_note("mm", origin="0.md:99"),
    ]
    write_package(cards, apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        order = sorted(learner_cards(col), key=lambda c: c["due"])
    assert [c["guid"] for c in order] == ["mm", "zz", "aa"]


def test_newer_templates_replace_the_learners_copy(tmp_path: Path, monkeypatch) -> None:
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    write_package([card_note("g")], apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        monkeypatch.setattr(notetypes, "stylesheet", lambda: ".card { color: teal; }")
        monkeypatch.setattr(package, "TEMPLATES_REVISED", notetypes.TEMPLATES_REVISED + 1)
        write_package([card_note("g")], apkg, vault)
        assert import_package(col, apkg) == (0, 0, 1)
        assert learner_cards(col)[0]["css"] == ".card { color: teal; }"


def test_unchanged_package_is_not_rewritten(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    apkg = tmp_path / "Course.apkg"
    cards = _deck_cards(vault)
    assert write_package(cards, apkg, vault) is True
    os.utime(apkg, ns=(1_000_000_000, 1_000_000_000))
    before = apkg.stat()
    assert write_package(cards, apkg, vault) is False
    after = apkg.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Course.apkg", "vault"]
    edited = dataclasses.replace(cards[0], mod=cards[0].mod + 1)
    assert write_package([edited, *cards[1:]], apkg, vault) is True


def test_new_package_gets_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        apkg = tmp_path / "Course.apkg"
        write_package([card_note("g")], apkg, tmp_path)
    finally:
        os.umask(old)
    assert apkg.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_write_leaves_the_old_package_alone(
    tmp_path: Path, monkeypatch, error: BaseException
) -> None:
    vault = tmp_path / "vault"
    out = tmp_path / "decks"
    apkg = out / "Course.apkg"
    cards = _deck_cards(vault)
    write_package(cards, apkg, vault)
    old = apkg.read_bytes()
    temp_files: list[Path] = []

    def half_written(out_file, db_path, media) -> None:
        out_file.write(b"PK\x03\x04 half a zip")
        out_file.flush()
        temp_files.extend(p for p in apkg.parent.iterdir() if p.name.endswith(".tmp"))
        raise error

    monkeypatch.setattr(package, "_write_zip", half_written)
    changed = [dataclasses.replace(cards[0], back="changed", mod=cards[0].mod + 5)]
    with pytest.raises(type(error)):
        write_package(changed, apkg, vault)
    assert [p.name.startswith(".Course.apkg.") for p in temp_files] == [True]
    assert apkg.read_bytes() == old
    assert [p.name for p in out.iterdir()] == ["Course.apkg"]


def test_duplicate_guids_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    apkg = tmp_path / "Course.apkg"
    with pytest.raises(ValueError, match="duplicate GUID"):
        write_package([card_note("g", origin="a.md:1"), card_note("g")], apkg, tmp_path)
    assert not apkg.exists() and list(tmp_path.iterdir()) == []


def test_empty_package_imports_as_nothing(tmp_path: Path) -> None:
    apkg = tmp_path / "Empty.apkg"
    assert write_package([], apkg, tmp_path)
    with fresh_collection(tmp_path / "anki") as col:
        assert import_package(col, apkg) == (0, 0, 0)
        assert col.card_count() == 0


def test_groups_follow_the_top_level_deck() -> None:
    cards = [
        card_note("1", deck="Course::Chapter 1"),
        card_note("2", deck="math::离散数学"),
        card_note("3", deck="Course"),
        card_note("4", deck="math"),
    ]
    groups = package_groups(cards, None)
    assert list(groups) == ["Course", "math"]
    assert [c.guid for c in groups["Course"]] == ["1", "3"]
    assert [c.guid for c in groups["math"]] == ["2", "4"]
    assert package_groups(cards, "all.apkg") == {"all.apkg": cards}


@pytest.mark.parametrize(
    ("deck", "expected"),
    [
        ("Course", "Course.apkg"),
        ("离散数学", "离散数学.apkg"),
        ("Prozesse: Einkauf/Verkauf", "Prozesse_ Einkauf_Verkauf.apkg"),
        ('a\\b*c?d"e<f>g|h', "a_b_c_d_e_f_g_h.apkg"),
        ("tab\there\x00", "tab_here_.apkg"),
        ("  .hidden deck.  ", "hidden deck.apkg"),
        ("", "deck.apkg"),
        ("...", "deck.apkg"),
        ("CON", "_CON.apkg"),
        ("nul.txt", "_nul.txt.apkg"),
        ("com1", "_com1.apkg"),
        ("Console", "Console.apkg"),
    ],
)
def test_package_file_names_are_safe_everywhere(deck: str, expected: str) -> None:
    assert package_file_name(deck) == expected


def test_long_deck_names_fit_file_system_limits() -> None:
    name = package_file_name("数" * 300)
    assert name.endswith(".apkg") and len(name.encode("utf-8")) <= 255
    assert set(name.removesuffix(".apkg")) == {"数"}


def test_reverse_card_appears_once_its_back_is_filled_in(tmp_path: Path) -> None:
    apkg = tmp_path / "Course.apkg"
    card = card_note("g", shape="reverse", back="")
    write_package([card], apkg, tmp_path)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        assert col.card_count() == 1
        write_package([dataclasses.replace(card, back="B", mod=card.mod + 1)], apkg, tmp_path)
        assert import_package(col, apkg) == (0, 1, 0)
        assert [c["ord"] for c in learner_cards(col)] == [0, 1]


def test_anki_ignores_a_changed_picture_until_its_note_is_newer(tmp_path: Path) -> None:
    # Known Anki behaviour the card stage has to respect: media are only re-read for notes that
    # are added or updated, so a picture edit must also raise the note's mod to reach learners.
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.png").write_bytes(b"version 1")
    name = package_media_name("a.png")
    card = card_note("g", front=f'<img src="{name}">', media=("a.png",))
    apkg = tmp_path / "Course.apkg"
    write_package([card], apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        (vault / "a.png").write_bytes(b"version 2")
        write_package([card], apkg, vault)
        assert import_package(col, apkg) == (0, 0, 1)
        assert f"[img {name}]" in learner_cards(col)[0]["question"]
        write_package([dataclasses.replace(card, mod=card.mod + 1)], apkg, vault)
        assert import_package(col, apkg) == (0, 1, 0)
        [shown] = learner_cards(col)
        # Anki keeps the old file and stores the new one under a renamed, hashed name.
        shown_name = shown["fields"]["Front"].split('"')[1]
        assert shown_name != name
        assert (Path(col.media.dir()) / shown_name).read_bytes() == b"version 2"


def test_a_note_that_changes_shape_under_the_same_guid_is_dropped_by_anki(
    tmp_path: Path,
) -> None:
    # Why a card's GUID must change with its shape: Anki logs the note as "conflicting" and
    # leaves the old one untouched.
    apkg = tmp_path / "Course.apkg"
    card = card_note("g")
    write_package([card], apkg, tmp_path)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        cloze = dataclasses.replace(card, shape="cloze", front="{{c1::x}}", mod=card.mod + 1)
        write_package([cloze], apkg, tmp_path)
        assert import_package(col, apkg, allow_conflicts=True) == (0, 0, 0)
        assert [c["notetype"] for c in learner_cards(col)] == [notetypes.BASIC_NAME]
