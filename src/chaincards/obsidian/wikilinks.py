"""`[[target#anchor|alias]]` links and `![[file|size]]` embeds, as one inline rule.

Links render as their display text (a card cannot follow a link into the vault); embeds of images
inside the vault render as `<img>` and register the file as media; other embeds render as text.
Markdown images `![alt](file.png)` that point into the vault are treated the same way.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from chaincards.document import Link
from chaincards.media import package_media_name

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"})
# Anki plays both through `[sound:…]` (video in its own player window or inline on phones).
SOUND_SUFFIXES = frozenset(
    {".mp3", ".wav", ".m4a", ".ogg", ".oga", ".flac", ".aac", ".opus", ".3gp"}
    | {".mp4", ".webm", ".mov", ".mkv", ".ogv", ".m4v"}
)
# Files a card cannot show: the embed becomes the file's name, and the build says so.
UNSHOWN_SUFFIXES = frozenset({".pdf"})
_MAX_LINK_LENGTH = 1000


def parse_link_body(body: str, *, embed: bool) -> Link:
    """Split `target#anchor|alias` into its parts; anything odd still yields a readable link."""
    target_part, _, alias = body.partition("|")
    target, _, anchor = target_part.partition("#")
    target, anchor, alias = target.strip(), anchor.strip(), alias.strip()
    if alias and not embed:
        display = alias
    elif target and anchor and not embed:
        display = f"{target} › {anchor.lstrip('^')}"
    else:
        display = target or anchor.lstrip("^")
    # An embed's "alias" is a size (`|200`) or a caption; keep it for alt text only.
    return Link(target=target, anchor=anchor, display=display if not embed else target, embed=embed)


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    start = state.pos
    embed = state.src.startswith("![[", start)
    opener = start + (3 if embed else 2)
    if not (embed or state.src.startswith("[[", start)):
        return False
    close = state.src.find("]]", opener, opener + _MAX_LINK_LENGTH)
    if close < 0 or "\n" in state.src[opener:close] or "[[" in state.src[opener:close]:
        # A `[[` that opens no wikilink is plain text. Passing it on to markdown-it's link rule
        # costs quadratic time on runs like `[[[[…` (hostile or corrupted notes).
        if not silent:
            state.pending += state.src[start:opener]
        state.pos = opener
        return True
    if not silent:
        token = state.push("wikilink", "", 0)
        link = parse_link_body(state.src[opener:close], embed=embed)
        token.meta = {"link": link, "caption": state.src[opener:close].partition("|")[2]}
        token.content = link.display
    state.pos = close + 2
    return True


def render_wikilink(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    link: Link = tokens[idx].meta["link"]
    escape = escapeHtml
    if link.embed:
        resolved = _resolve(env, link.target)
        if resolved is not None and _suffix(resolved) in IMAGE_SUFFIXES:
            env.setdefault("media", []).append(resolved)
            caption = tokens[idx].meta.get("caption", "")
            width = f' width="{int(caption)}"' if caption.strip().isdigit() else ""
            alt = escape(link.target)
            return f'<img src="{escape(package_media_name(resolved))}" alt="{alt}"{width}>'
        if resolved is not None and _suffix(resolved) in SOUND_SUFFIXES:
            return _sound(env, resolved)
        if resolved is not None and _suffix(resolved) in UNSHOWN_SUFFIXES:
            env.setdefault("unshown_media", []).append(link.target)
            return _file_link(env, resolved, link.display)
        if _points_outside(link.target) or _suffix(link.target) in (
            IMAGE_SUFFIXES | SOUND_SUFFIXES
        ):
            env.setdefault("missing_media", []).append(link.target)
        return f'<span class="cc-embed">{escape(link.display)}</span>'
    if not link.display:
        return ""
    return f'<span class="cc-link">{escape(link.display)}</span>'


def _file_link(env: EnvType, resolved: str, shown: str) -> str:
    """A file a card cannot show (a PDF), as a link that opens it in Obsidian."""
    vault, prefix = env.get("vault_link") or ("", "")
    if not vault:
        return f'<span class="cc-embed">{escapeHtml(shown)}</span>'
    # A file outside the folder built (`../Attachments/x.pdf`) as its path in the vault.
    file = quote(posixpath.normpath(str(prefix) + resolved).lstrip("/"), safe="")
    url = f"obsidian://open?vault={quote(str(vault), safe='')}&file={file}"
    return f'<a class="cc-file" href="{escapeHtml(url)}">{escapeHtml(shown)}</a>'


def _sound(env: EnvType, resolved: str) -> str:
    """An audio or video file: packed, and played where the card shows it."""
    env.setdefault("media", []).append(resolved)
    return f"[sound:{escapeHtml(package_media_name(resolved))}]"


def render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """`![alt](file.png)`: a vault image becomes packed media, like `![[file.png]]`.

    Remote images (`https://…`) keep the default rendering; a relative path that is not in the
    vault is reported as missing and shown as its name, never as a broken `<img>`.
    """
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    if _has_scheme(src) and not _is_file_url(src):
        return str(self.image(tokens, idx, options, env))
    alt = self.renderInlineAsText(token.children or [], options, env)
    head, bar, size = alt.rpartition("|")  # Obsidian's `![alt|200](x.png)` sets the width
    if bar and size.strip().isdigit():
        alt = head
    else:
        size = ""
    name = unquote(src.split("#", 1)[0])
    resolved = _resolve(env, src.split("#", 1)[0]) if name else None
    if resolved is not None and _suffix(resolved) in IMAGE_SUFFIXES:
        env.setdefault("media", []).append(resolved)
        width = f' width="{int(size)}"' if size.strip().isdigit() else ""
        media_name = escapeHtml(package_media_name(resolved))
        return f'<img src="{media_name}" alt="{escapeHtml(alt or name)}"{width}>'
    if resolved is not None and _suffix(resolved) in SOUND_SUFFIXES:
        return _sound(env, resolved)
    if _suffix(name) in IMAGE_SUFFIXES | SOUND_SUFFIXES or _points_outside(name):
        env.setdefault("missing_media", []).append(name)
    shown = alt or name
    return f'<span class="cc-embed">{escapeHtml(shown)}</span>' if shown else ""


def render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """`[text](Note.md)` and `[text](#heading)` point into the vault, which a card cannot open:
    they render as their text, like wikilinks. An empty link `[](1724427533073)` (tool residue)
    renders as nothing. Links with a scheme (`https:`, `obsidian:`, …) stay links.
    """
    token = tokens[idx]
    close = next((i for i in range(idx + 1, len(tokens)) if tokens[i].type == "link_close"), None)
    href = str(token.attrs.get("href", ""))
    if close == idx + 1:
        mode = "drop"
    elif _has_scheme(href) and not _is_file_url(href):
        mode = "link"
    else:
        mode = "span"
    if close is not None:
        tokens[close].meta = {**(tokens[close].meta or {}), "cc_mode": mode}
    if mode == "drop":
        return ""
    if mode == "span":
        return '<span class="cc-link">'
    return str(self.renderToken(tokens, idx, options, env))


def render_link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    mode = (tokens[idx].meta or {}).get("cc_mode", "link")
    if mode == "drop":
        return ""
    if mode == "span":
        return "</span>"
    return str(self.renderToken(tokens, idx, options, env))


def _is_file_url(url: str) -> bool:
    """A local file URL: shown as text at most, never as a link or an image source."""
    return "".join(url.split()).lower().startswith("file:")


def _has_scheme(url: str) -> bool:
    head = url.split("/", 1)[0]
    return ":" in head


def _points_outside(target: str) -> bool:
    """A path that could only leave the vault: absolute, `..`, or a file:// URL."""
    target = target.strip().replace("\\", "/")
    return target.startswith(("/", "file:")) or ".." in target.split("/")


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > name.rfind("/") else ""


def _resolve(env: EnvType, target: str) -> str | None:
    resolver = env.get("resolve_file")
    return resolver(target, env.get("note_path", "")) if resolver else None


def wikilinks_plugin(md: MarkdownIt) -> None:
    # Before "link" so `[[x]]` is never read as a reference-style link `[x]`.
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", render_wikilink)
    md.add_render_rule("image", render_image)
    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("link_close", render_link_close)
