"""Note times from git: two fresh clones give the same packages, and a committed edit still
updates the learner's card in place."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ankitools import (
    card_interval,
    fresh_collection,
    import_package,
    learner_cards,
    set_review_interval,
)
from chaincards.cli import app
from chaincards.source.git_times import _changed, _last_commit_times, committed_times

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NOTE = (
    "---\ncards-deck: Course::Git\n---\n# Plan\n"
    ">[!info] card\n>What does Plan make?\n>---\n>{back}\n"
)
T1, T2 = 1_700_000_000, 1_700_086_400


def git(folder: Path, *args: str, when: int | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
    done = subprocess.run(
        ["git", "-C", str(folder), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def make_repo(root: Path) -> Path:
    repo = root / "origin"
    (repo / "vault").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "vault" / "Plan.md").write_text(NOTE.format(back="Plans."), encoding="utf-8")
    (repo / "vault" / "Other.md").write_text("# Other\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first", when=T1)
    return repo


def clone(repo: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(repo), str(target)], check=True)
    return target


def build(vault: Path, out: Path) -> dict[str, str]:
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(out), "-q", "--no-cache"])
    assert result.exit_code == 0, result.output
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.apkg")}


def test_two_fresh_clones_built_apart_give_identical_packages(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    first = build(clone(repo, tmp_path / "a") / "vault", tmp_path / "out-a")
    time.sleep(1.1)  # the second clone's files get a later mtime
    second = build(clone(repo, tmp_path / "b") / "vault", tmp_path / "out-b")
    assert first == second and first


def test_times_are_last_commit_times_except_for_changed_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    vault = repo / "vault"
    (vault / "Other.md").write_text("# Other\n\nmore\n", encoding="utf-8")
    (vault / "Plan.md").write_text(NOTE.format(back="Plans well."), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second", when=T2)
    (vault / "Other.md").write_text("# Other\n\nuncommitted\n", encoding="utf-8")
    (vault / "New.md").write_text("# New\n", encoding="utf-8")
    assert committed_times(vault) == {"Plan.md": T2}
    assert committed_times(tmp_path) == {}  # not a work tree: file times are used


def test_a_committed_edit_updates_in_place_and_keeps_the_review(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    work = clone(repo, tmp_path / "work")
    build(work / "vault", tmp_path / "out")
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, tmp_path / "out" / "Course.apkg")
        (studied,) = learner_cards(col)
        assert studied["note_mod"] == T1
        set_review_interval(col, studied["card_id"], 12)

        (repo / "vault" / "Plan.md").write_text(NOTE.format(back="Plans well."), encoding="utf-8")
        git(repo, "commit", "-q", "-am", "edit", when=T2)
        git(work, "pull", "-q", "--ff-only")
        build(work / "vault", tmp_path / "out")
        new, updated, _ = import_package(col, tmp_path / "out" / "Course.apkg")
        assert (new, updated) == (0, 1)
        (now,) = learner_cards(col)
        assert now["card_id"] == studied["card_id"] and "Plans well." in now["answer"]
        assert now["note_mod"] == T2
        assert card_interval(col, now["card_id"]) == 12


def test_log_and_status_parsing() -> None:
    log = "\x01200\0\nb.md\0a b.md\0\x01100\0\nb.md\0c.md\0"
    assert _last_commit_times(log) == {"b.md": 200, "a b.md": 200, "c.md": 100}
    status = " M a.md\0R  new.md\0old.md\0?? n.md\0"
    assert _changed(status) == {"a.md", "new.md", "n.md"}
