"""The card stage's output: one Anki note to write, with everything the package writer needs."""

from __future__ import annotations

from dataclasses import dataclass

from chaincards.document import CardShape


@dataclass(frozen=True, slots=True)
class CardNote:
    """One Anki note. Fields are final HTML; media are vault-relative paths to pack."""

    guid: str
    shape: CardShape  # "basic" → Front/Back; "reverse" → both directions; "cloze" → Text/Extra
    front: str  # Front, or Text (with {{cN::…}} markers) for a cloze
    back: str  # Back, or Extra for a cloze
    context: str  # note title and heading path, HTML
    source: str  # vault-relative path:line and an obsidian:// link, HTML
    deck: str  # full deck name, "::" between levels
    tags: tuple[str, ...]  # Anki-safe tags (no spaces)
    mod: int  # seconds since the epoch: the source note's modification time
    kind: str  # "callout", "tag", "inline", "purpose", "flow", …: for reports and tags
    origin: str  # "path:line", for diagnostics and manifests
    media: tuple[str, ...] = ()  # vault-relative paths of files the fields reference
    # What a model card asks about: (activity,) or (source, target) of a flow; a diagram on
    # the card highlights it. Empty for written cards.
    focus: tuple[str, ...] = ()
    # What a generated card asks for, as plain text (one per answer): the screen checks the
    # front against them. Empty for written cards.
    answers: tuple[str, ...] = ()
    # Names (with aliases) that answer a "Which …?"/"Who …?" card: no word of their stem may
    # show on the front. Empty for other cards.
    names: tuple[str, ...] = ()
    # The notes whose newest time a model card carries as `mod` (its own note and the notes
    # its fact names); empty for written cards, dated by their own note and images.
    dated_by: tuple[str, ...] = ()
    # The GUID the card's own identity gives, when carry-over gave it a vanished card's GUID
    # instead ("" otherwise); the manifest keeps it, so that identity finds this GUID again.
    own_guid: str = ""


def split_origin(origin: str) -> tuple[str, int]:
    """'path/to/note.md:12' → ('path/to/note.md', 12); no line number gives line 0."""
    path, _, line = origin.rpartition(":")
    if not path or not line.isdigit():
        return origin, 0
    return path, int(line)
