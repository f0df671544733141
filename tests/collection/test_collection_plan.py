"""`plan_sync` and `merged_tags` on hand-made notes: what a sync would change, no Anki."""

from __future__ import annotations

from chaincards.collection.plan import (
    OWN_TAGS,
    DeckCounts,
    HeldNote,
    Update,
    merged_tags,
    plan_sync,
)
from chaincards.collection.wanted import WantedNote

NOTETYPE = 1_700_000_000_001
DECK_TAG = "chaincards::deck::Bio"


def wanted_note(
    guid: str = "g1",
    fields: tuple[str, ...] = ("Q?", "A"),
    tags: tuple[str, ...] = (DECK_TAG,),
    deck: str = "Bio",
    notetype_id: int = NOTETYPE,
    ords: tuple[int, ...] = (0, 1, 2),
) -> WantedNote:
    return WantedNote(guid, notetype_id, fields, tags, deck, ords)


def held_note(
    guid: str = "g1",
    fields: tuple[str, ...] = ("Q?", "A"),
    tags: tuple[str, ...] = (DECK_TAG,),
    cards: tuple[tuple[int, str], ...] = ((101, "Bio"),),
    notetype_id: int = NOTETYPE,
    note_id: int = 1,
) -> HeldNote:
    # Cards in card order: the first is ord 0, the next ord 1, …
    numbered = tuple((card, deck, ord_) for ord_, (card, deck) in enumerate(cards))
    return HeldNote(note_id, guid, notetype_id, fields, tags, numbered)


def by_guid(*notes):
    return {note.guid: note for note in notes}


# Adding


def test_a_wanted_note_the_collection_lacks_is_added() -> None:
    note = wanted_note()
    plan = plan_sync(by_guid(note), {}, {"g1"}, delete=False)
    assert plan.add == [note]
    assert plan.update == [] and plan.move == {} and plan.gone == [] and plan.remove == []
    assert plan.decks == {"Bio": DeckCounts(added=1)}
    assert plan.writes


def test_notes_are_added_in_guid_order_and_counted_per_deck() -> None:
    notes = [wanted_note("c"), wanted_note("a", deck="Law"), wanted_note("b")]
    plan = plan_sync(by_guid(*notes), {}, set(), delete=False)
    assert [note.guid for note in plan.add] == ["a", "b", "c"]
    assert plan.decks == {"Bio": DeckCounts(added=2), "Law": DeckCounts(added=1)}


# Updating


def test_a_held_note_with_the_same_fields_and_tags_is_left_alone() -> None:
    plan = plan_sync(by_guid(wanted_note()), by_guid(held_note()), {"g1"}, delete=False)
    assert plan.add == [] and plan.update == [] and plan.move == {}
    assert plan.gone == [] and plan.skipped == []
    assert plan.decks == {}
    assert not plan.writes


def test_changed_fields_make_an_update_with_the_new_fields() -> None:
    held = held_note(fields=("Old question?", "A"))
    plan = plan_sync(
        by_guid(wanted_note(fields=("New question?", "A"))), by_guid(held), set(), delete=False
    )
    assert plan.update == [Update(held, ("New question?", "A"), None)]
    assert plan.add == []
    assert plan.decks == {"Bio": DeckCounts(updated=1)}
    assert plan.writes


def test_a_field_the_notetype_gains_is_not_a_change() -> None:
    held = held_note(fields=("Q?", "A"))
    gained = wanted_note(fields=("Q?", "A", ""))
    plan = plan_sync(by_guid(gained), by_guid(held), set(), delete=False)
    assert plan.update == []
    assert not plan.writes


def test_a_gained_field_that_is_filled_is_a_change() -> None:
    held = held_note(fields=("Q?", "A"))
    filled = wanted_note(fields=("Q?", "A", "context"))
    plan = plan_sync(by_guid(filled), by_guid(held), set(), delete=False)
    assert plan.update == [Update(held, ("Q?", "A", "context"), None)]


def test_a_field_emptied_by_the_build_is_a_change() -> None:
    held = held_note(fields=("Q?", "A", "old context"))
    emptied = wanted_note(fields=("Q?", "A", ""))
    plan = plan_sync(by_guid(emptied), by_guid(held), set(), delete=False)
    assert plan.update == [Update(held, ("Q?", "A", ""), None)]


# Tags


def test_learner_tags_marked_and_leech_survive_and_stale_own_tags_go() -> None:
    held = held_note(tags=("my-topic", "marked", "leech", "chaincards::deck::Old", DECK_TAG))
    plan = plan_sync(by_guid(wanted_note()), by_guid(held), set(), delete=False)
    [update] = plan.update
    assert update.fields is None
    assert update.tags == (DECK_TAG, "leech", "marked", "my-topic")
    assert plan.decks == {"Bio": DeckCounts(updated=1)}


def test_tags_the_build_gives_are_added() -> None:
    held = held_note(tags=("marked",))
    given = wanted_note(tags=(DECK_TAG, "chaincards::purpose::recall"))
    plan = plan_sync(by_guid(given), by_guid(held), set(), delete=False)
    [update] = plan.update
    assert update.tags == (DECK_TAG, "chaincards::purpose::recall", "marked")
    assert update.fields is None


def test_tags_differing_only_in_case_are_not_a_change() -> None:
    held = held_note(tags=("Marked", DECK_TAG.upper()))
    given = wanted_note(tags=(DECK_TAG, "marked"))
    plan = plan_sync(by_guid(given), by_guid(held), set(), delete=False)
    assert plan.update == []
    assert plan.decks == {}


def test_merged_tags_keeps_learner_tags_and_takes_the_builds() -> None:
    held = ("Marked", "leech", "my-own", "chaincards::old", "ChainCards::Stale::X")
    given = ("chaincards::new", "MY-OWN")
    assert merged_tags(held, given) == ("chaincards::new", "leech", "Marked", "MY-OWN")


def test_merged_tags_matches_case_insensitively() -> None:
    # The build's spelling wins for a tag both give; `Marked` is kept, once.
    assert merged_tags(("Marked", "Topic"), ("marked",)) == ("marked", "Topic")
    assert merged_tags(("Marked",), ()) == ("Marked",)
    assert merged_tags(("CHAINCARDS::deck::Old",), ()) == ()
    assert OWN_TAGS == "chaincards::"


def test_merged_tags_sorts_without_regard_to_case() -> None:
    assert merged_tags(("zeta", "Alpha"), ("beta",)) == ("Alpha", "beta", "zeta")


# Moving


def test_a_note_whose_cards_are_in_another_deck_moves_only_those_cards() -> None:
    held = held_note(cards=((101, "Old"), (102, "Bio"), (103, "Other")))
    plan = plan_sync(by_guid(wanted_note()), by_guid(held), set(), delete=False)
    assert plan.move == {"Bio": [101, 103]}
    assert plan.decks == {"Bio": DeckCounts(moved=1)}
    assert plan.update == []
    assert "Old" not in plan.decks and "Other" not in plan.decks
    assert plan.writes


def test_a_note_both_changed_and_moved_counts_both_in_its_new_deck() -> None:
    held = held_note(fields=("Old?", "A"), cards=((101, "Old"),))
    plan = plan_sync(by_guid(wanted_note()), by_guid(held), set(), delete=False)
    assert plan.update == [Update(held, ("Q?", "A"), None)]
    assert plan.move == {"Bio": [101]}
    assert plan.decks == {"Bio": DeckCounts(updated=1, moved=1)}


def test_cards_of_several_notes_moving_into_one_deck_are_gathered() -> None:
    held = [
        held_note("a", cards=((1, "Old"), (2, "Old")), note_id=10),
        held_note("b", cards=((3, "Bio"), (4, "Other")), note_id=11),
    ]
    plan = plan_sync(
        by_guid(wanted_note("a"), wanted_note("b")), by_guid(*held), set(), delete=False
    )
    assert plan.move == {"Bio": [1, 2, 4]}
    assert plan.decks == {"Bio": DeckCounts(moved=2)}


# A notetype changed in Anki


def test_a_note_whose_notetype_was_changed_in_anki_is_skipped() -> None:
    held = held_note(notetype_id=NOTETYPE + 1, fields=("Other", "fields"), cards=((1, "Old"),))
    plan = plan_sync(by_guid(wanted_note()), by_guid(held), {"g1"}, delete=True)
    [(guid, reason)] = plan.skipped
    assert guid == "g1" and "notetype" in reason
    assert plan.update == [] and plan.move == {} and plan.add == [] and plan.remove == []
    assert plan.decks == {}
    assert not plan.writes


# Notes whose source is gone


def test_a_made_note_no_longer_wanted_is_reported_gone_without_delete() -> None:
    old = held_note("old", cards=((201, "Old deck"), (202, "Other")))
    plan = plan_sync({}, by_guid(old), {"old"}, delete=False)
    assert plan.gone == [old]
    assert plan.remove == []
    assert plan.decks == {"Old deck": DeckCounts(gone=1)}


def test_a_made_note_no_longer_wanted_is_removed_with_delete() -> None:
    old = held_note("old", cards=((201, "Old deck"), (202, "Other")))
    plan = plan_sync({}, by_guid(old), {"old"}, delete=True)
    assert plan.remove == [old]
    assert plan.gone == []
    assert plan.decks == {"Old deck": DeckCounts(removed=1)}
    assert plan.writes


def test_only_gone_notes_write_nothing() -> None:
    old = held_note("old")
    plan = plan_sync(
        by_guid(wanted_note("g1")), by_guid(held_note("g1"), old), {"g1", "old"}, delete=False
    )
    assert plan.gone == [old]
    assert not plan.writes


def test_a_made_note_the_collection_no_longer_holds_is_not_reported() -> None:
    plan = plan_sync({}, {}, {"deleted-in-anki"}, delete=True)
    assert plan.gone == [] and plan.remove == [] and plan.decks == {}


def test_a_wanted_note_that_chaincards_made_is_not_gone() -> None:
    plan = plan_sync(by_guid(wanted_note()), by_guid(held_note()), {"g1"}, delete=True)
    assert plan.remove == [] and plan.gone == []


def test_the_learners_own_notes_are_never_removed_or_reported() -> None:
    mine = held_note("learners-own", fields=("My Q", "My A"), cards=((301, "Bio"),), note_id=9)
    held = by_guid(held_note("g1"), mine)
    for delete in (False, True):
        plan = plan_sync(by_guid(wanted_note("g1")), held, {"g1"}, delete=delete)
        assert plan.remove == [] and plan.gone == [] and plan.update == []
        assert plan.move == {} and plan.decks == {}
        assert not plan.writes


# Cards a note no longer makes


def test_a_card_the_note_no_longer_makes_is_reported_as_emptied() -> None:
    held = held_note(cards=((101, "Bio"), (102, "Bio"), (103, "Bio")))
    note = wanted_note(ords=(0, 2))  # the second cloze deletion was taken out
    plan = plan_sync(by_guid(note), by_guid(held), {"g1"}, delete=True)
    assert plan.emptied == [102]
    assert plan.decks == {"Bio": DeckCounts(emptied=1)}
    assert plan.remove == [] and not plan.writes  # reported, never removed by a sync


def test_a_note_making_every_card_it_made_reports_none_emptied() -> None:
    held = held_note(cards=((101, "Bio"), (102, "Old")))
    plan = plan_sync(by_guid(wanted_note(ords=(0, 1))), by_guid(held), {"g1"}, delete=False)
    assert plan.emptied == []
    assert plan.decks == {"Bio": DeckCounts(moved=1)}
