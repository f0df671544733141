"""The card identity key: GUIDs depend on it, so its fast ASCII path must equal the general rule."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from chaincards.cards.guid import _BASE91, _base91, card_guid
from chaincards.keys import normalise_key


def reference_key(text: str) -> str:
    """The rule as documented: NFKC, casefold, markup and punctuation to spaces, words joined."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"<[^>]*>", " ", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


MARKUP_HEAVY = st.text(alphabet=st.sampled_from(list("aZ9_ <>/b-,.:'\"&;=\t\n")), max_size=60)
ANY_TEXT = st.text(max_size=60)


@settings(max_examples=2000)
@given(st.one_of(MARKUP_HEAVY, ANY_TEXT))
def test_key_follows_the_documented_rule(text: str) -> None:
    assert normalise_key(text) == reference_key(text)


def test_key_ignores_case_spacing_punctuation_and_markup() -> None:
    assert normalise_key("<p>What does <b>Plan</b>  provide?</p>") == "what does plan provide"
    assert normalise_key("Straße ﬁne") == normalise_key("STRASSE fine")


def test_guid_depends_on_every_part() -> None:
    assert card_guid("a.md", "flow", "x") != card_guid("a.md", "flow", "y")
    assert card_guid("a.md", "flow", "x") == card_guid("a.md", "flow", "x")


def test_guids_never_change_between_releases() -> None:
    # Imported decks are matched by GUID: a different value here would duplicate every card.
    assert card_guid("model", "flow", "plan", "improve") == "ccdc)L=4PTO$d,F"
    assert card_guid("a.md") == "ccd&Ye[>cT[[B6Z"


def reference_base91(number: int) -> str:
    alphabet = _BASE91
    digits = []
    while number:
        number, remainder = divmod(number, len(alphabet))
        digits.append(alphabet[remainder])
    return "".join(reversed(digits)) or alphabet[0]


@given(st.integers(min_value=0, max_value=2**80))
def test_base91_digits(number: int) -> None:
    assert _base91(number) == reference_base91(number)
