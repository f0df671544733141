"""`chaincards sync` into real collections made with Anki's backend (issue 22): what it adds,
updates, moves and removes, what the learner keeps, and when it refuses to write."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, NoteId  # anki.collection first: anki.* alone cycles
from typer.testing import CliRunner

from ankitools import card_interval, fresh_collection, set_review_interval
from chaincards.cli import app
from chaincards.collection import apply
from chaincards.collection import wanted as wanted_module
from chaincards.collection.apply import sync_collection
from chaincards.collection.wanted import read_packages
from rebuilds import T0, edit, fixture_vault, import_all, write
from syncs import (
    PNG,
    biology_vault,
    chaincards_notetypes,
    empty_collection,
    file_digest,
    guid_of,
    note_and_notetype,
    notes_by_guid,
    opened_collection,
    run_sync,
    run_sync_json,
    synced_vault,
)


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.mark.parametrize("fixture", [None, "dialect_vault", "bakery"])
def test_sync_and_build_then_import_agree(tmp_path: Path, fixture: str | None) -> None:
    vault = fixture_vault(tmp_path, fixture) if fixture else biology_vault(tmp_path)
    synced = empty_collection(tmp_path / "a")
    report = run_sync_json(vault, tmp_path / "decks", synced)
    with fresh_collection(tmp_path / "b") as imported:
        import_all(imported, tmp_path / "decks")
        expected = notes_by_guid(imported)
        expected_media = sorted(p.name for p in Path(imported.media.dir()).iterdir())
        expected_types = chaincards_notetypes(imported)
        expected_order = _new_card_order(imported)
    with opened_collection(synced) as col:
        got = notes_by_guid(col)
        got_media = sorted(p.name for p in Path(col.media.dir()).iterdir())
        got_types = chaincards_notetypes(col)
        got_order = _new_card_order(col)
    assert report["totals"]["added"] == len(expected) > 0
    assert got.keys() == expected.keys()
    for guid, note in expected.items():
        mine = got[guid]
        assert mine["mid"] == note["mid"], guid  # notetypes keep the packages' ids
        assert mine["fields"] == note["fields"], guid
        assert mine["tags"] == note["tags"], guid
        assert [c[1:] for c in mine["cards"]] == [c[1:] for c in note["cards"]], guid
    assert got_media == expected_media
    assert got_types == expected_types and got_types
    assert got_order == expected_order  # new cards come up in the same order


def _new_card_order(col: Collection) -> dict[str, list[tuple[str, int]]]:
    """(GUID, ord) of every new card in the order Anki shows them, per top-level deck (one
    package: an import numbers each package's cards from 1, a sync one after another)."""
    decks = {deck.id: deck.name.split("::")[0] for deck in col.decks.all_names_and_ids()}
    rows = _db(col).all(
        "select c.did, n.guid, c.ord, c.due from cards c join notes n on n.id = c.nid"
    )
    order: dict[str, list[tuple[str, int]]] = {}
    for did, guid, ord_, _ in sorted(rows, key=lambda r: (r[3], r[1], r[2])):
        order.setdefault(decks[did], []).append((guid, ord_))
    return order


def _db(col: Collection) -> Any:
    assert col.db is not None
    return col.db


def test_edit_updates_in_place_and_the_learner_keeps_tags_marks_and_history(
    tmp_path: Path,
) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        edited = guid_of(col, "Krebs cycle")
        untouched = guid_of(col, "glycolysis")
        notes = notes_by_guid(col)
        for card_id, _, _ in [c for n in notes.values() for c in n["cards"]]:
            set_review_interval(col, card_id, 12)
        for guid in (edited, untouched):
            note = col.get_note(NoteId(notes[guid]["id"]))
            note.tags += ["marked", "my-own", "chaincards::stale"]
            col.update_note(note)
    edit(
        vault / "Respiration.md",
        "In the mitochondrial matrix",
        "In the matrix of mitochondria",
        T0 + 60,
    )
    report = run_sync_json(vault, out, collection)
    assert report["totals"]["added"] == 0 and report["totals"]["removed"] == 0
    assert report["decks"]["Biology::Cells"]["updated"] == 2  # the edit; the stale own tag
    with opened_collection(collection) as col:
        after = notes_by_guid(col)
        assert "In the matrix of mitochondria" in after[edited]["fields"][1]
        assert after[edited]["cards"] == notes[edited]["cards"]  # same cards, same ids
        for guid in (edited, untouched):
            assert {"marked", "my-own"} <= set(after[guid]["tags"])
            assert "chaincards::stale" not in after[guid]["tags"]
            assert any(t.startswith("chaincards::") for t in after[guid]["tags"])
        for note in after.values():
            for card_id, _, _ in note["cards"]:
                assert card_interval(col, card_id) == 12


def test_a_deck_change_moves_the_existing_cards(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        before = notes_by_guid(col)
        moved = [g for g, n in before.items() if n["cards"][0][2] == "Biology::Body"]
        for card_id, _, _ in before[moved[0]]["cards"]:
            set_review_interval(col, card_id, 30)
    edit(vault / "Digestion.md", "Biology::Body", "Biology::Digestive system", T0 + 60)
    report = run_sync_json(vault, out, collection)
    assert report["decks"]["Biology::Digestive system"]["moved"] == len(moved) == 1
    with opened_collection(collection) as col:
        after = notes_by_guid(col)
        cards = after[moved[0]]["cards"]
        assert [c[0] for c in cards] == [c[0] for c in before[moved[0]]["cards"]]
        assert {c[2] for c in cards} == {"Biology::Digestive system"}
        assert all(card_interval(col, c[0]) == 30 for c in cards)
        others = {g: n["cards"] for g, n in after.items() if g not in moved}
        assert others == {g: n["cards"] for g, n in before.items() if g not in moved}


def test_delete_removes_exactly_the_notes_whose_source_is_gone(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        gone = {g for g, n in notes_by_guid(col).items() if n["cards"][0][2] == "Biology::Cells"}
        deck = col.decks.id("Biology::Cells")
        assert deck is not None
        own = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
        own["Front"], own["Back"] = "My own question", "My own answer"
        col.add_note(own, deck)
        # A note of the learner's on chaincards' notetype (Anki's Add dialog offers it).
        chaincards_type = col.get_note(
            NoteId(notes_by_guid(col)[next(iter(gone))]["id"])
        ).note_type()
        assert chaincards_type is not None
        borrowed = col.new_note(chaincards_type)
        borrowed.fields[0] = "Borrowed notetype"
        col.add_note(borrowed, deck)
        mine = {own.guid, borrowed.guid}
        everything = set(notes_by_guid(col))
    assert len(gone) == 2
    (vault / "Respiration.md").unlink()
    report = run_sync_json(vault, out, collection)
    assert report["totals"]["gone"] == 2 and report["totals"]["removed"] == 0
    assert report["gone_search"].startswith("nid:")
    with opened_collection(collection) as col:
        assert set(notes_by_guid(col)) == everything  # kept without --delete
    report = run_sync_json(vault, out, collection, "--delete")
    assert report["totals"]["removed"] == 2
    with opened_collection(collection) as col:
        assert set(notes_by_guid(col)) == everything - gone
        assert mine <= set(notes_by_guid(col))


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    before = file_digest(collection)
    beside = sorted(p.name for p in collection.parent.iterdir())
    report = run_sync_json(vault, out, collection, "--dry-run")
    assert sorted(p.name for p in collection.parent.iterdir()) == beside
    assert report["dry_run"] and not report["written"]
    assert report["totals"]["added"] == 5
    assert file_digest(collection) == before
    assert not (collection.parent / "backups").exists()
    assert not any(Path(str(collection).replace(".anki2", ".media")).iterdir())
    run_sync(vault, out, collection)
    edit(vault / "Respiration.md", "In the mitochondrial matrix", "In the matrix", T0 + 60)
    before = file_digest(collection)
    text = run_sync(vault, out, collection, "--dry-run").output
    assert "dry run: nothing written" in text and "1 updated" in text
    assert file_digest(collection) == before


def test_a_backup_comes_before_the_first_write_only(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    report = run_sync_json(vault, out, collection)
    backups = collection.parent / "backups"
    assert report["backup"] and Path(report["backup"]).parent == backups
    assert len(list(backups.iterdir())) == 1
    report = run_sync_json(vault, out, collection)
    assert report["backup"] is None and not report["written"]
    assert len(list(backups.iterdir())) == 1


def test_a_failure_part_way_leaves_the_collection_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    run_sync(vault, out, collection, "--dry-run")  # builds the packages
    wanted = read_packages(sorted(out.glob("*.apkg")))

    def broken(*_args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(apply, "_settle_decks", broken)
    with pytest.raises(RuntimeError):
        sync_collection(collection, wanted, set())
    with opened_collection(collection) as col:
        assert col.note_count() == 0  # the notes added before the failure were rolled back
        assert {m.name for m in col.models.all_names_and_ids()} == {
            "Basic",
            "Basic (and reversed card)",
            "Basic (optional reversed card)",
            "Basic (type in the answer)",
            "Cloze",
            "Image Occlusion",
        }


def test_a_collection_open_in_anki_is_refused_in_one_line(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from anki.collection import Collection; "
            f"c = Collection({str(collection)!r}); c.set_config('x', 1); "
            "print('open', flush=True); sys.stdin.read(); c.close()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = run_sync(vault, out, collection, "-q", code=2)
    finally:
        holder.communicate("")
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "close Anki" in lines[0] and str(collection) in lines[0]


def test_a_collection_newer_than_the_backend_is_refused_in_one_line(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    with sqlite3.connect(collection) as db:
        db.execute("update col set ver = 99")
    db.close()
    before = file_digest(collection)
    result = run_sync(vault, out, collection, "-q", code=2)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "newer Anki" in lines[0], lines
    assert file_digest(collection) == before


def test_notes_with_errors_sync_nothing(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    write(vault / "Broken.md", "---\ncards-deck: [a, b]\n---\nWhat?::That\n", T0)
    (vault / "Digestion.md").unlink()
    before = file_digest(collection)
    result = run_sync(vault, out, collection, "--delete", code=1)
    assert "Broken.md:2: error:" in result.output and "nothing synced" in result.output
    report = run_sync_json(vault, out, collection, "--delete", code=1)
    assert not report["written"] and report["totals"]["removed"] == 0
    assert [d["path"] for d in report["diagnostics"] if d["severity"] == "error"] == ["Broken.md"]
    assert file_digest(collection) == before


def test_chaincards_notetypes_are_brought_back_in_step_with_their_ids(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        note, notetype = note_and_notetype(col, "Krebs cycle")
        wanted_css, wanted_front = notetype["css"], notetype["tmpls"][0]["qfmt"]
        notetype["css"] = ".card { color: red; }"
        notetype["tmpls"][0]["qfmt"] = "{{Front}} (changed)"
        notetype["name"] = "My renamed notetype"
        col.models.update_dict(notetype)
        set_review_interval(col, note["cards"][0][0], 9)
    report = run_sync_json(vault, out, collection)
    assert report["notetypes"]["updated"] >= 1
    with opened_collection(collection) as col:
        notetype = col.models.get(note["mid"])
        assert notetype is not None
        assert notetype["css"] == wanted_css and notetype["tmpls"][0]["qfmt"] == wanted_front
        assert notetype["name"] == "My renamed notetype"  # the learner's name stays
        assert card_interval(col, note["cards"][0][0]) == 9


def test_a_different_picture_of_the_same_name_is_not_overwritten(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    run_sync(vault, out, collection, "--dry-run")  # builds the packages
    [name] = read_packages(sorted(out.glob("*.apkg"))).media
    media = Path(str(collection).removesuffix(".anki2") + ".media")
    (media / name).write_bytes(b"another picture under that name")
    run_sync(vault, out, collection)
    assert (media / name).read_bytes() == b"another picture under that name"
    with opened_collection(collection) as col:
        [shown] = [f for n in notes_by_guid(col).values() for f in n["fields"] if "<img" in f]
    [renamed] = [p.name for p in media.iterdir() if p.name != name]
    assert f'src="{renamed}"' in shown and f'src="{name}"' not in shown
    assert (media / renamed).read_bytes() == PNG


def test_sync_reads_a_profile_from_the_anki_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    base = tmp_path / "Anki2"
    with fresh_collection(base / "Learner 1"):
        pass
    monkeypatch.setenv("ANKI_BASE", str(base))
    args = ["sync", str(vault), "--profile", "Learner 1", "--out", str(out), "-q"]
    assert CliRunner().invoke(app, args).exit_code == 0
    with opened_collection(base / "Learner 1" / "collection.anki2") as col:
        assert col.note_count() == 5
    shutil.rmtree(base)


def test_a_cloze_taken_out_is_reported_and_its_card_kept(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    line = "Glycolysis runs in the ==cytoplasm== and makes ==two pyruvate== #card\n"
    write(vault / "Glycolysis.md", f"---\ncards-deck: Biology::Cells\n---\n{line}", T0)
    collection = empty_collection(tmp_path)
    run_sync(vault, out, collection)
    with opened_collection(collection) as col:
        [cloze] = [n for n in notes_by_guid(col).values() if "cytoplasm" in n["fields"][0]]
        assert [c[1] for c in cloze["cards"]] == [0, 1]
        set_review_interval(col, cloze["cards"][1][0], 20)
    edit(vault / "Glycolysis.md", "==two pyruvate==", "two pyruvate", T0 + 60)
    report = run_sync_json(vault, out, collection)
    assert report["decks"]["Biology::Cells"]["emptied"] == 1
    assert report["emptied_search"] == f"cid:{cloze['cards'][1][0]}"
    with opened_collection(collection) as col:
        assert col.get_note(NoteId(cloze["id"])).fields[0].count("{{c") == 1
        assert card_interval(col, cloze["cards"][1][0]) == 20  # kept, for Empty Cards to take


def test_a_field_missing_from_the_notetype_is_added_back_and_filled(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        note, notetype = note_and_notetype(col, "Krebs cycle")
        names = [f["name"] for f in notetype["flds"]]
        filled = dict(zip(names, note["fields"], strict=True))
        col.models.remove_field(notetype, notetype["flds"][-1])  # as an older notetype lacked it
        col.models.update_dict(notetype)
        set_review_interval(col, note["cards"][0][0], 5)
    report = run_sync_json(vault, out, collection)
    assert report["notetypes"]["updated"] == 1
    with opened_collection(collection) as col:
        notetype = col.models.get(note["mid"])
        assert notetype is not None and [f["name"] for f in notetype["flds"]] == names
        assert dict(col.get_note(NoteId(note["id"])).items()) == filled
        assert card_interval(col, note["cards"][0][0]) == 5


def test_notes_read_in_many_batches_sync_as_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wanted_module, "BATCH", 2)  # 5 notes: three batches
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    assert run_sync_json(vault, out, collection)["totals"]["added"] == 5
    edit(vault / "Digestion.md", "Biology::Body", "Biology::Gut", T0 + 60)
    edit(vault / "Photosynthesis.md", "Carbon dioxide", "CO2", T0 + 60)
    (vault / "Respiration.md").unlink()
    report = run_sync_json(vault, out, collection, "--delete")
    assert report["totals"] == {
        "added": 0,
        "updated": 1,
        "moved": 1,
        "removed": 2,
        "gone": 0,
        "emptied": 0,
    }
    with opened_collection(collection) as col:
        notes = notes_by_guid(col)
        assert len(notes) == 3
        assert {n["cards"][0][2] for n in notes.values()} == {"Biology::Plants", "Biology::Gut"}
        assert any("CO2" in f for n in notes.values() for f in n["fields"])
    assert not run_sync_json(vault, out, collection)["written"]
