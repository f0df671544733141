"""One build at a time per output folder: a second build of the same decks waits its turn.

Two builds writing the same packages, manifests and store would each see the other's half-done
files. The lock is an advisory `flock` on a file in the system's temporary folder, named after the
output folder (nothing extra lands in the decks a CI publishes); the operating system releases it
when the holder ends, even killed. Where `fcntl` does not exist (Windows), builds are not
serialised.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_file(out: Path) -> Path:
    digest = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(tempfile.gettempdir()) / f"chaincards-{digest[:16]}.lock"


@contextlib.contextmanager
def one_build_at_a_time(out: Path, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the lock of `out` for the block; `waiting()` is called once if another build has it."""
    if fcntl is None:
        yield
        return
    try:
        handle = os.open(lock_file(out), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # no lock to be had (a read-only temp folder): build as before
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
