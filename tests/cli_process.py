"""`python -m chaincards ARGS` as a real process, the way a shell or CI runs it: this
checkout's source first on the path, no colour, a fixed terminal width, and none of the
variables that change what a run prints (debug tracebacks, a fixed build time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def run_chaincards(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    columns: int = 100,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """The finished process; `env` is laid over the defaults (PYTHONPATH included)."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1", "COLUMNS": str(columns)}
    for name in ("CHAINCARDS_DEBUG", "SOURCE_DATE_EPOCH"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "chaincards", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
