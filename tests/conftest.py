"""Lets test modules in sub-folders `import ankitools` (the shared Anki test helpers)."""

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
