"""`chaincards sync` against what a learner does in Anki between syncs, and against what Anki
itself rewrites (deck name case, Unicode forms, tags, renamed media), with real collections:
a sync keeps the learner's work, and a second sync finds nothing left to change."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from anki.collection import Collection, NoteId  # anki.collection first: anki.* alone cycles

from ankitools import card_interval, set_review_interval
from rebuilds import T0, edit, write
from syncs import (
    PNG,
    biology_vault,
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


def _in_step(vault: Path, out: Path, collection: Path) -> None:
    """A sync now changes nothing and backs nothing up."""
    report = run_sync_json(vault, out, collection)
    assert not report["written"] and report["backup"] is None, report["totals"]
    assert all(not n for key, n in report["totals"].items() if key != "gone"), report["totals"]


def _studied(col: Collection, days: int) -> dict[int, int]:
    """Every card given this interval: card id → interval."""
    cards = [c[0] for note in notes_by_guid(col).values() for c in note["cards"]]
    for card in cards:
        set_review_interval(col, card, days)
    return {card: days for card in cards}


def test_templates_and_fields_the_learner_renamed_keep_cards_history_and_text(
    tmp_path: Path,
) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        note, notetype = note_and_notetype(col, "Krebs cycle")
        intervals = _studied(col, 8)
        before = notes_by_guid(col)
        notetype["tmpls"][0]["name"] = "My card"
        col.models.update_dict(notetype)
        notetype = col.models.get(note["mid"])
        assert notetype is not None
        col.models.rename_field(notetype, notetype["flds"][0], "Question")
        col.models.add_field(notetype, col.models.new_field("My mnemonic"))
        col.models.update_dict(notetype)
        mine = col.get_note(NoteId(note["id"]))
        mine["My mnemonic"] = "Krebs keeps cycling"
        col.update_note(mine)
        own = col.new_note(col.models.get(note["mid"]))  # type: ignore[arg-type]
        own["Question"], own["Back"] = "My own question", "My own answer"
        col.add_note(own, col.decks.id("My deck") or 1)
    report = run_sync_json(vault, out, collection)
    assert report["notetypes"]["updated"] == 1
    assert report["totals"]["updated"] == 0  # the fields moved with the notetype, unchanged
    with opened_collection(collection) as col:
        after = notes_by_guid(col)
        notetype = col.models.get(note["mid"])
        assert notetype is not None
        assert [t["name"] for t in notetype["tmpls"]] == ["Card 1"]
        names = [f["name"] for f in notetype["flds"]]
        assert names[0] == "Front" and names[-1] == "My mnemonic"
        for guid, old in before.items():  # every card, its history, every field's text
            assert after[guid]["cards"] == old["cards"]
            assert after[guid]["fields"][: len(old["fields"])] == old["fields"]
        assert col.get_note(NoteId(note["id"]))["My mnemonic"] == "Krebs keeps cycling"
        assert col.get_note(own.id)["Front"] == "My own question"
        assert all(card_interval(col, card) == days for card, days in intervals.items())
    _in_step(vault, out, collection)


def test_a_deck_renamed_in_case_only_is_the_same_deck(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    edit(vault / "Respiration.md", "Biology::Cells", "biology::CELLS", T0 + 60)
    report = run_sync_json(vault, out, collection)
    assert report["totals"]["moved"] == 0
    _in_step(vault, out, collection)


def test_decomposed_unicode_names_and_odd_tags_settle_after_one_sync(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "decks"
    # Decomposed (NFD) names, as files copied from macOS often have; a tag with an empty level.
    text = "---\ntags: [x//y, Pa\u0302te]\n---\nWhich fat?::Butter\n"
    write(vault / "Pa\u0302tisserie" / "Cre\u0300me.md", text, T0)
    collection = empty_collection(tmp_path)
    report = run_sync_json(vault, out, collection)
    assert report["totals"]["added"] == 1
    _in_step(vault, out, collection)


def test_cards_in_a_filtered_deck_stay_there(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        filtered = col.sched.get_or_create_filtered_deck(deck_id=0)  # type: ignore[arg-type]
        filtered.name = "Cram"
        filtered.config.search_terms[0].search = '"deck:Biology*"'
        filtered.config.reschedule = True
        col.sched.add_or_update_filtered_deck(filtered)
        in_cram = col.find_cards('"deck:Cram"')
        assert len(in_cram) == 5
    _in_step(vault, out, collection)
    with opened_collection(collection) as col:
        assert sorted(col.find_cards('"deck:Cram"')) == sorted(in_cram)


def test_a_cards_deck_naming_a_filtered_deck_is_refused_in_one_line(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    with opened_collection(collection) as col:
        own = col.new_note(col.models.by_name("Basic"))  # type: ignore[arg-type]
        own["Front"] = "My own question"
        col.add_note(own, col.decks.id("Default") or 1)
        filtered = col.sched.get_or_create_filtered_deck(deck_id=0)  # type: ignore[arg-type]
        filtered.name = "Cram"
        filtered.config.search_terms[0].search = '"deck:Default"'
        col.sched.add_or_update_filtered_deck(filtered)
    edit(vault / "Digestion.md", "Biology::Body", "cram::Digestion", T0 + 60)
    before = file_digest(collection)
    result = run_sync(vault, out, collection, "-q", code=2)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "'Cram' is a filtered deck" in lines[0], lines
    assert file_digest(collection) == before


def test_a_replaced_picture_settles_under_the_name_anki_gave_it(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    (vault / "leaf.png").write_bytes(PNG + b"\0")  # the picture redrawn, same file name
    os.utime(vault / "leaf.png", (T0 + 60, T0 + 60))
    report = run_sync_json(vault, out, collection)
    assert report["decks"]["Biology::Plants"]["updated"] == 1
    [renamed] = report["media_added"]
    assert hashlib.sha1(PNG + b"\0").hexdigest() in renamed
    with opened_collection(collection) as col:
        shown = " ".join(notes_by_guid(col)[guid_of(col, "chloroplasts")]["fields"])
        assert f'src="{renamed}"' in shown
    assert run_sync_json(vault, out, collection, "--dry-run")["totals"]["updated"] == 0
    _in_step(vault, out, collection)


def test_a_note_whose_notetype_the_learner_changed_is_left_alone_even_its_deck(
    tmp_path: Path,
) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        note, _ = note_and_notetype(col, "Krebs cycle")
        basic = col.models.by_name("Basic")
        assert basic is not None
        info = col.models.change_notetype_info(
            old_notetype_id=note["mid"], new_notetype_id=basic["id"]
        )
        request = info.input
        request.note_ids.extend([note["id"]])
        col.models.change_notetype_of_notes(request)
        mine = col.decks.id("My own deck")
        assert mine is not None
        col.set_deck([note["cards"][0][0]], mine)
    edit(vault / "Digestion.md", "Salivary amylase", "Amylase in saliva", T0 + 60)
    before = file_digest(collection)
    result = run_sync(vault, out, collection, "--strict", code=1)
    assert "its notetype was changed in Anki: sync leaves this note as it is" in result.output
    assert file_digest(collection) == before  # --strict: a warning writes nothing
    report = run_sync_json(vault, out, collection)
    assert report["written"] and report["totals"]["updated"] == 1 and report["totals"]["moved"] == 0
    with opened_collection(collection) as col:
        assert col.get_card(note["cards"][0][0]).did == mine  # type: ignore[arg-type]


def test_a_file_that_is_not_a_collection_is_refused_untouched(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    for name, content in (("empty.anki2", b""), ("notes.txt", b"not a database")):
        path = tmp_path / name
        path.write_bytes(content)
        result = run_sync(vault, out, path, "--dry-run", "-q", code=2)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "not an Anki collection" in lines[0], lines
        assert path.read_bytes() == content
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("create table things (x)")
    db.close()
    before = file_digest(other)
    assert "not an Anki collection" in run_sync(vault, out, other, "-q", code=2).output
    assert file_digest(other) == before


def test_a_dry_run_of_an_older_collection_writes_nothing_beside_it(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    folder = tmp_path / "old"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    col.close(downgrade=True)  # the schema an older Anki wrote
    for extra in folder.iterdir():
        if extra.name != "collection.anki2":
            extra.rmdir() if extra.is_dir() else extra.unlink()
    before = file_digest(folder / "collection.anki2")
    report = run_sync_json(vault, out, folder / "collection.anki2", "--dry-run")
    assert report["totals"]["added"] == 5 and not report["written"]
    assert file_digest(folder / "collection.anki2") == before
    assert [p.name for p in folder.iterdir()] == ["collection.anki2"]


def test_a_backup_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    vault, out = biology_vault(tmp_path), tmp_path / "decks"
    collection = empty_collection(tmp_path)
    (collection.parent / "backups").write_text("a file where the folder goes")
    before = file_digest(collection)
    result = run_sync(vault, out, collection, "-q", code=2)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0] and "backups" in lines[0], lines
    assert file_digest(collection) == before


def test_fields_swapped_by_name_in_anki_settle_in_one_sync(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    with opened_collection(collection) as col:
        note, notetype = note_and_notetype(col, "Krebs cycle")
        wanted_templates = [(t["qfmt"], t["afmt"]) for t in notetype["tmpls"]]
        context = dict(col.get_note(NoteId(note["id"])).items())["Context"]
        fields = {f["name"]: f for f in notetype["flds"]}
        for old, new in (("Context", "Tmp"), ("Source", "Context"), ("Tmp", "Source")):
            col.models.rename_field(notetype, fields.pop(old), new)
            fields = {f["name"]: f for f in notetype["flds"]}
        col.models.update_dict(notetype)
    run_sync(vault, out, collection)
    with opened_collection(collection) as col:
        notetype = col.models.get(note["mid"])
        assert notetype is not None
        assert [(t["qfmt"], t["afmt"]) for t in notetype["tmpls"]] == wanted_templates
        assert dict(col.get_note(NoteId(note["id"])).items())["Context"] == context
    _in_step(vault, out, collection)


def test_a_dry_run_reads_what_a_crash_left_in_the_write_ahead_log(tmp_path: Path) -> None:
    vault, out, collection = synced_vault(tmp_path)
    crash = (
        "import os; from anki.collection import Collection; "
        f"c = Collection({str(collection)!r}); c.remove_notes(c.find_notes('Krebs')); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crash], check=True)
    assert collection.with_name(collection.name + "-wal").stat().st_size > 0
    beside = sorted(p.name for p in collection.parent.iterdir())
    assert run_sync_json(vault, out, collection, "--dry-run")["totals"]["added"] == 1
    assert sorted(p.name for p in collection.parent.iterdir()) == beside
    assert run_sync_json(vault, out, collection)["totals"]["added"] == 1
