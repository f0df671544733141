"""Fenced code highlighted by Pygments (chaincards.obsidian.code)."""

from __future__ import annotations

from chaincards.obsidian import obsidian_markdown
from chaincards.obsidian.code import highlight_code


def html(text: str) -> str:
    md = obsidian_markdown()
    return md.render(text, {"_md": md})


def test_python_is_highlighted_with_inline_styles() -> None:
    out = html('```python\nx = "<b>"\n```')
    assert out == (
        '<pre><code class="language-python">x <span style="color: #666">=</span> '
        '<span style="color: #4070A0">"&lt;b&gt;"</span>\n</code></pre>\n'
    )
    assert "class=" not in out.replace('class="language-python"', "")


def test_unlabelled_fence_is_escaped_text() -> None:
    assert html("```\nplain <i>\n```") == "<pre><code>plain &lt;i&gt;\n</code></pre>\n"


def test_unknown_language_is_escaped_text() -> None:
    assert html("```nosuchlang\n<z>\n```") == (
        '<pre><code class="language-nosuchlang">&lt;z&gt;\n</code></pre>\n'
    )


def test_indented_code_block() -> None:
    assert html("    <code>") == "<pre><code>&lt;code&gt;\n</code></pre>\n"


def test_highlight_code_language_case_and_spaces() -> None:
    assert highlight_code("x", " PYTHON ", "") == highlight_code("x", "python", "")
    assert highlight_code("<&>", "", "") == "&lt;&amp;&gt;\n"


def test_highlight_code_never_emits_classes() -> None:
    out = highlight_code("def f():\n    return 1\n", "python", "")
    assert 'style="' in out
    assert "class=" not in out


def test_generics_in_code() -> None:
    out = highlight_code("List<T> xs;", "java", "")
    assert "&lt;" in out and "<T>" not in out
