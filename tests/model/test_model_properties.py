"""Properties that hold for any item text (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from model_helpers import activity_note

from chaincards.document import Link
from chaincards.model import build_model, model_to_json
from chaincards.model.counterparts import Resolver
from chaincards.model.names import NameIndex, name_key

WORDS = st.sampled_from(
    "plan engage improve design and transition or obtain build deliver support for from to by "
    "provided all value chain activities customers the governing body suppliers partners , & / "
    "reports data Improvement (see) X".split()
)
TEXT = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)


def _resolver() -> Resolver:
    index = NameIndex()
    for name in ("Plan", "Engage", "Improve", "Design and transition", "Obtain or build"):
        index.add(name_key(name), name)
    return Resolver(index)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.lists(st.sampled_from(["Plan", "Engage", "Improve", "X"]), max_size=3))
def test_resolution_never_fails_and_the_artifact_is_the_text_before(
    text: str, targets: list[str]
) -> None:
    links = [Link(t, "", t) for t in targets]
    resolution = _resolver().resolve(text, links)
    assert resolution.artifact in text
    if resolution.counterparts:
        assert resolution.relation
        assert resolution.relation.split()[-1].casefold() in {"from", "by", "for", "to"}
    for counterpart in resolution.counterparts:
        assert counterpart.kind in {"activity", "party", "all"}


@settings(max_examples=30, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5), st.lists(TEXT, max_size=5))
def test_models_are_deterministic_and_serialisable(inputs: list[str], outputs: list[str]) -> None:
    notes = [
        activity_note("Engage", inputs, outputs, path="a.md"),
        activity_note("Plan", outputs, inputs, path="b.md"),
    ]
    first = model_to_json(build_model(notes))
    assert first == model_to_json(build_model(list(reversed(notes))))
    names = {a["name"] for a in first["activities"]}
    assert {"Engage", "Plan"} <= names
    assert all(f["from"] in names and f["to"] in names for f in first["flows"])
