"""`chaincards sync` into real collections made with Anki's backend (issue 22): what it adds,
updates, moves and removes, what the learner keeps, and when it refuses to write."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection
from anki.notes import NoteId
from typer.testing import CliRunner

from ankitools import card_interval, fresh_collection, set_review_interval
from chaincards.cli import app
from chaincards.collection import apply
from chaincards.collection.apply import sync_collection
from chaincards.collection.wanted import read_packages
from jsonschema_lite import schema_errors
from rebuilds import T0, edit, fixture_vault, import_all, write

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

NOTES = {
    "Photosynthesis.md": """---
cards-deck: Biology::Plants
tags: [botany]
---
# Photosynthesis

What do chloroplasts capture? #card
Light energy.
![[leaf.png]]

Which gas do leaves take in for photosynthesis?::Carbon dioxide
""",
    "Respiration.md": """---
cards-deck: Biology::Cells
---
# Respiration

Where does the Krebs cycle run?::In the mitochondrial matrix

What does glycolysis make from glucose?::Two pyruvate molecules
""",
    "Digestion.md": """---
cards-deck: Biology::Body
---
# Digestion

Which enzyme starts starch digestion in the mouth?::Salivary amylase
""",
}


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _vault(parent: Path) -> Path:
    vault = parent / "vault"
    for name, text in NOTES.items():
        write(vault / name, text, T0)
    (vault / "leaf.png").write_bytes(PNG)
    return vault


def _empty_collection(parent: Path) -> Path:
    with fresh_collection(parent / "profile") as col:
        path = Path(col.path)
    return path


def _sync(vault: Path, out: Path, collection: Path, *extra: str, code: int = 0) -> Any:
    args = ["sync", str(vault), "--collection", str(collection), "--out", str(out), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.output
    return result


SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "schemas" / "sync.schema.json").read_text("utf-8")
)


def _sync_json(
    vault: Path, out: Path, collection: Path, *extra: str, code: int = 0
) -> dict[str, Any]:
    """The sync's `--json` report, checked against its schema."""
    result = _sync(vault, out, collection, "--json", *extra, code=code)
    report: dict[str, Any] = json.loads(result.stdout)
    assert schema_errors(report, SCHEMA) == []
    return report


@contextmanager
def _opened(path: Path) -> Iterator[Collection]:
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


def _notes(col: Collection) -> dict[str, dict[str, Any]]:
    """Every note by GUID: notetype id, fields, tags, and (card id, ord, deck) of its cards."""
    found = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        cards = sorted(
            ((card.id, card.ord, col.decks.name(card.did)) for card in note.cards()),
            key=lambda card: card[1],
        )
        found[note.guid] = {
            "id": note.id,
            "mid": note.mid,
            "fields": list(note.fields),
            "tags": sorted(note.tags),
            "cards": cards,
        }
    return found


def _note_and_notetype(col: Collection, words: str) -> tuple[dict[str, Any], dict[str, Any]]:
    note = _notes(col)[_guid_of(col, words)]
    notetype = col.models.get(note["mid"])
    assert notetype is not None
    return note, notetype


def _chaincards_notetypes(col: Collection) -> dict[int, str]:
    return {m.id: m.name for m in col.models.all_names_and_ids() if "chaincards" in m.name}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _guid_of(col: Collection, words: str) -> str:
    found = [g for g, n in _notes(col).items() if any(words in f for f in n["fields"])]
    assert len(found) == 1, (words, found)
    return found[0]


@pytest.mark.parametrize("fixture", [None, "dialect_vault", "bakery"])
def test_sync_and_build_then_import_agree(tmp_path: Path, fixture: str | None) -> None:
    vault = fixture_vault(tmp_path, fixture) if fixture else _vault(tmp_path)
    synced = _empty_collection(tmp_path / "a")
    report = _sync_json(vault, tmp_path / "decks", synced)
    with fresh_collection(tmp_path / "b") as imported:
        import_all(imported, tmp_path / "decks")
        expected = _notes(imported)
        expected_media = sorted(p.name for p in Path(imported.media.dir()).iterdir())
        expected_types = _chaincards_notetypes(imported)
    with _opened(synced) as col:
        got = _notes(col)
        got_media = sorted(p.name for p in Path(col.media.dir()).iterdir())
        got_types = _chaincards_notetypes(col)
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


def test_edit_updates_in_place_and_the_learner_keeps_tags_marks_and_history(
    tmp_path: Path,
) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    with _opened(collection) as col:
        edited = _guid_of(col, "Krebs cycle")
        untouched = _guid_of(col, "glycolysis")
        notes = _notes(col)
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
    report = _sync_json(vault, out, collection)
    assert report["totals"]["added"] == 0 and report["totals"]["removed"] == 0
    assert report["decks"]["Biology::Cells"]["updated"] == 2  # the edit; the stale own tag
    with _opened(collection) as col:
        after = _notes(col)
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
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    with _opened(collection) as col:
        before = _notes(col)
        moved = [g for g, n in before.items() if n["cards"][0][2] == "Biology::Body"]
        for card_id, _, _ in before[moved[0]]["cards"]:
            set_review_interval(col, card_id, 30)
    edit(vault / "Digestion.md", "Biology::Body", "Biology::Digestive system", T0 + 60)
    report = _sync_json(vault, out, collection)
    assert report["decks"]["Biology::Digestive system"]["moved"] == len(moved) == 1
    with _opened(collection) as col:
        after = _notes(col)
        cards = after[moved[0]]["cards"]
        assert [c[0] for c in cards] == [c[0] for c in before[moved[0]]["cards"]]
        assert {c[2] for c in cards} == {"Biology::Digestive system"}
        assert all(card_interval(col, c[0]) == 30 for c in cards)
        others = {g: n["cards"] for g, n in after.items() if g not in moved}
        assert others == {g: n["cards"] for g, n in before.items() if g not in moved}


def test_delete_removes_exactly_the_notes_whose_source_is_gone(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    with _opened(collection) as col:
        gone = {g for g, n in _notes(col).items() if n["cards"][0][2] == "Biology::Cells"}
        deck = col.decks.id("Biology::Cells")
        assert deck is not None
        own = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
        own["Front"], own["Back"] = "My own question", "My own answer"
        col.add_note(own, deck)
        # A note of the learner's on chaincards' notetype (Anki's Add dialog offers it).
        chaincards_type = col.get_note(NoteId(_notes(col)[next(iter(gone))]["id"])).note_type()
        assert chaincards_type is not None
        borrowed = col.new_note(chaincards_type)
        borrowed.fields[0] = "Borrowed notetype"
        col.add_note(borrowed, deck)
        mine = {own.guid, borrowed.guid}
        everything = set(_notes(col))
    assert len(gone) == 2
    (vault / "Respiration.md").unlink()
    report = _sync_json(vault, out, collection)
    assert report["totals"]["gone"] == 2 and report["totals"]["removed"] == 0
    assert report["gone_search"].startswith("nid:")
    with _opened(collection) as col:
        assert set(_notes(col)) == everything  # kept without --delete
    report = _sync_json(vault, out, collection, "--delete")
    assert report["totals"]["removed"] == 2
    with _opened(collection) as col:
        assert set(_notes(col)) == everything - gone
        assert mine <= set(_notes(col))


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    before = _digest(collection)
    report = _sync_json(vault, out, collection, "--dry-run")
    assert report["dry_run"] and not report["written"]
    assert report["totals"]["added"] == 5
    assert _digest(collection) == before
    assert not (collection.parent / "backups").exists()
    assert not any(Path(str(collection).replace(".anki2", ".media")).iterdir())
    _sync(vault, out, collection)
    edit(vault / "Respiration.md", "In the mitochondrial matrix", "In the matrix", T0 + 60)
    before = _digest(collection)
    text = _sync(vault, out, collection, "--dry-run").output
    assert "dry run: nothing written" in text and "1 updated" in text
    assert _digest(collection) == before


def test_a_backup_comes_before_the_first_write_only(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    report = _sync_json(vault, out, collection)
    backups = collection.parent / "backups"
    assert report["backup"] and Path(report["backup"]).parent == backups
    assert len(list(backups.iterdir())) == 1
    report = _sync_json(vault, out, collection)
    assert report["backup"] is None and not report["written"]
    assert len(list(backups.iterdir())) == 1


def test_a_failure_part_way_leaves_the_collection_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection, "--dry-run")  # builds the packages
    wanted = read_packages(sorted(out.glob("*.apkg")))

    def broken(*_args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(apply, "_settle_decks", broken)
    with pytest.raises(RuntimeError):
        sync_collection(collection, wanted, set(wanted.notes))
    with _opened(collection) as col:
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
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
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
        result = _sync(vault, out, collection, "-q", code=2)
    finally:
        holder.communicate("")
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "close Anki" in lines[0] and str(collection) in lines[0]


def test_a_collection_newer_than_the_backend_is_refused_in_one_line(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    with sqlite3.connect(collection) as db:
        db.execute("update col set ver = 99")
    db.close()
    before = _digest(collection)
    result = _sync(vault, out, collection, "-q", code=2)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "newer Anki" in lines[0], lines
    assert _digest(collection) == before


def test_notes_with_errors_sync_nothing(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    write(vault / "Broken.md", "---\ncards-deck: [a, b]\n---\nWhat?::That\n", T0)
    (vault / "Digestion.md").unlink()
    before = _digest(collection)
    result = _sync(vault, out, collection, "--delete", code=1)
    assert "Broken.md:2: error:" in result.output and "nothing synced" in result.output
    report = _sync_json(vault, out, collection, "--delete", code=1)
    assert not report["written"] and report["totals"]["removed"] == 0
    assert [d["path"] for d in report["diagnostics"] if d["severity"] == "error"] == ["Broken.md"]
    assert _digest(collection) == before


def test_chaincards_notetypes_are_brought_back_in_step_with_their_ids(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    with _opened(collection) as col:
        note, notetype = _note_and_notetype(col, "Krebs cycle")
        wanted_css, wanted_front = notetype["css"], notetype["tmpls"][0]["qfmt"]
        notetype["css"] = ".card { color: red; }"
        notetype["tmpls"][0]["qfmt"] = "{{Front}} (changed)"
        notetype["name"] = "My renamed notetype"
        col.models.update_dict(notetype)
        set_review_interval(col, note["cards"][0][0], 9)
    report = _sync_json(vault, out, collection)
    assert report["notetypes"]["updated"] >= 1
    with _opened(collection) as col:
        notetype = col.models.get(note["mid"])
        assert notetype is not None
        assert notetype["css"] == wanted_css and notetype["tmpls"][0]["qfmt"] == wanted_front
        assert notetype["name"] == "My renamed notetype"  # the learner's name stays
        assert card_interval(col, note["cards"][0][0]) == 9


def test_a_different_picture_of_the_same_name_is_not_overwritten(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection, "--dry-run")  # builds the packages
    [name] = read_packages(sorted(out.glob("*.apkg"))).media
    media = Path(str(collection).removesuffix(".anki2") + ".media")
    (media / name).write_bytes(b"another picture under that name")
    _sync(vault, out, collection)
    assert (media / name).read_bytes() == b"another picture under that name"
    with _opened(collection) as col:
        [shown] = [f for n in _notes(col).values() for f in n["fields"] if "<img" in f]
    [renamed] = [p.name for p in media.iterdir() if p.name != name]
    assert f'src="{renamed}"' in shown and f'src="{name}"' not in shown
    assert (media / renamed).read_bytes() == PNG


def test_sync_reads_a_profile_from_the_anki_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    base = tmp_path / "Anki2"
    with fresh_collection(base / "Learner 1"):
        pass
    monkeypatch.setenv("ANKI_BASE", str(base))
    args = ["sync", str(vault), "--profile", "Learner 1", "--out", str(out), "-q"]
    assert CliRunner().invoke(app, args).exit_code == 0
    with _opened(base / "Learner 1" / "collection.anki2") as col:
        assert col.note_count() == 5
    shutil.rmtree(base)


def test_a_cloze_taken_out_is_reported_and_its_card_kept(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    line = "Glycolysis runs in the ==cytoplasm== and makes ==two pyruvate== #card\n"
    write(vault / "Glycolysis.md", f"---\ncards-deck: Biology::Cells\n---\n{line}", T0)
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    with _opened(collection) as col:
        [cloze] = [n for n in _notes(col).values() if "cytoplasm" in n["fields"][0]]
        assert [c[1] for c in cloze["cards"]] == [0, 1]
        set_review_interval(col, cloze["cards"][1][0], 20)
    edit(vault / "Glycolysis.md", "==two pyruvate==", "two pyruvate", T0 + 60)
    report = _sync_json(vault, out, collection)
    assert report["decks"]["Biology::Cells"]["emptied"] == 1
    assert report["emptied_search"] == f"cid:{cloze['cards'][1][0]}"
    with _opened(collection) as col:
        assert col.get_note(NoteId(cloze["id"])).fields[0].count("{{c") == 1
        assert card_interval(col, cloze["cards"][1][0]) == 20  # kept, for Empty Cards to take


def test_a_field_missing_from_the_notetype_is_added_back_and_filled(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "decks"
    collection = _empty_collection(tmp_path)
    _sync(vault, out, collection)
    with _opened(collection) as col:
        note, notetype = _note_and_notetype(col, "Krebs cycle")
        names = [f["name"] for f in notetype["flds"]]
        filled = dict(zip(names, note["fields"], strict=True))
        col.models.remove_field(notetype, notetype["flds"][-1])  # as an older notetype lacked it
        col.models.update_dict(notetype)
        set_review_interval(col, note["cards"][0][0], 5)
    report = _sync_json(vault, out, collection)
    assert report["notetypes"]["updated"] == 1
    with _opened(collection) as col:
        notetype = col.models.get(note["mid"])
        assert notetype is not None and [f["name"] for f in notetype["flds"]] == names
        assert dict(col.get_note(NoteId(note["id"])).items()) == filled
        assert card_interval(col, note["cards"][0][0]) == 5
