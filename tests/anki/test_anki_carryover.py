"""GUID carry-over on its own: which vanished card a new one is taken for, and that the work
stays bounded when a whole vault changed (a regenerated vault once took over ten minutes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chaincards.anki import carryover
from chaincards.anki.carryover import SHORTLIST, carry_guids, similarity
from chaincards.anki.manifest import Entry
from chaincards.cards.card import CardNote


def card(guid: str, front: str, origin: str, kind: str = "callout") -> CardNote:
    return CardNote(
        guid=guid,
        shape="basic",
        front=front,
        back="answer",
        context="",
        source="",
        deck="Deck",
        tags=(),
        mod=0,
        kind=kind,
        origin=origin,
    )


def entry(guid: str, front: str, source: str, kind: str = "callout") -> Entry:
    return Entry(guid, "Deck", kind, "basic", source, "hash", front, (1,))


def test_an_edited_word_keeps_the_guid_and_another_question_does_not() -> None:
    previous = {
        "old1": entry("old1", "what does plan provide to engage", "a.md:3"),
        "old2": entry("old2", "who approves the budget", "a.md:9"),
    }
    cards = [
        card("new1", "What does Plan provide to Improve?", "a.md:3"),
        card("new2", "Which team owns the service desk?", "a.md:9"),
    ]
    carried = carry_guids(cards, previous, {"a.md"})
    assert [c.guid for c in carried] == ["old1", "new2"]


def test_a_different_kind_is_never_carried() -> None:
    previous = {"old": entry("old", "what does plan provide", "a.md:1", kind="flow")}
    cards = [card("new", "What does Plan provide?", "a.md:1", kind="callout")]
    assert carry_guids(cards, previous, {"a.md"})[0].guid == "new"


def test_a_renamed_file_goes_to_the_new_file_most_like_it() -> None:
    # Two new files appear in the folder; only one holds the renamed note's cards.
    previous = {
        f"old{i}": entry(
            f"old{i}", f"what does plan provide to activity {i} today", f"c/Plan.md:{i}"
        )
        for i in range(1, 4)
    }
    cards = [
        card("other", "Which budget does finance approve every quarter?", "c/Budget.md:1"),
        *(
            card(
                f"new{i}",
                f"What does Planning provide to activity {i} today?",
                f"c/Planning.md:{i}",
            )
            for i in range(1, 4)
        ),
    ]
    carried = carry_guids(cards, previous, {"c/Budget.md", "c/Planning.md"})
    assert [c.guid for c in carried] == ["other", "old1", "old2", "old3"]


def test_a_file_that_is_still_there_gives_only_unchanged_cards_to_another_file() -> None:
    # A note split in two: the card left Plan.md for a new note, word for word, and keeps its
    # GUID; one that also changed its wording on the way is a new card.
    previous = {
        "old": entry("old", "what does plan provide to engage", "c/Plan.md:1"),
        "old2": entry("old2", "what does plan receive from engage", "c/Plan.md:5"),
    }
    cards = [
        card("new", "What does Plan provide to Engage?", "c/Split of Plan.md:1"),
        card("new2", "What does Plan receive from Improve?", "c/Split of Plan.md:3"),
    ]
    carried = carry_guids(cards, previous, {"c/Plan.md", "c/Split of Plan.md"})
    assert [c.guid for c in carried] == ["old", "new2"]
    assert carried[0].own_guid == "new"


def test_short_fronts_are_compared_by_characters() -> None:
    assert similarity("define itil", "define itl") >= carryover.SIMILAR
    assert similarity("define itil", "explain kanban") < carryover.SIMILAR


def test_a_rewritten_vault_costs_a_bounded_number_of_comparisons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every card of 40 files of 80 cards each changed: each new card is scored against at
    most SHORTLIST old ones, not against every vanished card of its file or folder."""
    calls = 0
    real = carryover.similarity

    def counting(first: str, second: str) -> float:
        nonlocal calls
        calls += 1
        return real(first, second)

    monkeypatch.setattr(carryover, "similarity", counting)
    files, per_file = 40, 80
    previous = {
        f"o{f}-{i}": entry(
            f"o{f}-{i}", f"what does old {f} thing {i} provide to team {i % 7}", f"v/F{f}.md:{i}"
        )
        for f in range(files)
        for i in range(per_file)
    }
    cards = [
        card(f"n{f}-{i}", f"What does new {f} item {i} give to group {i % 5}?", f"v/G{f}.md:{i}")
        for f in range(files)
        for i in range(per_file)
    ]
    vault = {f"v/G{f}.md" for f in range(files)}
    carry_guids(cards, previous, vault)
    assert calls <= SHORTLIST * len(cards)


def test_no_two_cards_ever_end_with_one_guid() -> None:
    # A retired card of another package claims GUID "g1" for the identity "g2"; the card whose
    # own identity is "g1" then gets a GUID of its own instead of a second "g1".
    live = {"g1": entry("g1", "what is a cell", "a.md:1")}
    retired = {"g1": replace(entry("g1", "what is a cell wall", "b.md:1"), own_guid="g2")}
    cards = [card("g2", "What is a cell wall?", "b.md:1"), card("g1", "What is a cell?", "a.md:1")]
    carried = carry_guids(cards, live, {"a.md", "b.md"}, retired)
    guids = [c.guid for c in carried]
    assert guids[0] == "g1" and len(set(guids)) == 2
    assert carried[1].own_guid == "g1"
