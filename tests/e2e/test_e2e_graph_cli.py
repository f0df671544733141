"""End to end: `chaincards graph`, the chain as Mermaid (default, on stdout), DOT or SVG.

Usage errors exit 2 with one `Error: …` line on stderr and write nothing; a file is written
whole or not at all; the same notes give the same bytes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import chaincards.files
from chaincards.cli import app
from vaults import make_vault

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "notes"
SRC = ROOT / "src"
SVG = "{http://www.w3.org/2000/svg}"
SAMPLE_ACTIVITIES = [
    "Plan",
    "Improve",
    "Engage",
    "Design and transition",
    "Obtain or build",
    "Deliver and support",
]
DIAGNOSTIC = re.compile(r"^[^\s:][^:]*:\d+: (error|warning): \S.*$")
MERMAID_NODE = re.compile(r'^ {4}(\w+)\((\[)?"([^"]*)"\]?\)$', re.M)

SMALL = {
    "Plan": (
        "---\ncards-deck: Chain\naliases: [Planning]\n---\n# Plan\n"
        "## Inputs\n- Feedback provided by [[Build]].\n- Complaints from customers.\n"
        "## Outputs\n- Widgets for [[Build]].\n"
    ),
    "Build": (
        "---\ncards-deck: Chain\n---\n# Build\n"
        "## Inputs\n- Money from suppliers.\n## Outputs\n- Feedback for [[Plan]].\n"
    ),
}


def invoke(*args: str, columns: int = 120) -> Any:
    result = CliRunner().invoke(
        app, ["graph", *args], env={"NO_COLOR": "1", "COLUMNS": str(columns)}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def ok(*args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    return result


def usage_error(*args: str, columns: int = 120) -> str:
    """The one `Error: …` line of a command that must fail with exit 2 and print nothing."""
    result = invoke(*args, columns=columns)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if not DIAGNOSTIC.match(line)]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def mermaid_nodes(text: str) -> dict[str, tuple[str, str]]:
    """key → (kind, label) of the node lines of a Mermaid text."""
    return {
        key: ("party" if bracket else "activity", label)
        for key, bracket, label in MERMAID_NODE.findall(text)
    }


def mermaid_highlighted(text: str) -> set[str]:
    """Labels of the nodes in the `highlight` class."""
    nodes = mermaid_nodes(text)
    found = re.findall(r"^ {4}class ([\w,]+) highlight$", text, re.M)
    return {nodes[key][1] for keys in found for key in keys.split(",")}


def svg_nodes(svg: str) -> dict[str, set[str]]:
    """Node label → its classes, from the `<title>` of each `cc-node` group."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    found = {}
    for group in root.iter(f"{SVG}g"):
        classes = set((group.get("class") or "").split())
        if "cc-node" in classes:
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            found[title.text] = classes
    return found


def leftovers(folder: Path, *expected: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in expected)


# --- formats and where they go --------------------------------------------------------------


def test_default_is_mermaid_on_stdout() -> None:
    result = ok(str(NOTES))
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    assert lines[1] == "    %% notes"  # the vault's name as the title
    nodes = mermaid_nodes(result.stdout)
    assert [label for _, label in nodes.values()] == SAMPLE_ACTIVITIES
    edges = re.findall(r'^ {4}(\w+) -->\|"[^"]+"\| (\w+)$', result.stdout, re.M)
    assert len(edges) >= 20 and all(s in nodes and t in nodes for s, t in edges)
    assert mermaid_highlighted(result.stdout) == set()


def test_svg_by_suffix(tmp_path: Path) -> None:
    out = tmp_path / "chain.svg"
    result = ok(str(NOTES), "-o", str(out))
    assert result.stdout == "" and result.stderr == ""
    nodes = svg_nodes(out.read_text(encoding="utf-8"))
    assert sorted(nodes) == sorted(SAMPLE_ACTIVITIES)
    assert all("cc-activity" in classes and "cc-hl" not in classes for classes in nodes.values())


@pytest.mark.parametrize("suffix", [".dot", ".gv", ".DOT"])
def test_dot_by_suffix(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"chain{suffix}"
    assert ok(str(NOTES), "-o", str(out)).stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph chain {\n") and text.endswith("}\n")
    for name in SAMPLE_ACTIVITIES:
        assert f'[label="{name}"' in text


@pytest.mark.parametrize("suffix", [".mmd", ".mermaid"])
def test_mermaid_by_suffix(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"chain{suffix}"
    ok(str(NOTES), "-o", str(out))
    assert out.read_text(encoding="utf-8") == ok(str(NOTES)).stdout


def test_format_overrides_any_suffix(tmp_path: Path) -> None:
    out = tmp_path / "chain.txt"
    ok(str(NOTES), "--format", "svg", "-o", str(out))
    assert sorted(svg_nodes(out.read_text(encoding="utf-8"))) == sorted(SAMPLE_ACTIVITIES)
    ok(str(NOTES), "-f", "dot", "-o", str(tmp_path / "chain.svg"))
    assert (tmp_path / "chain.svg").read_text(encoding="utf-8").startswith("digraph chain {")
    assert ok(str(NOTES), "-f", "svg").stdout.startswith("<svg ")


def test_unknown_suffix_without_format_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "chain.txt"
    line = usage_error(str(NOTES), "-o", str(out))
    assert "--format" in line and str(out) in line
    assert not out.exists() and leftovers(tmp_path) == []


def test_unknown_format_is_a_usage_error() -> None:
    result = invoke(str(NOTES), "--format", "png")
    assert result.exit_code == 2 and result.stdout == ""


# --- what is drawn --------------------------------------------------------------------------


def test_unknown_activity_names_the_known_ones() -> None:
    line = usage_error(str(NOTES), "--activity", "Nope", columns=40)  # one line however narrow
    assert "'Nope'" in line
    for name in SAMPLE_ACTIVITIES:
        assert name in line


@pytest.mark.parametrize("name", ["Plan", "plan", "PLAN", "the plan"])
def test_activity_is_highlighted_whatever_its_case(name: str) -> None:
    text = ok(str(NOTES), "--activity", name).stdout
    assert mermaid_highlighted(text) == {"Plan"}
    [link_style] = re.findall(r"^ {4}linkStyle ([\d,]+) ", text, re.M)
    edges = re.findall(r'^ {4}(\w+) -->\|"[^"]+"\| (\w+)$', text, re.M)
    plan = next(k for k, (_, label) in mermaid_nodes(text).items() if label == "Plan")
    expected = [i for i, pair in enumerate(edges) if plan in pair]
    assert [int(i) for i in link_style.split(",")] == expected


def test_activity_by_alias_in_svg(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, **SMALL)
    svg = ok(str(vault), "--activity", "planning", "-f", "svg").stdout
    nodes = svg_nodes(svg)
    assert {label for label, classes in nodes.items() if "cc-hl" in classes} == {"Plan"}
    assert "cc-dim" not in nodes["Plan"]


def test_parties_adds_the_outside_parties(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, **SMALL)
    without = mermaid_nodes(ok(str(vault)).stdout)
    assert sorted(without.values()) == [("activity", "Build"), ("activity", "Plan")]
    text = ok(str(vault), "--parties").stdout
    nodes = mermaid_nodes(text)
    assert sorted(nodes.values()) == [
        ("activity", "Build"),
        ("activity", "Plan"),
        ("party", "customers"),
        ("party", "suppliers"),
    ]
    keys = {label: key for key, (_, label) in nodes.items()}
    edges = re.findall(r'^ {4}(\w+) -->\|"([^"]+)"\| (\w+)$', text, re.M)
    assert (keys["customers"], "Complaints", keys["Plan"]) in edges
    assert (keys["suppliers"], "Money", keys["Build"]) in edges
    [parties] = re.findall(r"^ {4}class ([\w,]+) party$", text, re.M)
    assert set(parties.split(",")) == {keys["customers"], keys["suppliers"]}
    svg = svg_nodes(ok(str(vault), "--parties", "-f", "svg").stdout)
    assert "cc-party" in svg["customers"] and "cc-activity" in svg["Plan"]


def test_a_vault_without_activities_is_a_usage_error(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, Note="---\ncards-deck: X\n---\n# Just a note\n\nSome text.\n")
    assert "no activities" in usage_error(str(vault))
    out = tmp_path / "chain.svg"
    usage_error(str(vault), "-o", str(out))
    assert not out.exists()


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert str(tmp_path / "nowhere") in usage_error(str(tmp_path / "nowhere"))


def test_bad_yaml_in_one_note_still_draws_the_rest(tmp_path: Path) -> None:
    vault = make_vault(
        tmp_path,
        **SMALL,
        Broken="---\ncards-deck: [unclosed\n---\n# Broken\n## Outputs\n- Parts for [[Plan]].\n",
    )
    result = ok(str(vault))
    assert result.stdout.startswith("flowchart LR\n")
    assert {"Plan", "Build"} <= {label for _, label in mermaid_nodes(result.stdout).values()}
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and DIAGNOSTIC.match(lines[0]), result.stderr
    assert lines[0].startswith("Broken.md:3: error: frontmatter is not valid YAML")


# --- writing the file -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--format", "svg")])
def test_out_pointing_at_a_folder_is_a_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    usage_error(str(NOTES), *args, "-o", str(folder))
    assert list(folder.iterdir()) == []
    named_like_a_file = tmp_path / "chain.svg"
    named_like_a_file.mkdir()
    assert "folder" in usage_error(str(NOTES), *args, "-o", str(named_like_a_file))
    assert list(named_like_a_file.iterdir()) == []


def test_out_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    assert "cannot write" in usage_error(str(NOTES), "-o", str(tmp_path / "plain" / "c.svg"))
    assert leftovers(tmp_path, "plain") == []


def test_out_creates_missing_folders(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "chain.mmd"
    ok(str(NOTES), "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("flowchart LR\n")


def test_an_existing_file_is_replaced_and_no_temp_file_is_left(tmp_path: Path) -> None:
    out = tmp_path / "chain.svg"
    out.write_text("old picture, much longer than it needs to be " * 5000, encoding="utf-8")
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    ok(str(NOTES), "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert "old picture" not in text and text.startswith("<svg ") and text.endswith("</svg>\n")
    ET.fromstring(text)
    assert leftovers(tmp_path, "chain.svg", "keep.txt") == []
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "chain.dot"
    out.write_text("old", encoding="utf-8")

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(chaincards.files.os, "replace", refuse)
    assert "cannot write: Permission denied" in usage_error(str(NOTES), "-o", str(out))
    assert out.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path, "chain.dot") == []


def test_written_file_has_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    out = tmp_path / "chain.svg"
    ok(str(NOTES), "-o", str(out))
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    out.chmod(0o640)
    ok(str(NOTES), "-o", str(out), "--parties")
    assert out.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode


@pytest.mark.parametrize("suffix", [".svg", ".dot", ".mmd"])
def test_same_notes_give_the_same_bytes(tmp_path: Path, suffix: str) -> None:
    first, second = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    ok(str(NOTES), "--parties", "--activity", "Engage", "-o", str(first))
    ok(str(NOTES), "--parties", "--activity", "Engage", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_size > 500


def test_same_notes_elsewhere_give_the_same_bytes(tmp_path: Path) -> None:
    one = make_vault(tmp_path / "one", **SMALL)
    two = make_vault(tmp_path / "two", **dict(reversed(SMALL.items())))
    for fmt in ("svg", "dot", "mermaid"):
        assert ok(str(one), "-f", fmt).stdout == ok(str(two), "-f", fmt).stdout, fmt


# --- the real console path ------------------------------------------------------------------


def test_python_dash_m_chaincards_graph(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "chaincards", "graph", "notes", "--format", "svg"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert sorted(svg_nodes(done.stdout)) == sorted(SAMPLE_ACTIVITIES)
    bad = subprocess.run(
        [sys.executable, "-m", "chaincards", "graph", "notes", "-o", str(tmp_path / "x.txt")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1, bad.stderr
