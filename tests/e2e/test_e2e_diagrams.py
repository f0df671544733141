"""`build --diagrams`: the chain on the answer side of model cards, as a learner sees it after
importing into a real Anki collection; the same notes give the same bytes."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards, media_files
from chaincards.cli import app

NOTES = Path(__file__).resolve().parents[2] / "notes"
PACKAGE = "ITIL 4 Foundation.apkg"
DIAGRAM = re.compile(r'<img src="(chaincards-chain-[0-9a-f]{16}\.svg)"')
SVG = "{http://www.w3.org/2000/svg}"


def build(vault: Path, out: Path, *flags: str) -> None:
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "-q", *flags])
    assert result.exit_code == 0, result.output


def vault_copy(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    shutil.copytree(NOTES, vault)
    return vault


def highlighted_labels(svg: bytes) -> set[str]:
    """The labels of the nodes the picture highlights."""
    root = ET.fromstring(svg)
    found = set()
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        if "cc-node" in classes and "cc-hl" in classes:
            words = " ".join(" ".join(t.itertext()) for t in group.iter(f"{SVG}text"))
            found.add(" ".join(words.split()))
    return found


def test_model_cards_show_their_chain_in_anki(tmp_path: Path) -> None:
    vault = vault_copy(tmp_path)
    build(vault, tmp_path / "decks", "--diagrams", "--no-cache")
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, tmp_path / "decks" / PACKAGE)
        cards = learner_cards(col)
        stored = media_files(col)
        media_dir = Path(col.media.dir())
        with_picture = [c for c in cards if DIAGRAM.search(c["answer_html"])]
        # Only model cards, and never a reversed card, whose back is also a question.
        assert with_picture
        assert all(
            "chaincards::flows" in c["tags"]
            or "chaincards::purpose" in c["tags"]
            or "chaincards::inputs" in c["tags"]
            or "chaincards::outputs" in c["tags"]
            or "chaincards::streams" in c["tags"]
            for c in with_picture
        )
        assert not any(DIAGRAM.search(c["question_html"]) for c in cards)
        assert not any(c["notetype"].endswith("(and reversed card)") for c in with_picture)
        written = [c for c in cards if "chaincards::written" in c["tags"]]
        assert written and not any(DIAGRAM.search(c["answer_html"]) for c in written)
        # Every picture a card shows is in Anki's media folder, and is an SVG.
        names = {DIAGRAM.search(c["answer_html"]).group(1) for c in with_picture}  # type: ignore[union-attr]
        assert names <= stored
        flow = next(c for c in with_picture if "What does Plan provide to Engage?" in c["question"])
        svg = (media_dir / DIAGRAM.search(flow["answer_html"]).group(1)).read_bytes()  # type: ignore[union-attr]
        assert highlighted_labels(svg) == {"Plan", "Engage"}
        # A card about one activity highlights that activity, whatever the card asks.
        for card in with_picture:
            if "chaincards::purpose" not in card["tags"]:
                continue
            (tag,) = [t for t in card["tags"] if t.startswith("chaincards::activity::")]
            svg = (media_dir / DIAGRAM.search(card["answer_html"]).group(1)).read_bytes()  # type: ignore[union-attr]
            assert {label.replace(" ", "_").casefold() for label in highlighted_labels(svg)} == {
                tag.removeprefix("chaincards::activity::").casefold()
            }


def test_diagrams_are_byte_identical_across_builds(tmp_path: Path) -> None:
    vault = vault_copy(tmp_path)
    build(vault, tmp_path / "first", "--diagrams", "--no-cache")
    build(vault, tmp_path / "second", "--diagrams", "--no-cache")
    first = (tmp_path / "first" / PACKAGE).read_bytes()
    assert first == (tmp_path / "second" / PACKAGE).read_bytes()


def test_turning_diagrams_on_updates_the_cards_in_place(tmp_path: Path) -> None:
    vault = vault_copy(tmp_path)
    out = tmp_path / "decks"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        first = import_package(col, out / PACKAGE)
        build(vault, out, "--diagrams")
        again = import_package(col, out / PACKAGE)
        assert again.new == 0
        assert 0 < again.updated < first.new  # the model cards, not the written ones
        assert any(DIAGRAM.search(c["answer_html"]) for c in learner_cards(col))
    # The newer times stick: building again from the same notes gives the same bytes.
    package = (out / PACKAGE).read_bytes()
    build(vault, out, "--diagrams", "--no-cache")
    assert (out / PACKAGE).read_bytes() == package


def test_without_the_flag_no_card_has_a_diagram(tmp_path: Path) -> None:
    vault = vault_copy(tmp_path)
    (vault / "chaincards.toml").write_text("diagrams = false\n", encoding="utf-8")
    build(vault, tmp_path / "decks")
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, tmp_path / "decks" / PACKAGE)
        assert not any(DIAGRAM.search(c["answer_html"]) for c in learner_cards(col))
        assert not any(name.startswith("chaincards-chain-") for name in media_files(col))
