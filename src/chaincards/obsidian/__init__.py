"""The Obsidian Markdown dialect as markdown-it-py plugins, one module per construct."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from chaincards.obsidian.callouts import callouts_plugin
from chaincards.obsidian.code import highlight_code
from chaincards.obsidian.comments import comments_plugin
from chaincards.obsidian.highlight import highlight_plugin
from chaincards.obsidian.math import math_plugin
from chaincards.obsidian.tags import tags_plugin
from chaincards.obsidian.wikilinks import wikilinks_plugin

# file: passes the parser so the renderers can report it; they never emit it as a URL.
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "obsidian:", "ftp:", "file:")


def _is_safe_url(url: str) -> bool:
    """Relative URLs and a few plain schemes only: no javascript:, data:, vbscript:, file:."""
    lowered = "".join(url.split()).lower()
    if ":" not in lowered.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True
    return lowered.startswith(_SAFE_SCHEMES)


@cache
def obsidian_markdown() -> MarkdownIt:
    """The one parser every stage uses. `html=False`: raw HTML in a note is shown, never run."""
    md = MarkdownIt(
        "commonmark",
        {"html": False, "highlight": highlight_code, "maxNesting": 100, "breaks": True},
    )
    md.enable(["table", "strikethrough"])
    md.validateLink = _is_safe_url  # type: ignore[method-assign]
    md.use(comments_plugin)
    md.use(callouts_plugin)
    md.use(wikilinks_plugin)
    md.use(highlight_plugin)
    md.use(tags_plugin)
    md.use(math_plugin)
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    return md
