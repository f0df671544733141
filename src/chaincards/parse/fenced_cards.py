"""Cards written as fenced blocks, as flashcards-obsidian 2.x writes them:

    ```flashcard
    front: What is the powerhouse of the cell?
    back: The mitochondrion,
      which makes most of the cell's ATP.
    type: basic
    ```

`front:`, `back:` and `type:` (`basic`, `reverse`/`reversed`, `cloze`) start a field at the
start of a line; any other line continues the field above it. A `cloze` takes its text from
`front:` (with `==highlights==` or `{{c1::…}}` deletions) and `back:` as its extra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chaincards.document import CardShape

FENCE_INFOS = frozenset({"flashcard", "flashcards"})
_FIELD = re.compile(r"^(front|back|type)\s*:\s?(.*)$", re.IGNORECASE)
_TYPES: dict[str, CardShape] = {
    "basic": "basic",
    "reverse": "reverse",
    "reversed": "reverse",
    "cloze": "cloze",
}


@dataclass(frozen=True)
class FencedCard:
    front: str
    back: str
    shape: CardShape | None  # None for a type this cannot make
    type_written: str


def is_card_fence(info: str) -> bool:
    return info.strip().split(maxsplit=1)[0].casefold() in FENCE_INFOS if info.strip() else False


def read_fenced_card(content: str) -> FencedCard:
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in content.split("\n"):
        found = _FIELD.match(line)
        if found:
            current = fields.setdefault(found.group(1).casefold(), [])
            current.append(found.group(2))
        elif current is not None:
            current.append(line)
    text = {key: "\n".join(lines).strip() for key, lines in fields.items()}
    written = text.get("type", "basic").casefold() or "basic"
    return FencedCard(text.get("front", ""), text.get("back", ""), _TYPES.get(written), written)
