"""Note and card ids: stable per GUID, unique within a package, plausible as creation times."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ankitools import card_note
from chaincards.anki.package import _FreeIds, note_ids


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=300))
def test_free_ids_are_the_smallest_unused_at_or_above_the_wish(wishes: list[int]) -> None:
    free, taken = _FreeIds(), set()
    for wish in wishes:
        expected = wish
        while expected in taken:
            expected += 1
        assert free.take(wish) == expected
        taken.add(expected)


def test_note_ids_are_stable_unique_and_near_the_note_time() -> None:
    cards = [card_note(f"g{n}", mod=1_700_000_000) for n in range(3000)]
    ids = note_ids(cards)
    assert len(set(ids.values())) == 3000
    assert all(1_700_000_000_000 <= i < 1_700_000_000_000 + 4000 for i in ids.values())
    # Another card added later does not move the ids of cards whose wish was free.
    more = note_ids([*cards, card_note("another", mod=1_700_000_500)])
    assert {g: more[g] for g in ids} == ids
