"""Remembered cards as rows (chaincards.build.memo): they come back equal, and a row that is
not a card's is refused (the build then makes everything again), never built into a card."""

from __future__ import annotations

import json
import zlib

import pytest

from ankitools import card_note
from chaincards.build.memo import decode_cards, encode_model_cards, encode_written_cards

CARDS = [
    card_note("cc1", tags=("a", "b::c"), media=("pic.png",), dated_by=("a.md", "b.md")),
    card_note("cc2", shape="cloze", front="{{c1::x}}", answers=("x",), focus=("A", "B")),
]


def _rows(blob: bytes) -> list[list[object]]:
    rows = json.loads(zlib.decompress(blob))
    assert isinstance(rows, list)
    return rows


def _blob(rows: object) -> bytes:
    return zlib.compress(json.dumps(rows).encode())


def test_cards_come_back_equal() -> None:
    written = {"a.md": CARDS[:1], "b.md": [], "c.md": CARDS[1:]}
    back = decode_cards(encode_model_cards(CARDS), encode_written_cards(written))
    assert back.model == CARDS
    assert back.written == written


def test_many_cards_are_one_json_list() -> None:
    many = [card_note(f"cc{n}") for n in range(4_321)]  # past one chunk of rows
    assert len(_rows(encode_model_cards(many))) == 4_321
    assert decode_cards(encode_model_cards(many), encode_written_cards({})).model == many


@pytest.mark.parametrize(
    "damage",
    [
        lambda row: row.__setitem__(8, "1700000000"),  # a time that is text
        lambda row: row.__setitem__(1, "sideways"),  # no such shape
        lambda row: row.pop(),  # a field short
        lambda row: row.__setitem__(2, {"c": "os.system"}),  # not text
        lambda row: row.__setitem__(7, 5),  # tags that are no list
    ],
    ids=["mod text", "shape", "short", "object", "tags"],
)
def test_a_row_that_is_not_a_card_is_refused(damage: object) -> None:
    rows = _rows(encode_model_cards(CARDS))
    damage(rows[0])  # type: ignore[operator]
    with pytest.raises(ValueError):
        decode_cards(_blob(rows), encode_written_cards({}))
