"""Finding activities in notes and merging the descriptions of one activity across notes.

Only two shapes declare an activity, so prose never does:

- an *activity note*: `## Inputs` / `## Outputs` headings (any level, singular or plural). The
  activity is the note's own (name = H1 title, else file name; frontmatter aliases are aliases)
  unless the heading sits inside a sub-section (`## 5.3 Plan` / `### Inputs`), which then names it;
- a *chapter section*: a labelled list, i.e. a paragraph `Plan: Input` / `Outputs` immediately
  followed by a list. A label without a name belongs to its section (`## 5.3 Plan Activity` →
  `Plan`); a named label whose name differs from the section's declares that name.

Declarations with the same name or alias key (and/or/&/slash equivalent) are one activity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from chaincards.document import (
    Block,
    Callout,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    ParsedNote,
)
from chaincards.model.definitions import defined_aliases, kind_noun
from chaincards.model.names import (
    CONNECTOR,
    GENERIC_HEADINGS,
    Key,
    NameIndex,
    clean_activity_name,
    name_key,
    tokenize,
)
from chaincards.model.types import Source

_LABEL = re.compile(
    r"^(?:(?P<name>.+?)(?P<sep>\s*[:\-–—]\s*|\s+))?(?:(?:key|main|typical)\s+)?"
    r"(?P<kind>inputs?|outputs?)\s*:?$",
    re.I,
)
# `Plan inputs` needs no colon, but prose must not pass for a label: `Each activity transforms
# inputs into outputs` is six words whose name part ends in a preposition.
_MAX_BARE_LABEL_WORDS = 6
_MAX_LABEL_CHARS = 120
_NOT_NAME_END = frozenset({"into", "to", "from", "of", "as", "the", "and", "or", "its", "their"})
_NOT_NAME = frozenset({"key", "main", "typical", "the"})
_LABEL_OF = re.compile(
    r"^(?P<kind>inputs?|outputs?)\s+(?:of|to|for|from)\s+(?P<name>.+?)\s*:?$", re.I
)
_TAKEAWAY = re.compile(r"takeaway|key points|summary|recap", re.I)

KEY_MESSAGE, SECTION_PARAGRAPH, TAKEAWAY = 0, 1, 2  # purpose ranks: lower wins


@dataclass(frozen=True)
class Purpose:
    rank: int
    text: str
    source: Source


@dataclass(frozen=True)
class _Owner:
    name: str
    aliases: tuple[str, ...]
    line: int
    own_note: bool
    scope: tuple[str, ...] | None  # heading path whose first paragraph may state the purpose
    # Matched like aliases but never shown: an own note's file stem (what `[[links]]` to it say)
    # and its title cleaned of numbers and kind words (`Plan Activity` meets a chapter's `Plan`).
    match_names: tuple[str, ...] = ()


@dataclass
class Declaration:
    """One note's description of an activity: its lists and purpose candidates."""

    name: str
    aliases: tuple[str, ...]
    path: str
    line: int
    own_note: bool
    match_names: tuple[str, ...] = ()  # see _Owner
    kind: str | None = None  # the noun its heading or definition uses: `stage`, `process`, …
    inputs: list[ListItem] = field(default_factory=list)
    outputs: list[ListItem] = field(default_factory=list)
    purposes: list[Purpose] = field(default_factory=list)

    @property
    def source(self) -> Source:
        return Source(self.path, self.line)


def label_kind(text: str) -> tuple[str, str | None] | None:
    """(`input`|`output`, name or None) for `Plan: Input`, `Inputs`, `Outputs of Plan`."""
    text = " ".join(text.replace("*", " ").split())
    folded = text.rstrip(" :").casefold()
    if len(text) > _MAX_LABEL_CHARS or not (
        folded.endswith(("input", "inputs", "output", "outputs"))
        or folded.startswith(("input", "output"))
    ):
        return None  # cheap exit: most paragraphs are prose
    text = clean_activity_name(text)[0] if text[:1].isdigit() else text
    match = _LABEL.match(text) or _LABEL_OF.match(text)
    if not match:
        return None
    kind = "input" if match.group("kind").casefold().startswith("input") else "output"
    name = (match.group("name") or "").strip() or None
    separator = match.groupdict().get("sep")
    if name and separator is not None and not separator.strip():
        if name.casefold() in _NOT_NAME:
            return kind, None
        if (
            len(text.split()) > _MAX_BARE_LABEL_WORDS
            or name.casefold().split()[-1] in _NOT_NAME_END
        ):
            return None
    return kind, name


def _generic(text: str) -> bool:
    return " ".join(name_key(clean_activity_name(text)[0])) in GENERIC_HEADINGS


def _note_owner(note: ParsedNote) -> _Owner:
    """An activity note is named by its title as written; frontmatter aliases are its aliases."""
    cleaned, parts = clean_activity_name(note.title)
    hidden = (PurePosixPath(note.path).stem, cleaned, *parts)
    return _Owner(note.title, note.meta.aliases, note.title_line, True, None, hidden)


def _title_keys(note: ParsedNote) -> set[Key]:
    owner = _note_owner(note)
    return {name_key(n) for n in (owner.name, *owner.aliases, *owner.match_names)}


def _section_owner(
    note: ParsedNote, path: tuple[str, ...], headings: dict[tuple[str, ...], Heading]
) -> _Owner:
    """The activity a section belongs to: the nearest heading that names something."""
    for depth in range(len(path), 0, -1):
        text = path[depth - 1]
        heading = headings.get(path[:depth])
        if heading is None or _generic(text) or label_kind(text):
            continue
        name, aliases = clean_activity_name(text)
        if not name_key(name):  # `# %%draft%%`: a heading with nothing left to name
            continue
        is_title = heading.level == 1 and text == note.title
        if is_title or name_key(name) in _title_keys(note):
            break
        return _Owner(name, aliases, heading.line, False, path[:depth])
    return _note_owner(note)


def _named_owner(
    note: ParsedNote,
    name: str,
    line: int,
    section: tuple[str, ...],
    headings: dict[tuple[str, ...], Heading],
) -> _Owner:
    cleaned, aliases = clean_activity_name(name)
    key = name_key(cleaned)
    if key in _title_keys(note):
        return _note_owner(note)
    section_owner = _section_owner(note, section, headings)
    if key in {name_key(n) for n in (section_owner.name, *section_owner.aliases)}:
        return section_owner  # `Phase B: Inputs` in `## Phase B: Business Architecture`
    return _Owner(cleaned, aliases, line, False, None)


def declarations(note: ParsedNote) -> list[Declaration]:
    """The activities this note declares, in document order."""
    found: dict[Key, tuple[_Owner, Declaration]] = {}
    headings: dict[tuple[str, ...], Heading] = {}
    claimed: set[int] = set()  # lines of lists already read, so no list counts twice
    blocks = note.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            headings[block.path] = block
            label = label_kind(block.text)
            if label is None:
                continue
            kind, name = label
            if name is None:
                owner = _section_owner(note, block.path[:-1], headings)
            else:
                owner = _named_owner(note, name, block.line, block.path[:-1], headings)
            lists = _lists_under(blocks, index, block.path)
        elif isinstance(block, Paragraph):
            label = label_kind(block.text)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if label is None or not isinstance(following, ListBlock):
                continue
            kind, name = label
            if name is None:
                owner = _section_owner(note, block.section, headings)
            else:
                owner = _named_owner(note, name, block.line, block.section, headings)
            lists = [following]
        else:
            continue
        items = [
            item
            for lst in lists
            if lst.line not in claimed
            for item in lst.items
            if not item.task and item.text.strip()
        ]
        claimed.update(lst.line for lst in lists)
        key = name_key(owner.name)
        if key not in found:
            declaration = Declaration(
                owner.name, owner.aliases, note.path, owner.line, owner.own_note, owner.match_names
            )
            found[key] = (owner, declaration)
        (declaration.inputs if kind == "input" else declaration.outputs).extend(items)
    for owner, declaration in found.values():
        declaration.purposes.extend(_purposes(note, owner))
        texts = _definition_texts(note, owner)
        names = (owner.name, *owner.aliases, *owner.match_names)
        declaration.aliases = (*declaration.aliases, *defined_aliases(texts, names))
        declaration.kind = kind_noun(texts)
    return [declaration for _, declaration in found.values()]


def _definition_texts(note: ParsedNote, owner: _Owner) -> list[str]:
    """Where a step is defined: its heading, then the prose and callouts of its own section
    (the top of its own note)."""
    if owner.own_note:
        heading, sections = note.title, {(), (note.title,)}
    elif owner.scope:
        heading, sections = owner.scope[-1], {owner.scope}
    else:
        return [owner.name]
    texts = [heading]
    for block in note.blocks:
        if isinstance(block, Paragraph) and block.section in sections:
            texts.append(block.text)
        elif isinstance(block, Callout) and block.section in sections and block.depth == 1:
            texts.append(block.body)
    return texts


def _lists_under(blocks: tuple[Block, ...], index: int, path: tuple[str, ...]) -> list[ListBlock]:
    lists: list[ListBlock] = []
    for block in blocks[index + 1 :]:
        # A nested `Outputs` under `Inputs` (heading levels written unevenly) starts its own list.
        if isinstance(block, Heading) and (
            block.path[: len(path)] != path or label_kind(block.text) is not None
        ):
            break
        if isinstance(block, ListBlock) and block.section[: len(path)] == path:
            lists.append(block)
    return lists


def _is_key_message(callout: Callout) -> bool:
    title = callout.title.casefold()
    if callout.depth != 1 or title.startswith("card") or not callout.body.strip():
        return False
    return (
        "key message" in title
        or "purpose" in title
        or (not title and callout.body.casefold().startswith("the purpose of"))
    )


def _substantive(paragraph: Paragraph) -> bool:
    """A sentence worth a purpose card: not a label, not just a link to a book."""
    text = paragraph.text
    for link in paragraph.links:
        text = text.replace(link.display, " ")
    return len(text.split()) >= 4 and label_kind(paragraph.text) is None


def _purposes(note: ParsedNote, owner: _Owner) -> list[Purpose]:
    if owner.own_note:
        scope: tuple[str, ...] | None = ()
        paragraph_sections = {(), (note.title,)}
    else:
        scope = owner.scope
        paragraph_sections = {owner.scope} if owner.scope else set()
    found: list[Purpose] = []
    for block in note.blocks:
        if isinstance(block, Callout) and scope is not None and _is_key_message(block):
            if block.section[: len(scope)] == scope:
                found.append(
                    Purpose(KEY_MESSAGE, block.body.strip(), Source(note.path, block.line))
                )
        elif (
            isinstance(block, Paragraph)
            and block.section in paragraph_sections
            and _substantive(block)
        ):
            found.append(Purpose(SECTION_PARAGRAPH, block.text, Source(note.path, block.line)))
            paragraph_sections = set()  # only the first paragraph
    return found


def takeaway_purposes(notes: list[ParsedNote], index: NameIndex) -> dict[str, Purpose]:
    """Purposes from `Key Takeaways` bullets that start with an activity's name.

    `Plan value chain activity ensures …` names Plan; `The activities are plan, improve, …` names
    none, and `Plan and improve …` is about two activities, so neither is used.
    """
    found: dict[str, Purpose] = {}
    for note in notes:
        for block in note.blocks:
            if not isinstance(block, ListBlock) or not any(
                _TAKEAWAY.search(s) for s in block.section
            ):
                continue
            for item in block.items:
                norms = [t.norm for t in tokenize(item.text)]
                start = 1 if norms[:1] == ["the"] else 0
                match = index.longest(norms, start)
                if match is None or match[0] + 3 > len(norms):
                    continue
                end, name = match
                if norms[end] not in (CONNECTOR, ",") and name not in found:
                    found[name] = Purpose(TAKEAWAY, item.text, Source(note.path, item.line))
    return found
