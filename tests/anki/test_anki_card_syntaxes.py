"""The card syntaxes real vaults use (issue 21), each built and imported into a real Anki
collection: title-as-question callouts, flashcards-obsidian 2.x fenced blocks, audio and video
embeds, PDF embeds, and `#card` answers that run on to the first blank line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, learner_cards, media_files, squash
from chaincards.cli import app
from chaincards.media import package_media_name
from rebuilds import T0, import_all, write

HEAD = "---\ncards-deck: Biology::Cells\n---\n# Cells\n\n"


def _build(tmp_path: Path, body: str, **files: bytes) -> tuple[list[dict[str, object]], str]:
    """Build a one-note vault, import it; Anki's cards and the build's warnings."""
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Cells.md", HEAD + body, T0)
    for name, data in files.items():
        (vault / name).write_bytes(data)
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    warnings = "\n".join(line for line in result.stderr.splitlines() if ": warning: " in line)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        cards = learner_cards(col)
        for card in cards:
            card["media"] = media_files(col)
    return cards, warnings


def _asked(cards: list[dict[str, object]]) -> list[tuple[str, str, str]]:
    """(notetype, last line of the question, answer without the question) of every card."""
    found = []
    for card in cards:
        question = squash(str(card["question"]).splitlines()[-1])
        answer = squash(str(card["answer"]).replace(str(card["question"]), "", 1))
        answer = re.sub(r"\s*Cells\.md:\d+$", "", answer)  # the Source line
        found.append((str(card["notetype"]), question, answer))
    return sorted(found)


@pytest.mark.parametrize(
    "head",
    ["> [!question]- ", "> [!CARD] ", "> [!sr]+ ", "> [!anki] ", "> [!qa] ", "> [!Flashcard] "],
)
def test_a_callout_whose_title_is_the_question(tmp_path: Path, head: str) -> None:
    body = f"{head}What is the powerhouse of the cell?\n> The mitochondrion,\n> - it makes ATP\n"
    cards, warnings = _build(tmp_path, body)
    assert warnings == ""
    [card] = cards
    assert card["deck"] == "Biology::Cells" and card["notetype"] == "chaincards Basic"
    assert squash(str(card["question"])).endswith("What is the powerhouse of the cell?")
    assert "The mitochondrion, it makes ATP" in squash(str(card["answer"]))


def test_question_callouts_asked_both_ways_and_without_an_answer(tmp_path: Path) -> None:
    body = (
        "> [!qa|reverse] Ribosome\n> Makes proteins\n\n"
        "> [!card-reverse] Nucleus\n> Holds the DNA\n\n"
        "> [!question] An empty one?\n\n"
        "> [!question] card\n> Old form: the title says card\n> ---\n> Still a card\n\n"
        "> [!info] Not a card\n> Just information\n"
    )
    cards, warnings = _build(tmp_path, body)
    assert warnings == "Cells.md:12: warning: card has an empty back; skipped"
    reversed_ = [c for c in cards if c["notetype"] == "chaincards Basic (and reversed card)"]
    assert len(reversed_) == 4  # two notes, two cards each
    assert sorted(squash(str(c["question"])).split()[-1] for c in reversed_) == [
        "DNA",
        "Nucleus",
        "Ribosome",
        "proteins",
    ]
    [old] = [c for c in cards if c["notetype"] == "chaincards Basic"]
    assert "Old form: the title says card" in squash(str(old["question"]))
    assert not any("Just information" in str(c["question"]) for c in cards)


def test_fenced_flashcard_blocks(tmp_path: Path) -> None:
    body = (
        "```flashcard\nfront: What is the powerhouse of the cell?\n"
        "back: The mitochondrion,\n  which makes ATP.\n```\n\n"
        "```flashcard\nfront: Ribosome\nback: Makes proteins\ntype: reversed\n```\n\n"
        "```flashcard\nfront: The ==nucleus== holds the DNA.\nback: In eukaryotes\n"
        "type: cloze\n```\n\n"
        "```flashcard\nfront: A picture\nback: x\ntype: image-occlusion\n```\n\n"
        "```python\nprint('front: not a card')\n```\n"
    )
    cards, warnings = _build(tmp_path, body)
    assert warnings == "Cells.md:24: warning: flashcard block of type 'image-occlusion': not made"
    assert _asked(cards) == [
        (
            "chaincards Basic",
            "What is the powerhouse of the cell?",
            "The mitochondrion, which makes ATP.",
        ),
        ("chaincards Basic (and reversed card)", "Makes proteins", "Ribosome"),
        ("chaincards Basic (and reversed card)", "Ribosome", "Makes proteins"),
        (
            "chaincards Cloze",
            "The [...] holds the DNA.",
            "Cells The nucleus holds the DNA. In eukaryotes",
        ),
    ]


def test_audio_and_video_play_and_a_pdf_is_named(tmp_path: Path) -> None:
    body = (
        "> [!question] Which bird sings this?\n> ![[bird.mp3]]\n> A blackbird\n\n"
        "> [!qa] What does the clip show?\n> ![[clip.mp4]] Mitosis; see ![[book.pdf]]\n"
    )
    files = {"bird.mp3": b"ID3 not really", "clip.mp4": b"not really", "book.pdf": b"%PDF"}
    cards, warnings = _build(tmp_path, body, **files)
    assert (
        warnings == "Cells.md:10: warning: a card cannot show book.pdf: it links to it in Obsidian"
    )
    bird, clip = package_media_name("bird.mp3"), package_media_name("clip.mp4")
    [song] = [c for c in cards if "bird" in str(c["question"])]
    [video] = [c for c in cards if "clip" in str(c["question"])]
    assert f"[sound:{bird}]" in str(song["fields"]["Back"])  # type: ignore[index]
    assert f"[sound:{clip}]" in str(video["fields"]["Back"])  # type: ignore[index]
    assert {bird, clip} <= set(song["media"])  # type: ignore[arg-type]
    assert "book.pdf" in squash(str(video["answer"]))
    # The PDF is a link that opens it in Obsidian.
    link = 'href="obsidian://open?vault=vault&amp;file=book.pdf"'
    assert link in str(video["fields"]["Back"])  # type: ignore[index]


def test_a_card_tag_answer_runs_to_the_first_blank_line(tmp_path: Path) -> None:
    body = (
        "What are the stages of mitosis? #card\nThere are four:\n"
        "- Prophase\n- Metaphase\n- Anaphase\n- Telophase\n\nNot part of the answer.\n\n"
        "## What does ATP stand for? #card\nAdenosine triphosphate\n"
        "| part | count |\n| --- | --- |\n| phosphate | 3 |\n\nAfter the blank line.\n"
    )
    cards, _ = _build(tmp_path, body)
    answers = dict((question, answer) for _, question, answer in _asked(cards))
    assert answers["What are the stages of mitosis?"] == (
        "There are four: Prophase Metaphase Anaphase Telophase"
    )
    assert answers["What does ATP stand for?"] == "Adenosine triphosphate part count phosphate 3"
