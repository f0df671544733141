"""Builds that must not step on each other or lose state: two builds of one vault into one output
folder at once (the second waits; before the lock, 3 in 12 failed with "cannot write"), and a
manifest that cannot be written (an error, never silently lost)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from chaincards.locks import lock_file, one_build_at_a_time

REPO = Path(__file__).resolve().parents[2]


def _digests(folder: Path) -> dict[str, object]:
    """Each package's bytes, and each manifest's notes (its `inputs` digest is the cache's)."""
    found: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".apkg":
            found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.suffix == ".json":
            found[path.name] = json.loads(path.read_text("utf-8"))["notes"]
    return found


def test_concurrent_builds_wait_their_turn_and_agree(tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    shutil.copytree(REPO / "notes", vault, ignore=shutil.ignore_patterns(".*"))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": "1700000000"}
    out = tmp_path / "decks"
    command = [sys.executable, "-m", "chaincards", "build", str(vault), "--out", str(out)]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    results = [(run.wait(timeout=300), run.stderr.read().decode()) for run in runs]  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0] * 6, [err for _, err in results]
    assert not any("cannot write" in err for _, err in results)
    # Started together, they queue: the ones that found the lock taken said so.
    assert any("waiting for another build writing to" in err for _, err in results)
    together = _digests(out)
    alone = tmp_path / "alone"
    subprocess.run([*command[:-1], str(alone), "--no-cache"], env=env, check=True, timeout=300)
    assert together == _digests(alone)


def test_a_held_lock_makes_the_next_build_wait(tmp_path: Path) -> None:
    out = tmp_path / "decks"
    told: list[str] = []
    with one_build_at_a_time(out):
        # Another process holds it: a second holder in this process would share the lock, so a
        # child process asks instead, with a zero timeout on a non-blocking attempt.
        code = (
            "import fcntl, os, sys; h = os.open(sys.argv[1], os.O_RDWR);"
            "fcntl.flock(h, fcntl.LOCK_EX | fcntl.LOCK_NB)"
        )
        probe = subprocess.run([sys.executable, "-c", code, str(lock_file(out))], check=False)
        assert probe.returncode != 0  # held
    with one_build_at_a_time(out, lambda: told.append("waiting")):
        pass
    assert told == []  # free again: nobody waits


def test_a_manifest_that_cannot_be_used_fails_the_build(tmp_path: Path) -> None:
    """Manifests keep the GUIDs: losing one silently would make the next reworded card new.
    (A manifest that cannot be written: `test_e2e_manifest_state`.)"""
    vault = tmp_path / "notes"
    shutil.copytree(REPO / "notes", vault, ignore=shutil.ignore_patterns(".*"))
    out = tmp_path / "decks"
    (out / "ITIL 4 Foundation.chaincards.json").mkdir(parents=True)  # in the way
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "chaincards", "build", str(vault), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "this manifest cannot be read (Is a directory)" in done.stderr
    assert not (out / "ITIL 4 Foundation.apkg").exists()  # nothing written
