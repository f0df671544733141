"""`[[target#anchor|alias]]` links and `![[file|size]]` embeds, as one inline rule.

Links render as their display text (a card cannot follow a link into the vault); embeds of images
inside the vault render as `<img>` and register the file as media; other embeds render as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from chaincards.document import Link
from chaincards.media import package_media_name

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"})
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
        return False
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
    escape = self.escapeHtml if hasattr(self, "escapeHtml") else _escape
    if link.embed:
        resolved = _resolve(env, link.target)
        if resolved is not None and _suffix(resolved) in IMAGE_SUFFIXES:
            env.setdefault("media", []).append(resolved)
            caption = tokens[idx].meta.get("caption", "")
            width = f' width="{int(caption)}"' if caption.strip().isdigit() else ""
            alt = escape(link.target)
            return f'<img src="{escape(package_media_name(resolved))}" alt="{alt}"{width}>'
        if _suffix(link.target) in IMAGE_SUFFIXES:
            env.setdefault("missing_media", []).append(link.target)
        return f'<span class="cc-embed">{escape(link.display)}</span>'
    if not link.display:
        return ""
    return f'<span class="cc-link">{escape(link.display)}</span>'


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


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
