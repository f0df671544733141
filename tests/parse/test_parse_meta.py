"""Frontmatter (chaincards.parse.meta)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaincards.document import NoteMeta
from chaincards.parse.meta import read_meta, split_frontmatter


def read(text: str) -> tuple[NoteMeta, str, int, list[str]]:
    meta, body, offset, diagnostics = read_meta("n.md", text)
    return meta, body, offset, [d.format() for d in diagnostics]


def problems(text: str) -> list[str]:
    return read(text)[3]


# -- split_frontmatter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\na: 1\n---\nbody", ("a: 1", "body", 3)),
        ("---\n---\nbody", ("", "body", 2)),
        ("---\na: 1\n...\nbody", ("a: 1", "body", 3)),
        ("---\na: 1\n---   \nbody", ("a: 1", "body", 3)),
        ("no frontmatter\n---\n", (None, "no frontmatter\n---\n", 0)),
        ("\n---\na: 1\n---\n", (None, "\n---\na: 1\n---\n", 0)),
        ("---\na: 1\nnever closed", ("", "---\na: 1\nnever closed", -1)),
    ],
)
def test_split_frontmatter(text: str, expected: tuple[str | None, str, int]) -> None:
    assert split_frontmatter(text) == expected


# -- valid frontmatter ---------------------------------------------------------------------------


def test_deck_aliases_tags() -> None:
    meta, body, offset, found = read(
        "---\naliases: [Engage, Eng]\ntags: [itil, '#value/chain']\ncards-deck: A::B\n---\n# T"
    )
    assert meta == NoteMeta("A::B", 4, ("Engage", "Eng"), ("itil", "value/chain"), True)
    assert (body, offset, found) == ("# T", 5, [])


@pytest.mark.parametrize(
    "deck",
    [
        "math::离散数学",
        "万国·英语::雅思::雅思词库积累",
        "Test::První soubor",
        "Straße",
        "sem2::A&W::bf",
        "06.danskOrdDic.丹麦语词典",
        "算法专项练习:链表",
        "1. Logik, Mengenlehre, Relationen",
        "🧠 Brain",
    ],
)
def test_real_vault_deck_names(deck: str) -> None:
    meta, _, _, found = read(f"---\ncards-deck: {deck}\n---\n")
    assert (meta.deck, found) == (deck, [])


def test_quoted_deck_with_spaces_around_separator_is_trimmed_with_warning() -> None:
    meta, _, _, found = read('---\ncards-deck: "Digital Communication :: ⚠ Error Detection"\n---\n')
    assert meta.deck == "Digital Communication::⚠ Error Detection"
    assert found == [
        "n.md:2: warning: cards-deck 'Digital Communication :: ⚠ Error Detection' has surrounding "
        "spaces; using 'Digital Communication::⚠ Error Detection'"
    ]


def test_trailing_space_is_trimmed_silently_by_yaml() -> None:
    meta, _, _, found = read("---\ncards-deck: Test::První soubor \n---\n")
    assert (meta.deck, found) == ("Test::První soubor", [])


def test_unquoted_deck_with_spaces_around_separator() -> None:
    meta, _, _, found = read("---\ncards-deck: Digital Communication :: Error Detection\n---\n")
    assert meta.deck == "Digital Communication::Error Detection"
    assert all(": warning:" in f for f in found)


def test_duplicate_key_last_one_wins() -> None:
    meta, _, _, found = read('---\ncards-deck: First\ncards-deck: "Second"\n---\n')
    assert (meta.deck, meta.deck_line, found) == ("Second", 2, [])


def test_templater_elsewhere_and_odd_keys_are_fine() -> None:
    text = (
        "---\n"
        'modification date: <%+ tp.file.last_modified_date("YYYY-MM-DD") %>\n'
        '"{ DATE:YYYY-MM-DD }": 1\n'
        "emoji: 🙂\n"
        "cards-deck: A\n"
        "---\n"
    )
    meta, _, offset, found = read(text)
    assert (meta.deck, meta.deck_line, offset, found) == ("A", 5, 6, [])


def test_empty_frontmatter() -> None:
    meta, body, offset, found = read("---\n---\nbody")
    assert meta == NoteMeta(has_frontmatter=True)
    assert (body, offset, found) == ("body", 2, [])


def test_no_frontmatter() -> None:
    assert read("# T\n---\nx") == (NoteMeta(), "# T\n---\nx", 0, [])


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ncards-deck: A\nno close",
            "n.md:1: error: frontmatter is not closed (no second '---')",
        ),
        ("---", "n.md:1: error: frontmatter is not closed (no second '---')"),
        (
            "---\na: [\n---\n",
            "n.md:3: error: frontmatter is not valid YAML: did not find expected node content",
        ),
        (
            "---\ntitle: x\nsource: A: B\n---\n",
            "n.md:3: error: frontmatter is not valid YAML: mapping values are not allowed in this "
            "context",
        ),
        (
            "---\n\tbad: tab\n---\n",
            "n.md:2: error: frontmatter is not valid YAML: found character that cannot start any "
            "token",
        ),
        ("---\n- a\n- b\n---\n", "n.md:1: error: frontmatter is a list, not a mapping"),
    ],
)
def test_frontmatter_errors(text: str, expected: str) -> None:
    meta, _, _, found = read(text)
    assert found == [expected]
    assert meta == NoteMeta()


def test_unclosed_frontmatter_keeps_whole_text_as_body() -> None:
    _, body, offset, _ = read("---\ncards-deck: A\nno close")
    assert (body, offset) == ("---\ncards-deck: A\nno close", 0)


def test_scalar_frontmatter_is_an_error() -> None:
    (message,) = problems("---\njust text\n---\n")
    assert message.startswith("n.md:1: error: frontmatter is a ")
    assert message.endswith(", not a mapping")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("[a, b]", "list"),
        ("12", "number"),
        ("1.5", "number"),
        ("true", "boolean"),
        ("{a: b}", "mapping"),
    ],
)
def test_deck_of_wrong_type_is_an_error(value: str, kind: str) -> None:
    meta, _, _, found = read(f"---\ntitle: t\ncards-deck: {value}\n---\n")
    assert meta.deck is None
    assert found == [f"n.md:3: error: cards-deck must be text, not a {kind}"]


@pytest.mark.parametrize("value", ["", '""', "'   '", "~", "null"])
def test_empty_deck_is_a_warning(value: str) -> None:
    meta, _, _, found = read(f"---\ncards-deck: {value}\n---\n")
    assert meta.deck is None and meta.has_frontmatter
    assert found == ["n.md:2: warning: cards-deck is empty; the folder deck is used"]


@pytest.mark.parametrize(
    "value",
    ["<% tp.file.folder(true) %>", '"{{tp_folder}}::{{tp_title}}"', "A::<% tp.file.title %>"],
)
def test_templater_deck_is_an_error(value: str) -> None:
    meta, _, _, found = read(f"---\ncards-deck: {value}\n---\n")
    assert meta.deck is None
    (message,) = found
    assert message.startswith("n.md:2: error: cards-deck is an unexpanded template: ")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("A::::B", "has an empty part between '::'"),
        ('"::"', "has no name, only separators"),
        ('"::A"', "has an empty part between '::'"),
        ('"A::"', "has an empty part between '::'"),
        ("'a\"b'", "contains a double quote, which Anki does not allow in deck names"),
    ],
)
def test_invalid_deck_is_an_error(value: str, reason: str) -> None:
    meta, _, _, found = read(f"---\ncards-deck: {value}\n---\n")
    assert meta.deck is None
    (message,) = found
    assert message.startswith("n.md:2: error: invalid cards-deck ")
    assert message.endswith(reason)


# -- aliases and tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tags", "expected"),
    [
        ("tags: a, b c", ("a", "b", "c"), []),
        ("tags: [x, '#y', 2024]", ("x", "y", "2024"), []),
        ("tags:\n  - one\n  - two", ("one", "two"), []),
        ("tags: {a: 1}", (), ["n.md:2: warning: tags must be a list of text, not a mapping"]),
        ("tags: 5", (), ["n.md:2: warning: tags must be a list of text, not a number"]),
        ("tags: [a, [b]]", ("a",), ["n.md:2: warning: tags: a list entry is ignored"]),
        ("tags: [a, true]", ("a",), ["n.md:2: warning: tags: a boolean entry is ignored"]),
        ("tags: [a, null]", ("a",), []),
        (
            "tags: [a, '<% tp.date.now() %>']",
            ("a",),
            ["n.md:2: warning: tags: unexpanded template '<% tp.date.now() %>' ignored"],
        ),
    ],
)
def test_tags(text: str, tags: tuple[str, ...], expected: list[str]) -> None:
    meta, _, _, found = read(f"---\n{text}\n---\n")
    assert (meta.tags, found) == (tags, expected)


@pytest.mark.parametrize(
    ("text", "aliases", "expected"),
    [
        ("aliases: [Engage]", ("Engage",), []),
        ("aliases: Engage stage", ("Engage stage",), []),
        ("aliases: 5", (), ["n.md:2: warning: aliases must be a list of text, not a number"]),
        ("aliases: [a, {b: c}]", ("a",), ["n.md:2: warning: aliases: a mapping entry is ignored"]),
    ],
)
def test_aliases(text: str, aliases: tuple[str, ...], expected: list[str]) -> None:
    meta, _, _, found = read(f"---\n{text}\n---\n")
    assert (meta.aliases, found) == (aliases, expected)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_read_meta_never_raises(raw: str) -> None:
    meta, body, _offset, found = read_meta("n.md", f"---\n{raw}\n---\nbody")
    assert isinstance(meta, NoteMeta)
    for diagnostic in found:
        assert diagnostic.line >= 1
    if not any(d.severity == "error" for d in found):
        assert body.endswith("body")


def test_unquoted_deck_with_colon_space_is_read_as_text_with_a_warning() -> None:
    meta, _, _, found = read("---\ntitle: x\ncards-deck: A: B\n---\n")
    assert meta.deck == "A: B"
    assert len(found) == 1 and ": warning: cards-deck is not valid YAML" in found[0]
