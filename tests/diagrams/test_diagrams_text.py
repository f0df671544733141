"""The chain as diagram text (chaincards.diagrams.text): Mermaid and Graphviz DOT.

Both are checked by small grammar checkers written here for the subset we emit, run on the
sample vault and on hostile labels; the real Mermaid parser (in headless Chromium) and the real
`dot` are used when present. The graph itself (chaincards.diagrams.graph) is checked on a small
hand-written vault: edge direction, parties, highlighting, edge labels.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaincards.diagrams.graph import (
    LABEL_CHARS,
    ChainGraph,
    GraphEdge,
    GraphNode,
    chain_graph,
    shorten,
)
from chaincards.diagrams.text import to_dot, to_mermaid
from chaincards.model import Model
from chaincards.pipeline import compile_vault
from vaults import make_vault

NOTES = Path(__file__).resolve().parents[2] / "notes"
MERMAID_JS_DEFAULT = Path("/tmp/mm/node_modules/mermaid/dist/mermaid.min.js")
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def flat(text: str) -> str:
    """What a one-line label should read: runs of whitespace as one space."""
    return " ".join(text.split())


# --- a grammar checker for the Mermaid subset we emit ----------------------------------------

MERMAID_KEYWORDS = {
    "end",
    "graph",
    "flowchart",
    "flowchart-elk",
    "subgraph",
    "style",
    "class",
    "classdef",
    "linkstyle",
    "click",
    "call",
    "href",
    "direction",
    "default",
    "interpolate",
    "accdescr",
    "acctitle",
    "tb",
    "td",
    "bt",
    "rl",
    "lr",
}
KEY = r"[A-Za-z0-9_]+"
LABEL = r'[^"\n]*'
M_COMMENT = re.compile(r"^ {4}%%(?!\{)[^\n]*$")
M_NODE = re.compile(
    rf'^ {{4}}(?P<key>{KEY})(?:\("(?P<box>{LABEL})"\)|\(\["(?P<party>{LABEL})"\]\))$'
)
M_EDGE = re.compile(rf'^ {{4}}(?P<source>{KEY}) -->\|"(?P<label>{LABEL})"\| (?P<target>{KEY})$')
M_CLASSDEF = re.compile(r"^ {4}classDef (?P<name>[A-Za-z_][A-Za-z0-9_-]*) (?P<style>[^\n;]+)$")
M_CLASS = re.compile(rf"^ {{4}}class (?P<keys>{KEY}(?:,{KEY})*) (?P<name>[A-Za-z_][\w-]*)$")
M_LINKSTYLE = re.compile(r"^ {4}linkStyle (?P<indexes>\d+(?:,\d+)*) (?P<style>[^\n;]+)$")
# Inside a quoted label a `#` starts an entity: #quot; or a character number such as #35;.
M_ENTITY = re.compile(r"#(?:quot|amp|lt|gt|\d+);")


@dataclass
class Mermaid:
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (shape, label)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # source, target, label
    classes: dict[str, set[str]] = field(default_factory=dict)  # class name → keys
    class_defs: dict[str, str] = field(default_factory=dict)
    link_styles: dict[int, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)


def mermaid_label(raw: str, where: str) -> str:
    """The text a quoted Mermaid label shows, after checking that it is safe to parse."""
    if not raw.strip():
        raise ValueError(f'{where}: empty label (Mermaid rejects `("")`)')
    if raw.startswith("`"):
        raise ValueError(f"{where}: {raw!r} opens a Mermaid markdown string (write #96;)")
    leftover = M_ENTITY.sub("", raw)
    if "#" in leftover:
        raise ValueError(f"{where}: a raw '#' in {raw!r} (write #35;)")
    names = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}

    def decode(match: re.Match[str]) -> str:
        body = match.group(0)[1:-1]
        return names[body] if body in names else chr(int(body))

    return M_ENTITY.sub(decode, raw)


def check_key(key: str, where: str) -> None:
    if not re.fullmatch(KEY, key):
        raise ValueError(f"{where}: key {key!r} is not letters, digits and underscores")
    if key.lower() in MERMAID_KEYWORDS:
        raise ValueError(f"{where}: key {key!r} is a Mermaid keyword")


def parse_mermaid(text: str) -> Mermaid:
    """Checks `text` against the subset of flowchart syntax that to_mermaid emits; raises
    ValueError naming the first fault, returns what it declares."""
    if not text.endswith("\n"):
        raise ValueError("no final newline")
    if "%%{" in text:  # Mermaid's directive pre-pass scans the whole text, labels included
        raise ValueError("'%%{' would be read as a Mermaid directive")
    lines = text[:-1].split("\n")
    if lines[0] != "flowchart LR":
        raise ValueError(f"line 1: {lines[0]!r} is not 'flowchart LR'")
    found = Mermaid()
    uses: list[tuple[str, list[str], str]] = []  # class name, keys, where
    for number, line in enumerate(lines[1:], start=2):
        where = f"line {number}"
        if m := M_COMMENT.match(line):
            found.comments.append(line[6:].strip())
        elif m := M_NODE.match(line):
            key = m["key"]
            check_key(key, where)
            if key in found.nodes:
                raise ValueError(f"{where}: node {key} declared twice")
            shape = "party" if m["party"] is not None else "activity"
            raw = m["party"] if m["party"] is not None else m["box"]
            found.nodes[key] = (shape, mermaid_label(raw, where))
        elif m := M_EDGE.match(line):
            for key in (m["source"], m["target"]):
                check_key(key, where)
                if key not in found.nodes:
                    raise ValueError(f"{where}: edge names undeclared node {key}")
            found.edges.append((m["source"], m["target"], mermaid_label(m["label"], where)))
        elif m := M_CLASSDEF.match(line):
            found.class_defs[m["name"]] = m["style"]
        elif m := M_CLASS.match(line):
            uses.append((m["name"], m["keys"].split(","), where))
        elif m := M_LINKSTYLE.match(line):
            for index in map(int, m["indexes"].split(",")):
                if index >= len(found.edges):
                    raise ValueError(f"{where}: linkStyle {index} but {len(found.edges)} edges")
                found.link_styles[index] = m["style"]
        else:
            raise ValueError(f"{where}: not in the grammar: {line!r}")
    for name, keys, where in uses:
        if name not in found.class_defs:
            raise ValueError(f"{where}: class {name} has no classDef")
        for key in keys:
            if key not in found.nodes:
                raise ValueError(f"{where}: class names undeclared node {key}")
        found.classes.setdefault(name, set()).update(keys)
    return found


def assert_mermaid_matches(graph: ChainGraph, text: str) -> Mermaid:
    """`text` is in the grammar and says what `graph` says, in graph order."""
    found = parse_mermaid(text)
    assert list(found.nodes) == [n.key for n in graph.nodes]
    for node in graph.nodes:
        assert found.nodes[node.key] == (node.kind, flat(node.label))
    assert found.edges == [(e.source, e.target, flat(e.label)) for e in graph.edges]
    assert found.classes.get("highlight", set()) == {n.key for n in graph.nodes if n.highlighted}
    assert found.classes.get("party", set()) == {n.key for n in graph.nodes if n.kind == "party"}
    assert set(found.link_styles) == {i for i, e in enumerate(graph.edges) if e.highlighted}
    assert [c for c in found.comments if c] == ([flat(graph.title)] if flat(graph.title) else [])
    return found


# --- a checker for the DOT we emit ----------------------------------------------------------

DOT_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<arrow>->)|(?P<punct>[{}\[\];,=])'
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_]*|-?(?:\d+(?:\.\d*)?|\.\d+))|(?P<bad>\S))?",
    re.S,
)
DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


@dataclass
class Dot:
    graph: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


def dot_tokens(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    while at < len(text):
        m = DOT_TOKEN.match(text, at)
        assert m is not None
        at = m.end()
        kind = m.lastgroup
        if kind is None:  # only whitespace was left
            assert at == len(text)
            break
        if kind == "bad":
            raise ValueError(f"unexpected {m[kind]!r} at {m.start(kind)}")
        value = m[kind]
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1], flags=re.S)
        tokens.append((kind, value))
    return tokens


def parse_dot(text: str) -> Dot:
    """`digraph NAME { statement; … }` where every statement ends with `;`: `a=b`, `node [...]`,
    `edge [...]`, `key [...]` or `key -> key [...]`."""
    if text.count("{") - text.count("}") != sum(
        s.count("{") - s.count("}") for s in re.findall(r'"(?:[^"\\]|\\.)*"', text)
    ):
        raise ValueError("unbalanced braces outside strings")
    tokens = dot_tokens(text)
    pos = 0

    def take(kind: str, value: str | None = None) -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"ran out of text, wanted {value or kind}")
        got_kind, got = tokens[pos]
        if got_kind != kind or (value is not None and got != value):
            raise ValueError(f"token {pos}: wanted {value or kind}, got {got!r}")
        pos += 1
        return got

    def peek() -> tuple[str, str]:
        return tokens[pos] if pos < len(tokens) else ("eof", "")

    def value_token() -> str:
        kind, got = peek()
        if kind not in ("id", "string"):
            raise ValueError(f"token {pos}: wanted a value, got {got!r}")
        return take(kind)

    def attributes() -> dict[str, str]:
        found: dict[str, str] = {}
        take("punct", "[")
        while peek() != ("punct", "]"):
            name = take("id")
            take("punct", "=")
            found[name] = value_token()
            if peek() == ("punct", ","):
                take("punct", ",")
        take("punct", "]")
        return found

    result = Dot()
    take("id", "digraph")
    take("id")
    take("punct", "{")
    while peek() != ("punct", "}"):
        name = value_token()
        if peek() == ("punct", "="):
            take("punct", "=")
            result.graph[name] = value_token()
        elif name in ("node", "edge"):
            result.defaults[name] = attributes()
        elif peek() == ("arrow", "->"):
            take("arrow")
            target = take("id")
            for key in (name, target):
                if key not in result.nodes:
                    raise ValueError(f"edge names undeclared node {key}")
            result.edges.append((name, target, attributes()))
        else:
            if name.lower() in DOT_KEYWORDS or not re.fullmatch(KEY, name):
                raise ValueError(f"bad node key {name!r}")
            result.nodes[name] = attributes()
        take("punct", ";")
    take("punct", "}")
    if pos != len(tokens):
        raise ValueError(f"text after the closing brace: {tokens[pos:]}")
    return result


HIGHLIGHT_ATTRIBUTES = {"color", "penwidth"}


def assert_dot_matches(graph: ChainGraph, text: str) -> Dot:
    found = parse_dot(text)
    assert list(found.nodes) == [n.key for n in graph.nodes]
    for node in graph.nodes:
        attrs = found.nodes[node.key]
        assert attrs["label"] == flat(node.label)
        assert (attrs.keys() >= HIGHLIGHT_ATTRIBUTES) is node.highlighted, (node, attrs)
        assert not (HIGHLIGHT_ATTRIBUTES & attrs.keys()) or node.highlighted, (node, attrs)
        assert ("dashed" in attrs.get("style", "")) is (node.kind == "party")
    assert [(s, t) for s, t, _ in found.edges] == [(e.source, e.target) for e in graph.edges]
    for (_, _, attrs), edge in zip(found.edges, graph.edges, strict=True):
        assert attrs["label"] == flat(edge.label)
        assert attrs["tooltip"] == flat("; ".join(edge.artifacts))
        assert (attrs.keys() >= HIGHLIGHT_ATTRIBUTES) is edge.highlighted, (edge, attrs)
        assert not (HIGHLIGHT_ATTRIBUTES & attrs.keys()) or edge.highlighted, (edge, attrs)
    assert found.graph.get("label", "") == flat(graph.title)
    return found


# --- graphs to check ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Model:
    return compile_vault([NOTES]).model


def sample_graphs(model: Model) -> dict[str, ChainGraph]:
    return {
        "plain": chain_graph(model),
        "titled": chain_graph(model, title='ITIL "4" #1'),
        "parties": chain_graph(model, parties=True),
        "activity": chain_graph(model, activity="Plan"),
        "activity+parties": chain_graph(model, parties=True, activity="engage"),
        "flow": chain_graph(model, flow=("Plan", "Engage")),
    }


HOSTILE_ALPHABET = st.sampled_from(
    [*'"#|[]();:{}%<>&\\`-=*/', *" \n\t\r", *"éß中😀\u200b", *"abcXYZ019"]
)
HOSTILE_WORD = st.sampled_from(
    ["end", "graph", "subgraph", "#quot;", "#35;", "-->", "|", '"', "&amp;", "<br>", "END", "o"]
)
HOSTILE = st.lists(st.one_of(HOSTILE_WORD, st.text(HOSTILE_ALPHABET, max_size=6)), max_size=6).map(
    "".join
)
LABEL_TEXT = HOSTILE.filter(lambda s: bool(s.split()))


@st.composite
def hostile_graphs(draw: st.DrawFn) -> ChainGraph:
    count = draw(st.integers(1, 5))
    kinds = [draw(st.sampled_from(["activity", "party"])) for _ in range(count)]
    nodes = tuple(
        GraphNode(
            f"{kind[0]}{i}_x",
            draw(LABEL_TEXT),
            kind,  # type: ignore[arg-type]
            draw(st.booleans()),
        )
        for i, kind in enumerate(kinds)
    )
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)).filter(
                lambda p: p[0] != p[1]
            ),
            unique=True,
            max_size=8,
        )
    )
    edges = tuple(
        GraphEdge(
            nodes[s].key,
            nodes[t].key,
            tuple(draw(st.lists(LABEL_TEXT, min_size=1, max_size=3))),
            draw(st.booleans()),
        )
        for s, t in pairs
    )
    return ChainGraph(nodes, edges, draw(HOSTILE))


# Labels that once broke the real Mermaid parser: `%%{` opens a directive anywhere in the
# text, a leading backtick opens a markdown string. to_mermaid writes both as entities.
HOSTILE_LABELS = ["Costs 50%%{approx", "`config` files"]


def one_label_graph(label: str) -> ChainGraph:
    return ChainGraph(
        (GraphNode("a0", label, "activity"), GraphNode("a1", "B", "activity")),
        (GraphEdge("a0", "a1", (label,)),),
    )


HOSTILE_FIXED = ChainGraph(
    (
        GraphNode("a0_end", 'Say "end" #1 | ok ] ; done', "activity", True),
        GraphNode("a1_x", "end", "activity"),
        GraphNode("p0_y", "graph\nsubgraph  ünïcode 😀 [x]", "party"),
        GraphNode("a2_z", "#quot; & <b>bold</b> \\ back", "activity"),
    ),
    (
        GraphEdge("a0_end", "a1_x", ('He said "yes"; then | left',), highlighted=True),
        GraphEdge("a1_x", "a0_end", ("a", "b ] c")),
        GraphEdge("p0_y", "a2_z", ("#35; (x) {y} %% z",), highlighted=True),
        GraphEdge("a2_z", "p0_y", ("end",)),
    ),
    title='A "title" with # and ; and\nnewline',
)


# --- the Mermaid checker itself -------------------------------------------------------------

GOOD_MERMAID = (
    "flowchart LR\n"
    "    %% a title\n"
    '    a0("A #quot;x#quot; #35;1")\n'
    '    p0(["customers"])\n'
    '    a0 -->|"2 flows"| p0\n'
    "    classDef highlight fill:#ffedd5\n"
    "    class a0 highlight\n"
    "    linkStyle 0 stroke:#c2410c\n"
)


def test_mermaid_checker_accepts_good_text() -> None:
    found = parse_mermaid(GOOD_MERMAID)
    assert found.nodes == {"a0": ("activity", 'A "x" #1'), "p0": ("party", "customers")}
    assert found.edges == [("a0", "p0", "2 flows")]
    assert found.classes == {"highlight": {"a0"}}
    assert found.link_styles == {0: "stroke:#c2410c"}


@pytest.mark.parametrize(
    ("broken", "fault"),
    [
        (GOOD_MERMAID.replace("flowchart LR", "graph LR"), "flowchart LR"),
        (GOOD_MERMAID.replace("#quot;x#quot;", '"x"'), "not in the grammar"),
        (GOOD_MERMAID.replace("#35;1", "#1"), "raw '#'"),
        (GOOD_MERMAID.replace('"customers"', '"`customers"'), "markdown string"),
        (GOOD_MERMAID + '    a0 -->|"x"| q9\n', "undeclared node q9"),
        (GOOD_MERMAID.replace("a0(", "end(").replace("a0 ", "end "), "keyword"),
        (GOOD_MERMAID.replace('(["customers"])', '([""])'), "empty label"),
        (GOOD_MERMAID.replace("linkStyle 0", "linkStyle 0,1"), "linkStyle 1"),
        (GOOD_MERMAID.replace("class a0 highlight", "class a0 hot"), "no classDef"),
        (GOOD_MERMAID.replace("class a0 ", "class a0,zz "), "undeclared node zz"),
        (GOOD_MERMAID.replace("a title", "x %%{init: {}}%%"), "directive"),
        (GOOD_MERMAID.replace('"2 flows"', '"2\nflows"'), "not in the grammar"),
        (GOOD_MERMAID.replace("a0(", "a-0("), "not in the grammar"),
        (GOOD_MERMAID + '    a0("again")\n', "declared twice"),
        (GOOD_MERMAID[:-1], "final newline"),
    ],
)
def test_mermaid_checker_rejects_broken_text(broken: str, fault: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fault)):
        parse_mermaid(broken)


# --- Mermaid output -------------------------------------------------------------------------


def test_mermaid_of_the_sample_vault(sample: Model) -> None:
    graphs = sample_graphs(sample)
    for name, graph in graphs.items():
        found = assert_mermaid_matches(graph, to_mermaid(graph))
        assert len(found.nodes) >= 6, name
    plain = parse_mermaid(to_mermaid(graphs["plain"]))
    assert not plain.classes and not plain.link_styles
    assert {shape for shape, _ in plain.nodes.values()} == {"activity"}
    parties = parse_mermaid(to_mermaid(graphs["parties"]))
    assert "customers" in {label for shape, label in parties.nodes.values() if shape == "party"}
    titled = parse_mermaid(to_mermaid(graphs["titled"]))
    assert titled.comments == ['ITIL "4" #1']  # a comment is not a label: left as written
    flow = parse_mermaid(to_mermaid(graphs["flow"]))
    [(index, _)] = flow.link_styles.items()
    assert flow.edges[index][:2] == ("a0_plan", "a2_engage")
    assert to_mermaid(graphs["plain"]) == to_mermaid(chain_graph(sample))  # same bytes


def test_mermaid_of_hostile_fixed_labels() -> None:
    found = assert_mermaid_matches(HOSTILE_FIXED, to_mermaid(HOSTILE_FIXED))
    assert found.nodes["a0_end"] == ("activity", 'Say "end" #1 | ok ] ; done')
    assert found.edges[1][2] == "2 flows"


@settings(max_examples=100, deadline=None)
@given(hostile_graphs())
def test_mermaid_of_hostile_labels(graph: ChainGraph) -> None:
    assert_mermaid_matches(graph, to_mermaid(graph))


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_mermaid_escapes_every_label(label: str) -> None:
    graph = one_label_graph(label)
    assert_mermaid_matches(graph, to_mermaid(graph))


def test_mermaid_of_an_activity_with_a_commented_out_heading(tmp_path: Path) -> None:
    vault = make_vault(
        tmp_path,
        A="# A\n## Outputs\n- Stuff for [[B]].\n",
        B="# %%draft%%\n## Inputs\n- Stuff from [[A]].\n",
    )
    graph = chain_graph(compile_vault([vault]).model)
    parse_mermaid(to_mermaid(graph))


# --- the real Mermaid parser, when there is one ---------------------------------------------


def mermaid_js() -> tuple[Path | None, str]:
    """mermaid.min.js from CHAINCARDS_MERMAID_JS or /tmp/mm, else why there is none."""
    configured = os.environ.get("CHAINCARDS_MERMAID_JS")
    if configured:
        if Path(configured).is_file():
            return Path(configured), ""
        return None, f"CHAINCARDS_MERMAID_JS={configured} is not a file"
    if MERMAID_JS_DEFAULT.is_file():
        return MERMAID_JS_DEFAULT, ""
    return None, (
        f"no {MERMAID_JS_DEFAULT}: set CHAINCARDS_MERMAID_JS to a mermaid.min.js "
        "or npm install mermaid in /tmp/mm"
    )


@pytest.fixture(scope="module")
def mermaid_parse() -> Iterator[Callable[[str], str | None]]:
    """`parse(text)`: None when Mermaid parses `text`, else its error message."""
    js, why = mermaid_js()
    if js is None:
        pytest.skip(why)
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.set_content("<html><body></body></html>")
            page.add_script_tag(content=js.read_text(encoding="utf-8"))

            def parse(text: str) -> str | None:
                return page.evaluate(
                    """async (text) => {
                        try { await mermaid.parse(text); return null; }
                        catch (e) { return String((e && e.message) || e); }
                    }""",
                    text,
                )

            yield parse
        finally:
            browser.close()


def test_real_mermaid_parses_our_output(
    mermaid_parse: Callable[[str], str | None], sample: Model
) -> None:
    texts = {name: to_mermaid(g) for name, g in sample_graphs(sample).items()}
    texts["hostile"] = to_mermaid(HOSTILE_FIXED)
    assert {name: mermaid_parse(text) for name, text in texts.items()} == dict.fromkeys(texts)


@settings(max_examples=60, deadline=None)
@given(hostile_graphs())
def test_real_mermaid_parses_hostile_labels(
    mermaid_parse: Callable[[str], str | None], graph: ChainGraph
) -> None:
    text = to_mermaid(graph)
    parse_mermaid(text)  # what the checker accepts, Mermaid accepts
    assert mermaid_parse(text) is None, text


@pytest.mark.parametrize(
    "broken",
    [
        'flowchart LR\n    a0("a "b" c")\n',
        'flowchart LR\n    end("x")\n',
        'flowchart LR\n    a0("x")\n    a0 -->|"y"|\n',
        'flowchart LR\n    a0("")\n',
        'flowchart LR\n    a0("`x")\n',
    ],
)
def test_real_mermaid_rejects_broken_text(
    mermaid_parse: Callable[[str], str | None], broken: str
) -> None:
    assert mermaid_parse(broken)
    with pytest.raises(ValueError):
        parse_mermaid(broken)  # the checker agrees


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_real_mermaid_parses_every_label(
    mermaid_parse: Callable[[str], str | None], label: str
) -> None:
    assert mermaid_parse(to_mermaid(one_label_graph(label))) is None


# --- DOT output -----------------------------------------------------------------------------


def test_dot_checker_rejects_broken_text() -> None:
    good = to_dot(HOSTILE_FIXED)
    parse_dot(good)
    for broken in (
        good.replace("];", "]", 1),  # a statement without its semicolon
        good[: good.rindex("}")],  # no closing brace
        good.replace('\\"', '"', 1),  # a quote not escaped
        good.replace("->", "--", 1),
        good.replace("a1_x -> a0_end", "a1_x -> zz"),
    ):
        with pytest.raises(ValueError):
            parse_dot(broken)


def test_dot_of_the_sample_vault(sample: Model) -> None:
    for graph in sample_graphs(sample).values():
        assert_dot_matches(graph, to_dot(graph))
    found = parse_dot(to_dot(chain_graph(sample, activity="Plan")))
    assert [k for k, attrs in found.nodes.items() if "penwidth" in attrs] == ["a0_plan"]
    marked = [(s, t) for s, t, attrs in found.edges if "penwidth" in attrs]
    assert marked and all("a0_plan" in pair for pair in marked)
    assert len(marked) == sum("a0_plan" in (s, t) for s, t, _ in found.edges)


def test_dot_string_with_quote_and_backslash_round_trips() -> None:
    label = 'He said "a\\b" \\"twice\\" \\'
    graph = ChainGraph(
        (GraphNode("a0", label, "activity"), GraphNode("a1", "end\\", "activity", True)),
        (GraphEdge("a0", "a1", (label, 'x"y')),),
        title='"quoted" \\ title',
    )
    found = assert_dot_matches(graph, to_dot(graph))
    assert found.nodes["a0"]["label"] == label
    assert found.nodes["a1"]["label"] == "end\\"
    assert found.edges[0][2]["tooltip"] == f'{label}; x"y'
    assert found.graph["label"] == '"quoted" \\ title'


@settings(max_examples=100, deadline=None)
@given(hostile_graphs())
def test_dot_of_hostile_labels(graph: ChainGraph) -> None:
    assert_dot_matches(graph, to_dot(graph))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_draws_our_dot(sample: Model) -> None:
    import xml.etree.ElementTree as ET

    for graph in [*sample_graphs(sample).values(), HOSTILE_FIXED]:
        done = subprocess.run(
            ["dot", "-Tsvg"], input=to_dot(graph), capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        ET.fromstring(done.stdout.encode())


# --- edge labels ----------------------------------------------------------------------------


def test_edge_label_is_the_artifact_or_a_count() -> None:
    assert GraphEdge("a", "b", ("Plans",)).label == "Plans"
    long = "Information and knowledge on new or changed products and services"
    assert GraphEdge("a", "b", (long,)).label == shorten(long)
    assert GraphEdge("a", "b", (long,)).label == "Information and knowledge…"
    assert GraphEdge("a", "b", ("x", "y")).label == "2 flows"
    assert GraphEdge("a", "b", ("x", "y", long)).label == "3 flows"


def test_shorten_examples() -> None:
    assert shorten("Plans") == "Plans"
    assert shorten("  Plans \n for\tall ") == "Plans for all"
    exact = "x" * LABEL_CHARS
    assert shorten(exact) == exact
    assert shorten("Strategic, tactical and operational plans") == "Strategic, tactical and…"
    assert shorten("y" * 40) == "y" * (LABEL_CHARS - 1) + "…"  # no space: a hard cut
    assert shorten("one two three four five six", 12) == "one two…"


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from(list("abcdefghij ,;:\n\t-")), max_size=80),
    st.integers(2, 60),
)
def test_shorten_cuts_on_a_word_boundary_within_the_limit(text: str, limit: int) -> None:
    result = shorten(text, limit)
    flat_text = flat(text)
    assert len(result) <= limit
    if len(flat_text) <= limit:
        assert result == flat_text
        return
    assert result.endswith("…")
    kept = result[:-1].rstrip()
    assert flat_text.startswith(kept)
    head = flat_text[: limit - 1].rstrip()
    if " " in head[limit // 2 :]:  # there was a word boundary in reach: no word is cut
        assert flat_text[len(kept)] in " ,;:", (text, result)


@pytest.mark.parametrize(
    "text", ["Exigences des contrats : accords et niveaux", "Plans and budgets , reviewed yearly"]
)
def test_shorten_puts_no_space_before_the_ellipsis(text: str) -> None:
    result = shorten(text, 28)
    assert result.endswith("…") and not result[:-1].endswith(" "), repr(result)


# --- chain_graph on a small vault -----------------------------------------------------------


SMALL = {
    # Plan → Build stated only by Plan (an output), Source → Build stated only by Build (an
    # input), Build → Plan by both with two artifacts; customers and suppliers are parties.
    "Plan": (
        "---\ncards-deck: Chain\naliases: [Planning]\n---\n# Plan\n"
        "## Inputs\n- Feedback provided by [[Build]].\n- Complaints from customers.\n"
        "## Outputs\n- Widgets for [[Build]].\n- Reports for customers.\n"
    ),
    "Build": (
        "---\ncards-deck: Chain\n---\n# Build\n"
        "## Inputs\n- Gadgets provided by [[Source]].\n- Money from suppliers.\n"
        "## Outputs\n- Feedback for [[Plan]].\n- Reviews for [[Plan]].\n"
    ),
    "Source": "---\ncards-deck: Chain\n---\n# Source\n## Outputs\n- Stock for suppliers.\n",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Model:
    vault = make_vault(tmp_path_factory.mktemp("small"), **SMALL)
    return compile_vault([vault]).model


def by_label(graph: ChainGraph) -> dict[str, str]:
    return {n.label: n.key for n in graph.nodes}


def edge_map(graph: ChainGraph) -> dict[tuple[str, str], GraphEdge]:
    names = {n.key: n.label for n in graph.nodes}
    return {(names[e.source], names[e.target]): e for e in graph.edges}


def test_edges_run_from_source_to_target(small: Model) -> None:
    graph = chain_graph(small)
    assert sorted((n.label, n.kind) for n in graph.nodes) == [
        ("Build", "activity"),
        ("Plan", "activity"),
        ("Source", "activity"),
    ]
    edges = edge_map(graph)
    assert set(edges) == {("Plan", "Build"), ("Source", "Build"), ("Build", "Plan")}
    assert edges["Plan", "Build"].artifacts == ("Widgets",)  # only Plan's output `for [[Build]]`
    assert edges["Source", "Build"].artifacts == ("Gadgets",)  # only Build's input `provided by`
    assert edges["Build", "Plan"].artifacts == ("Feedback", "Reviews")  # said by both, merged
    assert edges["Build", "Plan"].label == "2 flows"
    assert not any(n.highlighted for n in graph.nodes)
    assert not any(e.highlighted for e in graph.edges)


def test_parties_add_nodes_and_edges_in_the_right_direction(small: Model) -> None:
    graph = chain_graph(small, parties=True)
    kinds = {n.label: n.kind for n in graph.nodes}
    assert kinds == {
        "Build": "activity",
        "Plan": "activity",
        "Source": "activity",
        "customers": "party",
        "suppliers": "party",
    }
    edges = edge_map(graph)
    assert edges["customers", "Plan"].artifacts == ("Complaints",)  # input: party → activity
    assert edges["Plan", "customers"].artifacts == ("Reports",)  # output: activity → party
    assert edges["suppliers", "Build"].artifacts == ("Money",)
    assert edges["Source", "suppliers"].artifacts == ("Stock",)
    assert set(edges) - set(edge_map(chain_graph(small))) == {
        ("customers", "Plan"),
        ("Plan", "customers"),
        ("suppliers", "Build"),
        ("Source", "suppliers"),
    }
    assert len({n.key for n in graph.nodes}) == len(graph.nodes)
    assert_mermaid_matches(graph, to_mermaid(graph))
    assert_dot_matches(graph, to_dot(graph))


@pytest.mark.parametrize("name", ["Build", "build", "BUILD"])
def test_activity_highlights_it_and_exactly_its_edges(small: Model, name: str) -> None:
    graph = chain_graph(small, parties=True, activity=name)
    key = by_label(graph)["Build"]
    assert [n.label for n in graph.nodes if n.highlighted] == ["Build"]
    for edge in graph.edges:
        assert edge.highlighted is (key in (edge.source, edge.target)), edge
    assert sum(e.highlighted for e in graph.edges) == 4  # from Plan, Source, suppliers; to Plan
    assert_mermaid_matches(graph, to_mermaid(graph))
    assert_dot_matches(graph, to_dot(graph))


def test_activity_by_alias(small: Model) -> None:
    graph = chain_graph(small, activity="planning")
    keys = by_label(graph)
    assert [n.label for n in graph.nodes if n.highlighted] == ["Plan"]
    assert {(e.source, e.target) for e in graph.edges if e.highlighted} == {
        (keys["Plan"], keys["Build"]),
        (keys["Build"], keys["Plan"]),
    }


def test_flow_highlights_one_edge_and_its_ends(small: Model) -> None:
    graph = chain_graph(small, parties=True, flow=("Build", "plan"))
    keys = by_label(graph)
    assert sorted(n.label for n in graph.nodes if n.highlighted) == ["Build", "Plan"]
    marked = [e for e in graph.edges if e.highlighted]
    assert [(e.source, e.target) for e in marked] == [(keys["Build"], keys["Plan"])]  # one way
    text = assert_mermaid_matches(graph, to_mermaid(graph))
    assert set(text.link_styles) == {graph.edges.index(marked[0])}
    assert_dot_matches(graph, to_dot(graph))


@pytest.mark.parametrize(
    "options",
    [
        {"activity": "Nope"},
        {"flow": ("Plan", "Nope")},
        {"flow": ("Nope", "Build")},
        {"activity": ""},
    ],
)
def test_unknown_names_highlight_nothing(small: Model, options: dict) -> None:
    graph = chain_graph(small, parties=True, **options)
    assert not any(n.highlighted for n in graph.nodes)
    assert not any(e.highlighted for e in graph.edges)
    found = parse_mermaid(to_mermaid(graph))
    assert "highlight" not in found.classes and not found.link_styles
    assert not any("penwidth" in a for a in parse_dot(to_dot(graph)).nodes.values())
