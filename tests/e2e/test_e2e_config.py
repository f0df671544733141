"""Config files, flags over files, `chaincards config`, and the shell-facing switches
(--quiet, --verbose, NO_COLOR)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"
NOTE = (
    "---\ncards-deck: {deck}\n---\n# T\n>[!info] card\n>What is {name}?\n>---\n"
    ">A step of the course\n"
)


def make_vault(root: Path) -> Path:
    vault = root / "course" / "vault"
    (vault / "Templates").mkdir(parents=True)
    (vault / "Plan.md").write_text(NOTE.format(deck="Course::Plan", name="plan"), "utf-8")
    (vault / "Templates" / "Card.md").write_text(NOTE.format(deck="Junk", name="x"), "utf-8")
    return vault


def config_json(vault: Path, *flags: str) -> dict[str, dict[str, object]]:
    result = CliRunner().invoke(app, ["config", str(vault), "--json", *flags])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    report = config_json(vault)
    assert report["file"] is None
    assert report["settings"]["out"] == {"value": "decks", "source": "default"}
    assert report["settings"]["strict"] == {"value": False, "source": "default"}


def test_file_at_the_vault_root_and_flags_over_it(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    toml = vault.parent / "chaincards.toml"
    toml.write_text(
        'out = "published"\nexclude = ["Templates/*"]\ncards = ["written"]\nstrict = true\n',
        encoding="utf-8",
    )
    settings = config_json(vault)["settings"]
    assert settings["out"] == {"value": str(vault.parent / "published"), "source": str(toml)}
    assert settings["exclude"]["value"] == ["Templates/*"]
    overridden = config_json(vault, "--out", "elsewhere", "--no-strict")["settings"]
    assert overridden["out"] == {"value": "elsewhere", "source": "--out"}
    assert overridden["strict"] == {"value": False, "source": "--strict"}
    assert overridden["cards"]["source"] == str(toml)

    result = CliRunner().invoke(app, ["build", str(vault), "--json"])
    assert result.exit_code == 0, result.output
    (package,) = json.loads(result.stdout)["packages"]
    assert package["path"] == str(vault.parent / "published" / "Course.apkg")
    assert list(package["decks"]) == ["Course::Plan"]  # Templates/ left out


def test_pyproject_table_found_upward_and_chaincards_toml_wins(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.chaincards]\ndefault-deck = "Fallback::Deck"\n',
        encoding="utf-8",
    )
    (vault.parent / "pyproject.toml").write_text('[project]\nname = "no table"\n', "utf-8")
    settings = config_json(vault)["settings"]
    assert settings["default-deck"] == {
        "value": "Fallback::Deck",
        "source": str(tmp_path / "pyproject.toml"),
    }
    (tmp_path / "chaincards.toml").write_text('default-deck = "Own"\n', encoding="utf-8")
    assert config_json(vault)["settings"]["default-deck"]["value"] == "Own"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('out = "decks"\nstrict = maybe\n', "chaincards.toml:2: invalid TOML"),
        ('out = "decks"\n\ncolour = true\n', "chaincards.toml:3: unknown setting 'colour'"),
        ('cards = ["flows", "jokes"]\n', "chaincards.toml:1: unknown kind jokes"),
        ("strict = 1\n", "chaincards.toml:1: strict must be true or false"),
        ('default-deck = "A::::B"\n', "chaincards.toml:1: default-deck"),
        ('single = "sub/all.apkg"\n', "chaincards.toml:1: single takes a file name"),
    ],
)
def test_bad_config_is_a_one_line_usage_error(tmp_path: Path, text: str, message: str) -> None:
    vault = make_vault(tmp_path)
    (vault.parent / "chaincards.toml").write_text(text, encoding="utf-8")
    for command in ("build", "config", "check"):
        result = CliRunner().invoke(app, [command, str(vault)])
        assert result.exit_code == 2, (command, result.output)
        assert message in result.output and len(result.output.strip().splitlines()) == 1


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chaincards", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120", **env},
        capture_output=True,
        text=True,
    )


def test_config_command_as_a_table(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    (vault.parent / "chaincards.toml").write_text("strict = true\n", encoding="utf-8")
    done = run(["config", str(vault)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "strict" in done.stdout and "chaincards.toml" in done.stdout


def test_quiet_verbose_and_no_color(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    quiet = run(["build", str(vault), "-o", "out", "-q"], tmp_path)
    assert (quiet.returncode, quiet.stderr, quiet.stdout) == (0, "", "")
    verbose = run(["build", str(vault), "-o", "out", "-v"], tmp_path)
    assert verbose.returncode == 0
    assert "config: none found" in verbose.stderr
    assert "none changed, the last build stands" in verbose.stderr
    assert "time: " in verbose.stderr
    both = run(["build", str(vault), "-q", "-v"], tmp_path)
    assert both.returncode == 2 and "cannot be used together" in both.stderr

    (vault / "Empty.md").write_text(">[!info] card\n", encoding="utf-8")  # one warning
    coloured = run(["build", str(vault), "-o", "out"], tmp_path, FORCE_COLOR="1")
    assert colours(coloured.stderr)
    plain = run(["build", str(vault), "-o", "out"], tmp_path, FORCE_COLOR="1", NO_COLOR="1")
    assert not colours(plain.stderr) and "Empty.md:1: warning: empty card callout" in plain.stderr


def colours(text: str) -> set[int]:
    """Colour codes in the text's SGR sequences (NO_COLOR allows bold and italic)."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        codes = [int(p) for p in params.split(";") if p]
        found |= {c for c in codes if 30 <= c <= 49 or 90 <= c <= 107}
    return found
