"""`chaincards build --watch`: a save triggers one rebuild, a half-saved note does not stop it."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

SRC = Path(__file__).resolve().parents[2] / "src"
NOTE = "---\ncards-deck: Course::Watch\n---\n# Plan\n>[!info] card\n>What is {x}?\n>---\n>{x}\n"


def lines_of(stream: IO[str]) -> queue.Queue[str]:
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            found.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return found


def next_line(lines: queue.Queue[str], contains: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if contains in line:
            return line
    raise AssertionError(f"no line with {contains!r} within {timeout} s")


def test_each_save_rebuilds_once_and_a_broken_save_is_only_reported(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "Plan.md"
    note.write_text(NOTE.format(x="planning"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "chaincards", "build", "vault", "-o", "out", "--watch", "--json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    out, err = lines_of(process.stdout), lines_of(process.stderr)
    try:
        first = json.loads(next_line(out, '"exit_code"'))
        assert first["packages"][0]["changes"]["new"] == 1
        next_line(err, "watching")
        time.sleep(1)  # the watcher starts just after it says so

        note.write_text(NOTE.format(x="planning well"), encoding="utf-8")
        second = json.loads(next_line(out, '"exit_code"'))
        assert second["exit_code"] == 0
        assert second["packages"][0]["changes"]["changed"] == 1

        note.write_text("---\ncards-deck: [Course\n---\n# Pl", encoding="utf-8")  # mid-save
        third = json.loads(next_line(out, '"exit_code"'))
        assert third["exit_code"] == 1
        assert any("Plan.md" in d["path"] for d in third["diagnostics"])

        note.write_text(NOTE.format(x="planning"), encoding="utf-8")
        fourth = json.loads(next_line(out, '"exit_code"'))
        assert fourth["exit_code"] == 0
        time.sleep(1.5)
        assert out.empty(), "a save must give exactly one rebuild"
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0  # the last build was clean
    assert "Traceback" not in "".join(err.queue)
