"""Rendering a card side: its Markdown to HTML with the note's parser, collecting on the way the
pictures it shows, its block ids, its tags and its plain text (for keys and checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markdown_it.token import Token

from chaincards.document import FileResolver
from chaincards.obsidian import obsidian_markdown
from chaincards.obsidian.cloze import curly_to_cloze
from chaincards.obsidian.wikilinks import IMAGE_SUFFIXES, SOUND_SUFFIXES

_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
# One line that Markdown leaves as it is: a letter first, then letters, digits, spaces and
# sentence punctuation; nothing any Markdown or Obsidian rule reacts to. Most written card
# sides look like this, and skipping the parser for them saves a third of a vault's parsing.
_PLAIN_LINE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:?!'’()/-])*")
_TRAILING_BREAK = re.compile(r"(?:<br />\s*)+</p>")


@dataclass
class Rendered:
    html: str
    text: str
    media: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    unshown_media: list[str] = field(default_factory=list)  # embedded files a card cannot show
    block_ids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def render(
    source: str,
    note_path: str,
    resolve_file: FileResolver | None,
    *,
    cloze: bool = False,
    vault_link: tuple[str, str] = ("", ""),
) -> Rendered:
    """Render a card side's Markdown to HTML, collecting media, block ids and tags on the way.
    `vault_link`: the Obsidian vault's name and the folder's path inside it (for links)."""
    if _PLAIN_LINE.fullmatch(source) and source[-1] != " ":
        return Rendered(f"<p>{source}</p>", " ".join(source.split()))
    return render_markdown(source, note_path, resolve_file, cloze=cloze, vault_link=vault_link)


def render_markdown(
    source: str,
    note_path: str,
    resolve_file: FileResolver | None,
    *,
    cloze: bool = False,
    vault_link: tuple[str, str] = ("", ""),
) -> Rendered:
    """`render` through the parser, whatever the text."""
    md = obsidian_markdown()
    env: dict[str, object] = {
        "_md": md,
        "note_path": note_path,
        "resolve_file": resolve_file,
        "cloze": cloze,
        "vault_link": vault_link,
    }
    if cloze:
        # Highlights continue after the highest explicit {{cN::}} so the two never share a number.
        explicit = [int(n) for n in _CLOZE_NUMBER.findall(source)]
        env["cloze_next"] = max(explicit, default=0) + 1
    tokens = md.parse(source, env)
    result = Rendered("", "")
    texts: list[str] = []
    next_cloze = int(env.get("cloze_next", 1)) + sum(  # type: ignore[call-overload]
        1 for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "mark_open"
    )
    for token in tokens:
        for child in token.children or []:
            if child.type == "block_id":
                result.block_ids.append(child.content)
            elif child.type == "obsidian_tag":
                result.tags.append(child.content)
            elif child.type == "text" and cloze and "{" in child.content:
                child.content, next_cloze = curly_to_cloze(child.content, next_cloze)
            if child.type in ("text", "code_inline") or _shows_text(child):
                texts.append(child.content)
        if token.type in ("fence", "code_block", "math_block"):
            texts.append(token.content)
    html = md.renderer.render(tokens, md.options, env).strip()
    # A block id alone on the last line leaves a line break before </p>; drop it.
    result.html = _TRAILING_BREAK.sub("</p>", html)
    result.text = " ".join(" ".join(texts).split())
    result.media = list(dict.fromkeys(env.get("media", [])))  # type: ignore[call-overload]
    result.missing_media = list(env.get("missing_media", []))  # type: ignore[call-overload]
    result.unshown_media = list(env.get("unshown_media", []))  # type: ignore[call-overload]
    return result


def _shows_text(token: Token) -> bool:
    """A link, or an embed of a note, shows its name; an embedded picture shows no text."""
    if token.type != "wikilink":
        return False
    link = token.meta["link"]
    suffix = PurePosixPath(link.target).suffix.lower()
    return not link.embed or suffix not in IMAGE_SUFFIXES | SOUND_SUFFIXES
