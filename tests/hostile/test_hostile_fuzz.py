"""Issue 6, point 6: property tests over the whole pipeline on generated Obsidian Markdown.

Hypothesis writes small vaults from the dialect's constructs (frontmatter, callouts and card
callouts, wikilinks and embeds, tags, highlights, clozes, math, code, tables, footnotes, comments,
lists under `## Inputs` / `## Outputs` with `provided by [[X]]` items, `::` and `#card` cards, `?`
separators, value streams), runs text → parse → model → cards → package, and imports every
package into a fresh collection with Anki's own backend. Nothing may raise, and every card Anki
makes must ask something: a non-empty question once the Context line is set aside.

Default: 25 examples, fast. `CHAINCARDS_FUZZ_EXAMPLES=500 pytest tests/hostile/test_hostile_fuzz.py`
runs a longer search.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hostile_vault import PNG, SECRET, live_html, question_body, read_package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankitools import fresh_collection, import_package, learner_cards
from chaincards.anki.package import package_groups
from chaincards.pipeline import compile_vault
from chaincards.write import write_decks

EXAMPLES = int(os.environ.get("CHAINCARDS_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="CHAINCARDS_FUZZ_EXAMPLES" not in os.environ,
)

NAMES = ["Plan", "Engage", "Design and transition", "Obtain or build", "Improve", "数学", "Ünïcode"]
name = st.sampled_from(NAMES)
# Words and the characters the dialect gives a meaning to, one per entry (split on spaces).
WORDS = (
    "value plan the of data ß 离散 A&B x C# $5 $x 50% <b> </p> &amp; \" ' \\ * _ ` { } [ ] | # ^ "
    "~ = : :: ::: ? — -> <!-- --> %% == {{ }} javascript:alert(1) <script>alert(1)</script>"
)
word = st.sampled_from([*WORDS.split(), " ", "\t"])
CONSTRUCTS = (
    "![[img.png]] ![[img.png|100]] ![](img.png) ![[missing.png]] ![alt](sub/pic.png) "
    "![[../outside.png]] [[]] [[|x]] [[a|b|c]] [[x#^block]] ^block-1 #tag #nested/tag "
    "#card #card-reverse #Card $x^2$ $$\\sum$$ `code` **bold** ~~gone~~ "
    "[link](https://example.com) [x](javascript:alert(1)) [^1] {{c0::zero}} {{c1::}} == {a} {2:b}"
)
inline = st.one_of(
    word,
    st.text(max_size=6),
    st.builds(lambda n: f"[[{n}]]", name),
    st.builds(lambda n, w: f"[[{n}|{w}]]", name, word),
    st.builds(lambda n, w: f"[[{n}#{w}]]", name, word),
    st.sampled_from([*CONSTRUCTS.split(), "%% hidden %%", "<!-- c -->", "- [ ] "]),
    st.builds(lambda w: f"=={w}==", word),
    st.builds(lambda n, w: f"{{{{c{n}::{w}}}}}", st.integers(0, 3), word),
    st.builds(lambda n, w, h: f"{{{{c{n}::{w}::{h}}}}}", st.integers(1, 3), word, word),
    st.builds(lambda w: f"{{{w}}}", word),
)
line = st.lists(inline, min_size=1, max_size=6).map(" ".join)


def _quote(text: str, depth: int = 1) -> str:
    return "\n".join(">" * depth + part for part in text.split("\n"))


callout_kind = st.sampled_from(["info", "note", "tip", "question", "NOTE", "x\"'<>"])
callout_title = st.sampled_from(
    ["card", "card reverse", "Card", "card:", "Key Message", "", "Title [[Plan]]", "card ==x=="]
)
separator = st.sampled_from(["---", "?", "??", ""])
callout = st.builds(
    lambda kind, fold, title, front, sep, back, nested: (
        _quote(f"[!{kind}]{fold} {title}\n{front}\n{sep}\n{back}")
        + (("\n" + _quote(nested, 2)) if nested else "")
    ),
    callout_kind,
    st.sampled_from(["", "-", "+"]),
    callout_title,
    line,
    separator,
    line,
    st.one_of(st.just(""), st.builds(lambda f, b: f"[!note] card\n{f}\n---\n{b}", line, line)),
)
list_item = st.one_of(
    line,
    st.builds(lambda w, n: f"{w} provided by [[{n}]]", line, name),
    st.builds(lambda w, n: f"{w} from [[{n}]]", line, name),
    st.builds(lambda w, n: f"{w} for [[{n}]]", line, name),
    st.builds(lambda w, n: f"{w} to [[{n}]] and [[{n}]]", line, name),
    st.builds(lambda f, b: f"{f}::{b}", line, line),
)
a_list = st.lists(
    st.tuples(
        st.integers(0, 3), st.sampled_from(["- ", "* ", "1. ", "- [ ] ", "- [x] "]), list_item
    ),
    min_size=1,
    max_size=6,
).map(lambda items: "\n".join("  " * depth + mark + text for depth, mark, text in items))
heading_tag = st.sampled_from(["", " #card", "#card", " #card-reverse"])
language = st.sampled_from(["", "python", 'x"<>', "yaml"])
block = st.one_of(
    line,
    st.builds(lambda a, b: f"{a}\n{b}", line, line),
    st.builds(lambda h, t, tag: f"{'#' * h} {t}{tag}", st.integers(1, 6), line, heading_tag),
    st.builds(lambda f, b: f"{f}::{b}", line, line),
    st.builds(lambda f, b: f"{f}:::{b}", line, line),
    st.builds(lambda f, b: f"{f} #card\n{b}", line, line),
    st.builds(lambda f, s, b: f"{f}\n{s}\n{b}", line, st.sampled_from(["?", "??"]), line),
    callout,
    a_list,
    st.builds(lambda lst: f"## Inputs\n{lst}", a_list),
    st.builds(lambda lst: f"## Outputs\n{lst}", a_list),
    st.builds(lambda n, w: f"The purpose of the {n} activity is to {w}.", name, line),
    st.builds(lambda a, b: f"## Value stream: {a}\n1. {a} → {b}\n2. {b} -> {a}", name, name),
    st.builds(lambda lang, code: f"```{lang}\n{code}\n```", language, line),
    st.builds(lambda m: f"$$\n{m}\n$$", line),
    st.builds(lambda a, b: f"| a | b |\n|---|---|\n| {a} | {b} |", line, line),
    st.builds(lambda a, b: f"{a}[^1]\n\n[^1]: {b}", line, line),
    st.builds(lambda a: f"%%\n{a}\n%%", line),
    st.builds(lambda a: f'<div onclick="x">\n{a}\n</div>', line),
    st.sampled_from(["---", "***", "", "^block-2", "<!--SR:!2024-01-01,1,230-->"]),
)
frontmatter = st.one_of(
    st.just(""),
    st.builds(
        lambda deck, tags, aliases: f"---\n{deck}{tags}{aliases}---\n",
        st.sampled_from(
            [
                "",
                "cards-deck: Course::Chapter\n",
                "cards-deck: Course :: Spaced\n",
                "cards-deck: 'A::::B'\n",
                "cards-deck: '::'\n",
                "cards-deck: 数学::离散数学\n",
                "cards-deck: 42\n",
                "cards-deck:\n",
                "cards-deck: <% tp.file.folder() %>\n",
                "cards-deck: '<b>x</b>::y'\n",
            ]
        ),
        st.sampled_from(["", "tags: [a, b/c]\n", "tags: x y\n", "tags: 5\n", "tags: [[x]]\n"]),
        st.sampled_from(["", "aliases: [Plan]\n", "aliases: 7\n", "aliases:\n"]),
    ),
    st.sampled_from(["---\n[unclosed\n---\n", "---\n- a\n---\n", "---\ncards-deck: X\n"]),
)
note = st.builds(
    lambda fm, blocks, ending: (fm + "\n\n".join(blocks)).replace("\n", ending),
    frontmatter,
    st.lists(block, min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
vault = st.dictionaries(
    st.sampled_from([f"{n}.md" for n in NAMES[:5]] + ["sub/Deep note.md", "sub/Plan.md"]),
    note,
    min_size=1,
    max_size=3,
)


def _check_vault(notes: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="chaincards-fuzz-") as scratch:
        root = Path(scratch)
        folder = root / "vault"
        for rel, text in notes.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        (folder / "img.png").write_bytes(PNG)
        (folder / "sub" / "pic.png").parent.mkdir(exist_ok=True)
        (folder / "sub" / "pic.png").write_bytes(PNG + b"sub")
        (root / "outside.png").write_bytes(PNG + SECRET)

        compilation = compile_vault([folder], skip=(root / "decks",))
        for diagnostic in compilation.diagnostics:
            assert "\n" not in diagnostic.format()
        reports = write_decks(package_groups(compilation.cards, None), root / "decks", folder, None)
        assert sum(len(report.cards) for report in reports) == len(compilation.cards)

        with fresh_collection(root / "anki") as col:
            for report in reports:
                package = read_package(report.path)
                for package_note in package.notes:
                    for field in package_note.fields:
                        assert live_html(field) == [], field
                assert SECRET not in b"".join(package.entries.values())
                import_package(col, report.path)
            cards = learner_cards(col)
            assert {c["note_id"] for c in cards} or not compilation.cards
            for card in cards:
                assert question_body(card["question_html"]), card["question_html"]
            empty = col.get_empty_cards()
            assert not empty.notes, empty.report


@FUZZ
@given(notes=vault)
def test_pipeline_never_raises_and_every_card_asks_something(notes: dict[str, str]) -> None:
    _check_vault(notes)


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check_vault({"Random.md": text})


def test_model_clozes_keep_item_text_intact(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "Plan.md").write_text(
        "# Plan\n\n## Inputs\n- A std::vector of results\n"
        "- Templates with {{placeholders}}\n- Plain reports\n",
        encoding="utf-8",
    )
    (folder / "Engage.md").write_text("# Engage\n\nEngages.\n", encoding="utf-8")
    compilation = compile_vault([folder], skip=(tmp_path / "decks",))
    reports = write_decks(package_groups(compilation.cards, None), tmp_path / "decks", folder, None)
    with fresh_collection(tmp_path / "anki") as col:
        for report in reports:
            import_package(col, report.path)
        answers = [c["answer"] for c in learner_cards(col) if "Inputs of Plan" in c["question"]]
    assert len(answers) == 3  # one list card per item naming no one, each showing the others
    for answer in answers:
        assert "A std::vector of results" in answer, answer
        assert "Templates with {{placeholders}}" in answer, answer
