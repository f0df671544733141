"""The notetype CSS made safe to put in a page: every rule scoped to the card sides, so the
package's styles show the cards as in Anki without restyling the page around them."""

from __future__ import annotations

import re
import textwrap

SCOPE = "ccp-card"  # the class on every card side; the package CSS only applies inside it

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CARD_CLASS = re.compile(r"\.card(?![\w-])")
_DOCUMENT_ROOT = re.compile(r"^(?:html|body|:root)(?![\w-])")
_GROUPING_RULES = ("@media", "@supports", "@container", "@layer")


def _split_rules(css: str) -> list[tuple[str, str | None]]:
    """Top-level (prelude, block) pairs; a statement such as @import has block None."""
    rules: list[tuple[str, str | None]] = []
    depth, start, opened = 0, 0, 0
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                opened = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                rules.append((css[start:opened].strip(), css[opened + 1 : index]))
                start = index + 1
        elif char == ";" and depth == 0:
            rules.append((css[start:index].strip(), None))
            start = index + 1
    return rules


def _split_selectors(prelude: str) -> list[str]:
    # Commas inside :not(…) or :is(…) do not separate selectors.
    parts, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:index])
            start = index + 1
    parts.append(prelude[start:])
    return [part.strip() for part in parts if part.strip()]


def _scope_selector(selector: str) -> str:
    # Anki puts the .card class on the element that holds a card side: here that is the scope.
    if _CARD_CLASS.search(selector):
        return _CARD_CLASS.sub(f".{SCOPE}.card", selector)
    root = _DOCUMENT_ROOT.match(selector)
    if root:
        return f".{SCOPE}.card{selector[root.end() :]}"
    return f".{SCOPE} {selector}"


def scope_css(css: str) -> str:
    """The notetype CSS rewritten so that it styles card sides only, never the page around."""
    out: list[str] = []
    for prelude, block in _split_rules(_CSS_COMMENT.sub("", css)):
        if block is None:
            if not prelude.lower().startswith("@import"):  # an import could reach the network
                out.append(f"{prelude};")
        elif prelude.lower().startswith(_GROUPING_RULES):
            out.append(f"{prelude} {{\n{textwrap.indent(scope_css(block), '  ')}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude} {{{block}}}")  # @font-face, @keyframes: nothing to scope
        else:
            selectors = ",\n".join(_scope_selector(s) for s in _split_selectors(prelude))
            out.append(f"{selectors} {{{block}}}")
    return "\n\n".join(out) + "\n"
