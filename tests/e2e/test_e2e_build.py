"""End to end: the fixture vault through the command line, into a real Anki collection.

Every card form of the dialect is built from tests/fixtures/dialect_vault and checked the way a
learner meets it: imported with Anki's own importer and rendered by Anki's own renderer.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards, media_files
from chaincards.cli import app

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "dialect_vault"
NOTE_TIME = 1_700_000_000  # every file of the copied vault gets this mtime
DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<severity>error|warning): (?P<msg>.+)$")
UNSAFE_IN_FILE_NAMES = set('/\\:*?"<>|') | {chr(c) for c in range(32)}

EXPECTED_PACKAGES = {
    "Course.apkg",
    "Prozesse_ Einkauf_Verkauf.apkg",
    "dialect_vault.apkg",
    "folder.apkg",
    "数学.apkg",
}
EXPECTED_DECK_CARDS = {
    "Course::Chapter": 12,
    "数学::离散数学": 11,
    "folder::sub": 1,  # folder/sub/Nested.md has no cards-deck
    "dialect_vault": 1,  # Root note.md: no cards-deck, no folder → the vault folder's name
    "Prozesse: Einkauf/Verkauf": 1,
}

CELL = "Cell Biology › Organelles"
CODE = "Cell Biology › Formulas and code"
MATH = "离散数学"
BASIC, REVERSE, CLOZE = (
    "chaincards Basic",
    "chaincards Basic (and reversed card)",
    "chaincards Cloze",
)

# (form, deck, notetype, ord, question as Anki shows it, answer as Anki shows it)
CARD_FORMS = [
    (
        "callout basic ---",
        "Course::Chapter",
        BASIC,
        0,
        f"{CELL}\nWhat is the powerhouse of the cell?",
        f"{CELL}\nWhat is the powerhouse of the cell?\nThe mitochondrion makes ATP.\n"
        "Cell Biology.md:11",
    ),
    (
        "callout basic ?",
        "Course::Chapter",
        BASIC,
        0,
        f"{CELL}\nWhich organelle holds the DNA?",
        f"{CELL}\nWhich organelle holds the DNA?\nThe nucleus\n"
        "[img cc_70b7326413_pic.png]\nCell Biology.md:16",
    ),
    (
        "callout title card reverse",
        "Course::Chapter",
        REVERSE,
        0,
        f"{CELL}\nRibosome",
        f"{CELL}\nRibosome\nSite of protein synthesis\nCell Biology.md:22",
    ),
    (
        "callout title card reverse, card 2",
        "Course::Chapter",
        REVERSE,
        1,
        f"{CELL}\nSite of protein synthesis",
        f"{CELL}\nSite of protein synthesis\nRibosome\nCell Biology.md:22",
    ),
    (
        "callout ??",
        "Course::Chapter",
        REVERSE,
        0,
        f"{CELL}\nGolgi apparatus",
        f"{CELL}\nGolgi apparatus\nPackages proteins for secretion\nCell Biology.md:27",
    ),
    (
        "callout ??, card 2",
        "Course::Chapter",
        REVERSE,
        1,
        f"{CELL}\nPackages proteins for secretion",
        f"{CELL}\nPackages proteins for secretion\nGolgi apparatus\nCell Biology.md:27",
    ),
    (
        "callout cloze ==highlight== c1",
        "Course::Chapter",
        CLOZE,
        0,
        f"{CELL}\nCells contain [...] and organelles inside a membrane.",
        f"{CELL}\nCells contain cytoplasm and organelles inside a membrane.\nCell Biology.md:32",
    ),
    (
        "callout cloze ==highlight== c2",
        "Course::Chapter",
        CLOZE,
        1,
        f"{CELL}\nCells contain cytoplasm and [...] inside a membrane.",
        f"{CELL}\nCells contain cytoplasm and organelles inside a membrane.\nCell Biology.md:32",
    ),
    (
        "callout cloze {{c1::…::hint}}",
        "Course::Chapter",
        CLOZE,
        0,
        f"{CELL}\nThe [barrier] is made of phospholipids.",
        f"{CELL}\nThe cell membrane is made of phospholipids.\nCell Biology.md:35",
    ),
    (
        "callout cloze {{c2::…}}",
        "Course::Chapter",
        CLOZE,
        1,
        f"{CELL}\nThe cell membrane is made of [...].",
        f"{CELL}\nThe cell membrane is made of phospholipids.\nCell Biology.md:35",
    ),
    (
        "callout with math and a block id",
        "Course::Chapter",
        BASIC,
        0,
        f"{CODE}\nWhat is the area of a circle?",
        f"{CODE}\nWhat is the area of a circle?\n\\(A = \\pi r^2\\)\nCell Biology.md:40",
    ),
    (
        "callout with a code block",
        "Course::Chapter",
        BASIC,
        0,
        f"{CODE}\nHow do you print a greeting in Python?",
        f"{CODE}\nHow do you print a greeting in Python?\nCall the print function:\n"
        'print("hello")\nCell Biology.md:45',
    ),
    (
        "## heading #card + back",
        "数学::离散数学",
        BASIC,
        0,
        f"{MATH} › What is a graph?\nWhat is a graph?",
        f"{MATH} › What is a graph?\nWhat is a graph?\nA set of vertices joined by edges.\n"
        "数学.md:6",
    ),
    (
        "#card paragraph",
        "数学::离散数学",
        BASIC,
        0,
        f"{MATH} › What is a graph?\nWhich proof technique assumes the opposite of the claim?",
        f"{MATH} › What is a graph?\nWhich proof technique assumes the opposite of the claim?\n"
        "Proof by contradiction\n数学.md:9",
    ),
    (
        "#card-reverse",
        "数学::离散数学",
        REVERSE,
        0,
        f"{MATH} › What is a graph?\nWhat is a bijection?",
        f"{MATH} › What is a graph?\nWhat is a bijection?\nA function that is one-to-one and onto\n"
        "数学.md:12",
    ),
    (
        "#card-reverse, card 2",
        "数学::离散数学",
        REVERSE,
        1,
        f"{MATH} › What is a graph?\nA function that is one-to-one and onto",
        f"{MATH} › What is a graph?\nA function that is one-to-one and onto\nWhat is a bijection?\n"
        "数学.md:12",
    ),
    (
        "## heading then a #card line",
        "数学::离散数学",
        BASIC,
        0,
        f"{MATH} › Pigeonhole principle\nPigeonhole principle",
        f"{MATH} › Pigeonhole principle\nPigeonhole principle\n"
        "If n+1 pigeons sit in n holes, one hole holds at least two.\n数学.md:16",
    ),
    (
        "inline front::back in a list item",
        "数学::离散数学",
        BASIC,
        0,
        f"{MATH} › Logic\nTautology",
        f"{MATH} › Logic\nTautology\na formula true under every assignment\n数学.md:22",
    ),
    (
        "inline front:::back",
        "数学::离散数学",
        REVERSE,
        0,
        f"{MATH} › Logic\nModus ponens",
        f"{MATH} › Logic\nModus ponens\nfrom p and p implies q, infer q\n数学.md:23",
    ),
    (
        "inline front:::back, card 2",
        "数学::离散数学",
        REVERSE,
        1,
        f"{MATH} › Logic\nfrom p and p implies q, infer q",
        f"{MATH} › Logic\nfrom p and p implies q, infer q\nModus ponens\n数学.md:23",
    ),
    (
        "spaced-repetition ? paragraph",
        "数学::离散数学",
        BASIC,
        0,
        f"{MATH} › Trees\nIs every tree bipartite?",
        f"{MATH} › Trees\nIs every tree bipartite?\nYes, a tree has no odd cycles.\n数学.md:28",
    ),
    (
        "{curly} cloze on a #card line, c1",
        "数学::离散数学",
        CLOZE,
        0,
        f"{MATH} › Trees\nA tree with n vertices has [...] and no cycles",
        f"{MATH} › Trees\nA tree with n vertices has n-1 edges and no cycles\n数学.md:32",
    ),
    (
        "{curly} cloze on a #card line, c2",
        "数学::离散数学",
        CLOZE,
        1,
        f"{MATH} › Trees\nA tree with n vertices has n-1 edges and [...]",
        f"{MATH} › Trees\nA tree with n vertices has n-1 edges and no cycles\n数学.md:32",
    ),
    (
        "folder deck from folder/sub",
        "folder::sub",
        BASIC,
        0,
        "Nested\nPhotosynthesis",
        "Nested\nPhotosynthesis\nconversion of light energy into chemical energy\n"
        "folder/sub/Nested.md:1",
    ),
    (
        "root note in the default deck",
        "dialect_vault",
        BASIC,
        0,
        "Geography\nCapital of France",
        "Geography\nCapital of France\nParis\nRoot note.md:3",
    ),
    (
        "deck name with : and /",
        "Prozesse: Einkauf/Verkauf",
        BASIC,
        0,
        "Prozesse\nWho approves a purchase order?",
        "Prozesse\nWho approves a purchase order?\nThe purchasing manager\nProzesse.md:4",
    ),
]


def copy_vault(parent: Path) -> Path:
    """A copy of the fixture vault named `dialect_vault`, every file dated NOTE_TIME."""
    vault = parent / "dialect_vault"
    shutil.copytree(FIXTURE, vault)
    for path in vault.rglob("*"):
        if path.is_file():
            os.utime(path, (NOTE_TIME, NOTE_TIME))
    return vault


def diagnostics(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if DIAGNOSTIC.match(line)]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_all(folder: Path, packages: list[Path]) -> tuple[list[dict[str, Any]], set[str], Path]:
    with fresh_collection(folder) as col:
        for package in packages:
            counts = import_package(col, package)
            assert counts.updated == 0 and counts.duplicate == 0, (package.name, counts)
        return learner_cards(col), media_files(col), Path(col.media.dir())


class Built:
    def __init__(self, root: Path) -> None:
        self.vault = copy_vault(root)
        self.out = root / "out"
        self.result = CliRunner().invoke(app, ["build", str(self.vault), "--out", str(self.out)])
        self.packages = sorted(self.out.glob("*.apkg"))
        self.cards, self.media, self.media_dir = import_all(root / "anki", self.packages)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("build"))


def find(cards: list[dict[str, Any]], **match: Any) -> list[dict[str, Any]]:
    return [c for c in cards if all(c[k] == v for k, v in match.items())]


def learner_text(card: dict[str, Any]) -> str:
    return "\n".join((card["question"], card["answer"], card["question_html"], card["answer_html"]))


# -- the build --------------------------------------------------------------------------------


def test_fixture_vault_builds_cleanly(built: Built) -> None:
    assert built.result.exit_code == 0, built.result.output
    assert built.result.exception is None or isinstance(built.result.exception, SystemExit)
    # A build reports what `check` reports: here two links to notes the vault does not have.
    assert diagnostics(built.result.stderr) == [
        "Cell Biology.md:7: warning: link [[Cell theory]]: no note of that name",
        "Cell Biology.md:14: warning: link [[Mitochondria]]: no note of that name",
    ]
    assert "Traceback" not in built.result.output
    assert "5 package(s), 0 error(s), 2 warning(s)" in built.result.stderr


def test_one_package_per_top_level_deck_with_safe_file_names(built: Built) -> None:
    names = {p.name for p in built.packages}
    assert names == EXPECTED_PACKAGES  # no temp files left behind either
    for name in names:
        assert not set(name) & UNSAFE_IN_FILE_NAMES, name
        assert name.endswith(".apkg") and not name.startswith(".")


def test_decks_and_card_counts(built: Built) -> None:
    counts = Counter(card["deck"] for card in built.cards)
    assert dict(counts) == EXPECTED_DECK_CARDS
    # The subdeck and the non-ASCII deck really are nested decks in the learner's collection.
    assert {"Course::Chapter", "数学::离散数学"} <= set(counts)


@pytest.mark.parametrize(
    ("deck", "notetype", "ord_", "question", "answer"),
    [form[1:] for form in CARD_FORMS],
    ids=[form[0] for form in CARD_FORMS],
)
def test_card_form_as_the_learner_sees_it(
    built: Built, deck: str, notetype: str, ord_: int, question: str, answer: str
) -> None:
    matches = find(built.cards, question=question, ord=ord_)
    assert len(matches) == 1, [c["question"] for c in built.cards if c["deck"] == deck]
    [card] = matches
    assert (card["deck"], card["notetype"]) == (deck, notetype)
    assert card["answer"] == answer


def test_every_card_is_one_of_the_card_forms(built: Built) -> None:
    shown = sorted((c["deck"], c["notetype"], c["ord"], c["question"]) for c in built.cards)
    expected = sorted((form[1], form[2], form[3], form[4]) for form in CARD_FORMS)
    assert shown == expected


def test_dataview_property_is_not_a_card(built: Built) -> None:
    assert not [c for c in built.cards if "12345" in learner_text(c)]


def test_no_card_has_an_empty_question(built: Built) -> None:
    for card in built.cards:
        context = re.sub(r"<[^>]+>", "", card["fields"]["Context"])
        asked = card["question"].replace(context, "", 1).strip()
        assert asked, card
        if card["notetype"] == CLOZE:  # a cloze card asks something: a hidden part
            assert 'class="cloze"' in card["question_html"], card["question"]


# -- what a card shows ------------------------------------------------------------------------


def test_picture_is_packed_as_media_and_shown(built: Built) -> None:
    [card] = find(built.cards, question=f"{CELL}\nWhich organelle holds the DNA?")
    name = "cc_70b7326413_pic.png"
    assert f'<img src="{name}"' in card["answer_html"]
    assert f'<img src="{name}"' not in card["question_html"]
    assert built.media == {name}
    picture = FIXTURE / "attachments" / "pic.png"
    assert (built.media_dir / name).read_bytes() == picture.read_bytes()


def test_math_is_mathjax(built: Built) -> None:
    [card] = find(built.cards, question=f"{CODE}\nWhat is the area of a circle?")
    assert "\\(A = \\pi r^2\\)" in card["answer_html"]
    assert "$" not in card["answer"]


def test_code_block_is_preformatted(built: Built) -> None:
    [card] = find(built.cards, question=f"{CODE}\nHow do you print a greeting in Python?")
    assert "<pre" in card["answer_html"]
    assert "```" not in card["answer"]
    assert "print" in re.sub(r"<[^>]+>", "", card["answer_html"])


def test_wikilinks_show_their_display_text(built: Built) -> None:
    [card] = find(built.cards, question=f"{CELL}\nWhat is the powerhouse of the cell?")
    assert "The mitochondrion makes ATP." in card["answer"]
    assert "Mitochondria" not in learner_text(card)
    for card in built.cards:
        assert "[[" not in learner_text(card) and "]]" not in learner_text(card)


@pytest.mark.parametrize(
    "hidden",
    ["%%", "a private note", "^circle-area", "circle-area", "#card", "#genetics", "#inline"],
)
def test_comments_block_ids_and_tags_are_never_visible(built: Built, hidden: str) -> None:
    assert not [c["question"] for c in built.cards if hidden in learner_text(c)]


def test_tags_from_frontmatter_and_inline_tags(built: Built) -> None:
    course = find(built.cards, deck="Course::Chapter")
    note_tags = {"biology", "chaincards::written", "exam::week_1", "inline::nested"}
    for card in course:
        expected = note_tags | ({"genetics"} if "DNA" in card["question"] else set())
        assert set(card["tags"]) == expected, card["question"]
    for card in find(built.cards, deck="数学::离散数学"):
        assert card["tags"] == ["chaincards::written"]


def test_context_field_is_note_title_and_heading(built: Built) -> None:
    [card] = find(built.cards, question=f"{CELL}\nWhat is the powerhouse of the cell?")
    assert card["fields"]["Context"] == '<span class="cc-note">Cell Biology</span> › Organelles'
    [nested] = find(built.cards, deck="folder::sub")
    assert nested["fields"]["Context"] == '<span class="cc-note">Nested</span>'  # file name


def test_source_field_is_path_and_line(built: Built) -> None:
    sources = {re.sub(r"<[^>]+>", "", c["fields"]["Source"]) for c in built.cards}
    assert {"Cell Biology.md:11", "数学.md:6", "folder/sub/Nested.md:1"} <= sources
    for card in built.cards:
        source = card["fields"]["Source"]
        assert source.startswith('<a href="obsidian://open?vault=dialect_vault&amp;file='), source
        assert re.fullmatch(r"[^<>]+\.md:\d+", re.sub(r"<[^>]+>", "", source)), source


def test_cards_carry_the_note_file_time(built: Built) -> None:
    assert {card["note_mod"] for card in built.cards} == {NOTE_TIME}


# -- options and the real command ---------------------------------------------------------------


def test_single_package_holds_every_deck(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "single"
    result = CliRunner().invoke(
        app, ["build", str(built.vault), "--out", str(out), "--single", "all.apkg", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.glob("*.apkg")] == ["all.apkg"]
    cards, media, _ = import_all(tmp_path / "anki", [out / "all.apkg"])
    assert dict(Counter(c["deck"] for c in cards)) == EXPECTED_DECK_CARDS
    assert media == built.media


def test_default_deck_option(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(built.vault), "--out", str(out), "--default-deck", "Misc", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.glob("*.apkg")} == EXPECTED_PACKAGES - {"dialect_vault.apkg"} | {
        "Misc.apkg"
    }
    cards, _, _ = import_all(tmp_path / "anki", sorted(out.glob("*.apkg")))
    expected = dict(EXPECTED_DECK_CARDS)
    expected["Misc"] = expected.pop("dialect_vault")
    assert dict(Counter(c["deck"] for c in cards)) == expected
    [root] = find(cards, deck="Misc")
    assert root["question"] == "Geography\nCapital of France"


def test_python_m_chaincards_in_a_real_process(built: Built, tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("SOURCE_DATE_EPOCH", None)
    process = subprocess.run(
        [sys.executable, "-m", "chaincards", "build", "dialect_vault", "--out", "decks"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stdout + process.stderr
    assert diagnostics(process.stderr) == diagnostics(built.result.stderr)
    packages = sorted((tmp_path / "decks").glob("*.apkg"))
    assert {p.name for p in packages} == EXPECTED_PACKAGES
    # Same notes, same times: the same bytes as the in-process build of another copy.
    assert {p.name: sha(p) for p in packages} == {p.name: sha(p) for p in built.packages}
    assert vault.is_dir()
    cards, _, _ = import_all(tmp_path / "anki", packages)
    assert dict(Counter(c["deck"] for c in cards)) == EXPECTED_DECK_CARDS


# -- bugs: README forms that lose the card ----------------------------------------------------


def build_one(tmp_path: Path, note: str) -> tuple[Any, list[dict[str, Any]]]:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "Note.md").write_text(note, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "-q"])
    cards, _, _ = import_all(tmp_path / "anki", sorted(out.glob("*.apkg")) if out.is_dir() else [])
    return result, cards


def test_heading_then_card_line_with_the_back_right_below(tmp_path: Path) -> None:
    result, cards = build_one(
        tmp_path,
        "## Focus on value\n#card\n"
        "Everything the organisation does should map to value for stakeholders.\n",
    )
    assert diagnostics(result.stderr) == []
    [card] = cards
    assert card["question"] == "Note › Focus on value\nFocus on value"
    assert "Everything the organisation does" in card["answer"]


def test_card_whose_back_is_only_a_code_block(tmp_path: Path) -> None:
    result, cards = build_one(
        tmp_path,
        ">[!info] card\n>How do you print in Python?\n>---\n>```python\n>print(1)\n>```\n",
    )
    assert diagnostics(result.stderr) == []
    [card] = cards
    assert "<pre" in card["answer_html"] and "print" in card["answer"]
