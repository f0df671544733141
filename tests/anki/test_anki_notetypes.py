"""The three chaincards notetypes, checked through what Anki itself renders after an import."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import genanki
import pytest
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER

from ankitools import (
    card_note,
    fresh_collection,
    import_package,
    learner_cards,
    media_files,
    only,
)
from chaincards.anki import package as package_module
from chaincards.anki.notetypes import (
    BASIC_NAME,
    CLOZE_NAME,
    FRONT_BACK_FIELDS,
    REVERSE_NAME,
    TEMPLATES_REVISED,
    fields_for,
    notetype_for,
    part_id,
    stylesheet,
)
from chaincards.anki.package import write_package
from chaincards.media import package_media_name

CONTEXT = '<span class="cc-note">Order to cash</span> › Billing'
SOURCE = '<a href="obsidian://open?vault=v&amp;file=o2c">o2c.md:12</a>'


def _import(tmp_path: Path, cards: list, vault: Path | None = None) -> list[dict]:
    vault = vault or tmp_path / "vault"
    apkg = tmp_path / "out" / "deck.apkg"
    assert write_package(cards, apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        assert import_package(col, apkg).new == len(cards)
        return learner_cards(col)


def test_notetypes_keep_their_ids_names_and_fields() -> None:
    basic, reverse, cloze = (notetype_for(s) for s in ("basic", "reverse", "cloze"))
    assert [m.name for m in (basic, reverse, cloze)] == [BASIC_NAME, REVERSE_NAME, CLOZE_NAME]
    assert [f["name"] for f in basic.fields] == ["Front", "Back", "Context", "Source"]
    assert [f["name"] for f in reverse.fields] == ["Front", "Back", "Context", "Source"]
    assert [f["name"] for f in cloze.fields] == ["Text", "Extra", "Context", "Source"]
    assert cloze.model_type == cloze.CLOZE and basic.model_type == basic.FRONT_BACK
    ids = {m.model_id for m in (basic, reverse, cloze)}
    assert len(ids) == 3 and all((1 << 30) <= i < (1 << 31) for i in ids)
    # Fixed forever: a changed id would make every learner's import add a second notetype.
    assert notetype_for("basic").model_id == basic.model_id == 1626867786
    for model in (basic, reverse, cloze):
        for template in model.templates:
            assert "<script" not in (template["qfmt"] + template["afmt"]).lower()
    # Field and template ids are fixed too (Anki merges notetypes by them), each its own.
    assert basic.fields[0]["id"] == 8884960602854100134
    parts = [p["id"] for m in (basic, reverse, cloze) for p in (*m.fields, *m.templates)]
    assert len(set(parts)) == len(parts) and all(0 < i < (1 << 63) for i in parts)


def test_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown card shape"):
        notetype_for("typein")


def test_fields_follow_notetype_order() -> None:
    card = card_note("g", front="F", back="B", context="C", source="S")
    assert fields_for(card) == ["F", "B", "C", "S"]


def test_stylesheet_covers_night_mode_phones_and_content() -> None:
    css = stylesheet()
    for selector in (".nightMode", ".night_mode", "@media (max-width", ".cloze", ".cc-context"):
        assert selector in css
    for selector in (".cc-source", "mark", "pre", "table", "img"):
        assert selector in css
    assert "<" not in css  # nothing that could close the <style> element Anki wraps it in


def test_basic_card_shows_context_question_then_answer_and_source(tmp_path: Path) -> None:
    card = card_note(
        "g-basic",
        front="Which document triggers billing?",
        back="The <b>delivery</b>",
        context=CONTEXT,
        source=SOURCE,
        deck="Course::Chapter 1",
        tags=("o2c", "sap::sd"),
        mod=1_700_000_123,
    )
    [shown] = _import(tmp_path, [card])
    assert shown["deck"] == "Course::Chapter 1"
    assert shown["notetype"] == BASIC_NAME
    assert shown["tags"] == ["o2c", "sap::sd"]
    assert shown["note_mod"] == 1_700_000_123
    assert shown["question"] == "Order to cash › Billing\nWhich document triggers billing?"
    assert "delivery" not in shown["question"] and "o2c.md" not in shown["question"]
    assert shown["answer"] == (
        "Order to cash › Billing\nWhich document triggers billing?\nThe delivery\no2c.md:12"
    )
    assert '<hr id="answer">' in shown["answer_html"]
    assert "nightMode" in shown["css"]


def test_reverse_note_gives_two_cards_asking_each_side(tmp_path: Path) -> None:
    card = card_note("g-rev", shape="reverse", front="Kunde", back="customer", context=CONTEXT)
    cards = _import(tmp_path, [card])
    assert len(cards) == 2
    forward, backward = only(cards, ord=0), only(cards, ord=1)
    assert forward["notetype"] == backward["notetype"] == REVERSE_NAME
    assert forward["question"].endswith("Kunde") and "customer" not in forward["question"]
    assert forward["answer"].split("\n")[-2] == "customer"
    assert backward["question"].endswith("customer") and "Kunde" not in backward["question"]
    assert backward["answer"].split("\n")[-2] == "Kunde"


def test_reverse_note_without_back_gets_no_empty_second_card(tmp_path: Path) -> None:
    cards = _import(tmp_path, [card_note("g-rev", shape="reverse", back="<br>")])
    assert [c["ord"] for c in cards] == [0]


def test_cloze_note_gives_one_card_per_deletion(tmp_path: Path) -> None:
    card = card_note(
        "g-cloze",
        shape="cloze",
        front="The {{c1::sales order}} comes before the {{c2::delivery}}.",
        back="Extra: see VA01",
        deck="math::离散数学",
        context=CONTEXT,
        source=SOURCE,
    )
    cards = _import(tmp_path, [card])
    assert [(c["deck"], c["ord"], c["notetype"]) for c in cards] == [
        ("math::离散数学", 0, CLOZE_NAME),
        ("math::离散数学", 1, CLOZE_NAME),
    ]
    first, second = cards
    assert first["question"].endswith("The [...] comes before the delivery.")
    assert second["question"].endswith("The sales order comes before the [...].")
    assert first["answer"] == (
        "Order to cash › Billing\nThe sales order comes before the delivery.\n"
        "Extra: see VA01\no2c.md:12"
    )
    assert 'class="cloze"' in first["answer_html"]


def test_cloze_without_extra_leaves_no_empty_answer_block(tmp_path: Path) -> None:
    [shown] = _import(tmp_path, [card_note("g", shape="cloze", front="{{c1::x}} y", back="")])
    assert "cc-answer" not in shown["answer_html"]


def test_media_reach_the_collection_under_their_package_name(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "img").mkdir(parents=True)
    picture = bytes(range(256)) * 4
    (vault / "img" / "flow chart.png").write_bytes(picture)
    name = package_media_name("img/flow chart.png")
    card = card_note(
        "g-img",
        front=f'Which flow is this? <img src="{name}">',
        media=("img/flow chart.png", "img/missing.png"),
    )
    apkg = tmp_path / "out" / "deck.apkg"
    assert write_package([card], apkg, vault)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, apkg)
        assert media_files(col) == {name}
        assert (Path(col.media.dir()) / name).read_bytes() == picture
        [shown] = learner_cards(col)
    assert f"[img {name}]" in shown["question"]


def test_a_field_added_later_merges_into_the_learners_notetype_keeping_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fields and templates carry fixed ids: a later chaincards that adds a field merges it in
    with Anki's "merge notetypes" option, and the notes update in place with their history."""
    cards = [card_note("g1"), card_note("g2")]
    first, later = tmp_path / "v1" / "deck.apkg", tmp_path / "v2" / "deck.apkg"
    assert write_package(cards, first, tmp_path)
    with fresh_collection(tmp_path / "anki") as col:
        assert import_package(col, first).new == 2
        studied = {c["card_id"]: days for days, c in enumerate(learner_cards(col), start=5)}
        for card_id, days in studied.items():
            col.sched.set_due_date([card_id], f"{days}!")
        before = col.models.by_name(BASIC_NAME)
        assert before is not None
        ids_before = [field["id"] for field in before["flds"]]

        def with_hint(shape: str) -> genanki.Model:
            model = notetype_for(shape)
            model.fields.append({"name": "Hint", "id": part_id(model.name, "field", "Hint")})
            return model

        monkeypatch.setattr(package_module, "notetype_for", with_hint)
        monkeypatch.setattr(package_module, "fields_for", lambda c: [*fields_for(c), "a hint"])
        monkeypatch.setattr(package_module, "TEMPLATES_REVISED", TEMPLATES_REVISED + 86_400)
        # Merging the notetype rewrites the learner's notes, which makes them newer than any
        # package made before it; these notes were edited after that.
        newer = [replace(card, mod=int(time.time()) + 86_400) for card in cards]
        assert write_package(newer, later, tmp_path)
        options = ImportAnkiPackageOptions(
            update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            merge_notetypes=True,
        )
        request = ImportAnkiPackageRequest(package_path=str(later), options=options)
        log = col.import_anki_package(request).log
        assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 2, 0)
        col.models._clear_cache()  # the import changed it behind the Python side's cache
        after = col.models.by_name(BASIC_NAME)
        assert after is not None and after["id"] == before["id"]
        assert [f["name"] for f in after["flds"]] == [*FRONT_BACK_FIELDS, "Hint"]
        assert [field["id"] for field in after["flds"]][:4] == ids_before
        for card in learner_cards(col):
            assert card["fields"]["Hint"] == "a hint"
            assert card["fields"]["Front"] == f"Question {card['guid']}"
            assert card["ivl"] == studied[card["card_id"]]
