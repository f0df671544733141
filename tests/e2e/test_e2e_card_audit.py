"""The card audit: every fixture vault, the sample vault and the seeds, built and imported into the
real Anki backend, and every generated card held to what a good teacher writes.

- each fact asked by at most one card per direction: a list line naming one counterpart carries
  at most 3 cards, one naming n counterparts at most 2n (a broadcast is one fact);
- no two cards with the same question in a deck;
- no front that contains its answer, no hint holding half the answer's words;
- no generated answer over 20 words;
- no card saying "activity" or "value stream" in a vault whose notes never use the word;
- no card-kind word (flows, purpose, …) or folder name as a breadcrumb.

And the sample vault's deck asks every fact of its model: every flow, item and purpose.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards
from chaincards.cli import app
from chaincards.keys import normalise_key
from chaincards.model import Model
from chaincards.model.export import all_flows
from chaincards.model.flows import similar
from chaincards.model.names import content_words
from chaincards.model.types import ALL
from chaincards.pipeline import Compilation, compile_vault
from seedfiles import CANDIDATES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = next((p for p in CANDIDATES if p.is_dir() and any(p.glob("*.txt"))), None)
VAULTS = {
    "sample": REPO / "notes",
    **{p.name: p for p in sorted(FIXTURES.glob("*")) if (p / "expected-model.json").is_file()},
}
if SEEDS is not None:
    VAULTS["seeds"] = SEEDS
WRITTEN = {"callout", "tag", "inline", "spaced"}
KIND_WORDS = ("flows", "purpose", "streams")  # what chaincards once put where the note belongs
MAX_ANSWER_WORDS = 20


def _vault_copy(name: str, tmp: Path) -> Path:
    """The vault as `.md` notes (the seeds are `.txt`)."""
    source = VAULTS[name]
    target = tmp / name
    if name == "seeds":
        target.mkdir()
        for seed in source.glob("*.txt"):
            shutil.copy2(seed, target / f"{seed.stem}.md")
    else:
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "*.json"))
    return target


@pytest.fixture(scope="module", params=sorted(VAULTS))
def audited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp(request.param)
    vault = _vault_copy(request.param, tmp)
    out = tmp / "decks"
    built = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "--no-cache", "-q"])
    assert built.exit_code in (0, 1), built.output
    with fresh_collection(tmp / "anki") as col:
        for package in sorted(out.glob("*.apkg")):
            import_package(col, package)
        cards = learner_cards(col)
    notes_text = " ".join(p.read_text("utf-8") for p in vault.rglob("*.md")).casefold()
    model = compile_vault([vault], skip=(out,)).model
    counterparts: dict[str, int] = {}
    for activity in model.activities:
        for item in (*activity.inputs, *activity.outputs):
            for place in (item.source, *item.also):
                counterparts[str(place)] = max(1, len(item.counterparts))
    return request.param, cards, notes_text, counterparts


def _kind(card: dict[str, Any]) -> str:
    return next(
        (
            t.split("::")[1]
            for t in card["tags"]
            if t.startswith("chaincards::") and t.count("::") == 1
        ),
        "",
    )


def _generated(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cards if _kind(c) not in WRITTEN | {"written", ""}]


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _source(card: dict[str, Any]) -> str:
    match = re.search(r">([^<>]+:\d+)</a>", card["fields"]["Source"])
    assert match, card["fields"]["Source"]
    return match.group(1)


def _answers(card: dict[str, Any]) -> list[str]:
    """What the card asks for: a basic card's answer items, a cloze card's hidden text."""
    if "Text" in card["fields"]:
        hidden = re.findall(r"\{\{c(\d+)::(.*?)\}\}", card["fields"]["Text"])
        return [_plain(text) for number, text in hidden if int(number) == card["ord"] + 1]
    back = card["fields"]["Back"]
    items = re.findall(r"<li>(.*?)</li>", back) or [back]
    return [_plain(i) for i in items]


def _question(card: dict[str, Any]) -> str:
    """What the card shows before it is turned, without the breadcrumb."""
    html = re.sub(r'<div class="cc-context">.*?</div>', " ", card["question_html"], flags=re.S)
    return _plain(html)


def test_a_list_line_carries_at_most_its_share_of_cards(audited: Any) -> None:
    """Each fact once per direction: a line naming one counterpart carries at most 3 notes,
    one naming n counterparts at most 2n (a broadcast is one counterpart, one fact)."""
    _, cards, _, counterparts = audited
    notes = {(_source(c), c["guid"]) for c in _generated(cards)}
    per_line = Counter(source for source, _ in notes)
    for source, count in per_line.items():
        if source in counterparts:
            assert count <= max(3, 2 * counterparts[source]), (source, count)


def test_no_two_cards_ask_the_same_question_in_a_deck(audited: Any) -> None:
    _, cards, _, _ = audited
    asked = Counter((c["deck"], normalise_key(_question(c))) for c in cards)
    assert [q for q, n in asked.items() if n > 1] == []


def test_no_front_contains_its_answer(audited: Any) -> None:
    _, cards, _, _ = audited
    for card in _generated(cards):
        question = f" {normalise_key(_question(card))} "
        for answer in _answers(card):
            key = normalise_key(answer)
            assert len(key) <= 2 or f" {key} " not in question, (card["question"], answer)


def test_no_hint_holds_half_the_answer(audited: Any) -> None:
    _, cards, _, _ = audited
    for card in _generated(cards):
        for hint in re.findall(r'class="cc-hint">(.*?)</div>', card["question_html"], re.S):
            hinted = set(normalise_key(_plain(hint)).split())
            for answer in _answers(card):
                words = set(normalise_key(answer).split())
                assert len(words & hinted) * 2 < len(words), (card["question"], hint)


def test_no_generated_answer_is_a_sentence(audited: Any) -> None:
    _, cards, _, _ = audited
    for card in _generated(cards):
        for answer in _answers(card):
            assert len(answer.split()) <= MAX_ANSWER_WORDS, (card["question"], answer)


def test_the_cards_speak_the_notes_words(audited: Any) -> None:
    name, cards, notes_text, _ = audited
    for word in ("activity", "value stream"):
        if word in notes_text:
            continue
        for card in _generated(cards):
            text = f"{card['question']} {card['answer']}".casefold()
            assert word not in text, (name, word, card["question"])


def test_breadcrumbs_name_the_note_not_the_tool(audited: Any) -> None:
    _, cards, _, _ = audited
    for card in _generated(cards):
        context = _plain(card["fields"]["Context"]).casefold()
        assert context, card["question"]
        assert not any(context.endswith(f"› {w}") for w in KIND_WORDS), context


# -- the sample vault asks every fact of its model ----------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Compilation:
    return compile_vault([REPO / "notes"])


def _asked(compiled: Compilation) -> list[tuple[str, str]]:
    """(question, answers) of every card, plain and normalised."""
    found = []
    for card in compiled.cards:
        question = normalise_key(_plain(re.sub(r"\{\{c\d+::(.*?)\}\}", " ", card.front)))
        found.append((f" {question} ", " ".join(normalise_key(a) for a in card.answers)))
    return found


def _is_asked(asked: list[tuple[str, str]], answer: str, *named: str) -> bool:
    key = normalise_key(answer)
    names = [f" {normalise_key(n)} " for n in named]
    return any(key in answers and all(n in question for n in names) for question, answers in asked)


def _broadcast_asked(
    asked: list[tuple[str, str]], model: Model, name: str, direction: str, artifact: str
) -> bool:
    activity = model.activity(name)
    if activity is None:
        return False
    items = activity.outputs if direction == "output" else activity.inputs
    said = [i.artifact for i in items if any(c.name == ALL for c in i.counterparts)]
    words = content_words(artifact)
    return any(
        similar(words, content_words(a))
        and (_is_asked(asked, a, name, "every other") or _is_asked(asked, name, a, "every other"))
        for a in said
    )


def test_every_flow_item_and_purpose_of_the_sample_is_asked(sample: Compilation) -> None:
    asked = _asked(sample)
    model = sample.model
    missing: list[str] = []
    for flow in all_flows(model):
        forward = _is_asked(asked, flow.artifact, flow.source, flow.target)
        reverse = _is_asked(asked, flow.source, flow.artifact, flow.target)
        # A broadcast is one fact, asked with its own wording of the artifact.
        broadcast = _broadcast_asked(asked, model, flow.source, "output", flow.artifact)
        broadcast = broadcast or _broadcast_asked(asked, model, flow.target, "input", flow.artifact)
        if not (forward or reverse or broadcast):
            missing.append(f"flow {flow.source} → {flow.target}: {flow.artifact}")
    for activity in model.activities:
        for item in (*activity.inputs, *activity.outputs):
            for counterpart in item.counterparts:
                if counterpart.kind != "party":
                    continue
                if not (
                    _is_asked(asked, item.artifact, activity.name, counterpart.name)
                    or _is_asked(asked, counterpart.name, item.artifact, activity.name)
                ):
                    missing.append(f"item of {activity.name}: {item.artifact}")
            if not item.counterparts and not _is_asked(asked, item.artifact):
                missing.append(f"item of {activity.name}: {item.artifact}")
        if activity.purpose:
            kinds = {c.kind for c in sample.cards if activity.name in c.focus}
            assert "purpose" in kinds, activity.name
            assert _is_asked(asked, activity.name, "purpose"), activity.name
    assert missing == []
