"""Lets test modules in sub-folders `import ankitools` (the shared Anki test helpers), and
skips, with the reason, every test module that needs Anki's backend when the optional `anki`
package is not installed (`make test` installs it; `pip install -e .` alone does not)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

ANKI_MISSING = "needs Anki's backend: pip install 'chaincards[anki]' (make test installs it)"
# A module importing Anki, or the helpers that do, at its top level.
_USES_ANKI = re.compile(r"^(?:from|import) (?:anki|ankitools|rebuilds|syncs)\b", re.MULTILINE)


def _anki_installed() -> bool:
    try:
        return importlib.util.find_spec("anki.collection") is not None
    except ImportError:
        return False


HAVE_ANKI = _anki_installed()


class _NeedsAnki(pytest.Module):
    def collect(self):  # type: ignore[no-untyped-def]
        pytest.skip(ANKI_MISSING, allow_module_level=True)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> object:
    if HAVE_ANKI or not _USES_ANKI.search(module_path.read_text(encoding="utf-8")):
        return None
    return _NeedsAnki.from_parent(parent, path=module_path)
