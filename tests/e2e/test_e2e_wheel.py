"""Installed like a tool (issue 21): the package built as a wheel and installed into a fresh
virtual environment gives a `chaincards` command that builds the sample vault and previews it,
with every asset (the cards' CSS, the preview's CSS and JS) inside the wheel.

The fresh environment gets only the wheel; its dependencies are lent from the test environment
through a path file (no network, and not the editable install: path files of a lent folder are
not run)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_PIP = (sys.executable, "-m", "pip")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [*_PIP, "wheel", "--no-deps", "--no-build-isolation", "-q", str(REPO), "-w", str(dist)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = dist.glob("chaincards-*.whl")
    return built


def test_the_wheel_holds_every_asset_and_the_metadata(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ("anki/style.css", "preview/assets/preview.css", "preview/assets/preview.js"):
        assert f"chaincards/{asset}" in names
    assert "chaincards/py.typed" in names
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    text = zipfile.ZipFile(wheel).read(metadata).decode("utf-8")
    assert "Requires-Python: >=3.11" in text
    assert "License-Expression: MIT" in text
    assert "Classifier: Topic :: Education" in text
    assert "Project-URL: Issues," in text
    assert "## Two commands" in text  # the README is the long description


def test_the_installed_command_builds_and_previews_the_sample_vault(
    wheel: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    subprocess.run(
        [*_PIP, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lent = sysconfig.get_paths()["purelib"]
    Path(fresh_site, "lent-dependencies.pth").write_text(lent + "\n", encoding="utf-8")
    env = {
        "PATH": f"{fresh / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )

    where = run("python", "-c", "import chaincards; print(chaincards.__file__)")
    assert where.stdout.strip().startswith(str(fresh)), where
    version = run("chaincards", "--version")
    assert version.returncode == 0 and version.stdout.startswith("chaincards 0."), version
    notes = tmp_path / "notes"
    subprocess.run(["cp", "-r", str(REPO / "notes"), str(notes)], check=True)
    built = run("chaincards", "build", "notes", "-o", "decks", "-q")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "decks" / "ITIL 4 Foundation.apkg").is_file()
    preview = run("chaincards", "preview", "notes", "-o", "site", "-q")
    assert preview.returncode == 0, preview.stderr
    css = list((tmp_path / "site").rglob("*.css"))
    assert css and all(path.stat().st_size > 0 for path in css)
