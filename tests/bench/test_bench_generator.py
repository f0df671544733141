"""The benchmark's vault generator: the same vault from the same seed, and a vault that builds."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.cli import app
from chaincards.pipeline import compile_vault

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_vault", BENCH / "generate_vault.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_vault", module)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_same_vault_other_seed_other_vault(tmp_path: Path) -> None:
    first = _snapshot(_generated(tmp_path / "one", 20, 5))
    again = _snapshot(_generated(tmp_path / "two", 20, 5))
    other = _snapshot(_generated(tmp_path / "three", 20, 6))
    assert first == again
    assert first != other
    assert len(first) == 20
    assert all(mtime == gen.FIXED_MTIME * 10**9 for _, mtime in first.values())
    assert all(text.isascii() for text, _ in first.values())


def _generated(root: Path, notes: int, seed: int) -> Path:
    paths = gen.generate(root, notes, seed)
    assert len(paths) == notes
    return root


def test_activity_names_are_unique_past_the_word_lists() -> None:
    size = len(gen.VERBS) * len(gen.QUALIFIERS) * len(gen.OBJECTS)
    names = [name for name, _, _ in gen.activity_names(size + 50, random.Random(1))]
    assert len(set(names)) == len(names) == size + 50


def test_generator_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.md").write_text("mine\n")
    with pytest.raises(ValueError, match="not empty"):
        gen.generate(tmp_path, 3, 0)


def test_tiny_vault_builds_and_the_model_finds_every_activity(tmp_path: Path) -> None:
    vault = _generated(tmp_path / "vault", 20, 0)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.apkg")) == [
        "Course 1 - Service Operations.apkg",
        "Course 2 - Business of IT.apkg",
    ]

    compilation = compile_vault([vault])
    titles = {path.stem for path in vault.rglob("*.md")}
    assert {activity.name for activity in compilation.model.activities} == titles
    assert not [d for d in compilation.diagnostics if d.severity.value == "error"]
    kinds = {card.kind for card in compilation.cards}
    assert {"callout", "inline", "tag", "purpose", "flows"} <= kinds
    assert {card.shape for card in compilation.cards} == {"basic", "reverse", "cloze"}


def test_course_names_are_single_lines_without_padding() -> None:
    # Past 2,500 notes the courses use every subject: a line break in one made a folder
    # (and a deck) named "Course 5 - \n    Quality Systems".
    assert all(s == s.strip() and "\n" not in s for s in gen.SUBJECTS)
