"""Packages and manifests pinned byte for byte: how builds are organised (the store, the model
view, how packages are made) may change, what they write may not. The hashes were taken from a
build of the same notes by the code before the build store's redesign (commit 29ddd50); a
change to the cards themselves updates them on purpose, with the reason in its commit.

Every file's time is fixed, so the notes' times (which date the cards) are the same on every
machine. Each vault is built with and without the build store, and once more from the store
after a rebuild that changed nothing."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.cli import app

REPO = Path(__file__).resolve().parents[2]
FIXED = 1_700_000_000

SAMPLE_PINS = {
    "ITIL 4 Foundation.apkg": "08a74202d071d027",  # issue 20: field and template ids
    # Issue 20: a card's manifest hash covers the picture it shows (one entry changed);
    # manifest format 4 keeps what each cloze hides (`asks`) and its cards (`ords`).
    "ITIL 4 Foundation.chaincards.json": "14d5c3a2bb160725",
}
BENCH_60_PINS = {
    "Course 1 - Service Operations.apkg": "08a7cd97d224dd42",  # notetype ids
    "Course 1 - Service Operations.chaincards.json": "5e7f97371a7e456a",  # format 4
    "Course 2 - Business of IT.apkg": "fb8e9c8f1ba6844e",  # notetype ids
    "Course 2 - Business of IT.chaincards.json": "a838845db1fa7280",  # format 4
}


def _bench_vault(folder: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_vault", REPO / "bench" / "generate_vault.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_vault", module)
    spec.loader.exec_module(module)
    module.generate(folder, 60, 0)


def _hashes(out: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in out.iterdir()}


@pytest.mark.parametrize("which", ["sample", "bench-60"])
def test_packages_keep_the_bytes_they_had_before_the_redesign(tmp_path: Path, which: str) -> None:
    vault = tmp_path / "vault"
    if which == "sample":
        shutil.copytree(REPO / "notes", vault)
        pins = SAMPLE_PINS
    else:
        _bench_vault(vault)
        pins = BENCH_60_PINS
    for path in vault.rglob("*"):
        os.utime(path, (FIXED, FIXED))
    runner = CliRunner()
    for out, flags in (
        (tmp_path / "plain", ["--no-cache"]),
        (tmp_path / "stored", ["--cache-dir", str(tmp_path / "cache")]),
        (tmp_path / "stored", ["--cache-dir", str(tmp_path / "cache")]),  # from the store
    ):
        result = runner.invoke(app, ["build", str(vault), "-o", str(out), "-q", *flags])
        assert result.exit_code == 0, result.output
        assert _hashes(out) == pins
