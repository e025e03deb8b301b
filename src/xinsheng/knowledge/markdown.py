"""Article bodies (Markdown) as safe HTML: raw HTML in the source is shown as text.

markdown-it-py comes with rich (a dependency of the command line); without it the body
is shown as escaped plain text.
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape


@lru_cache(maxsize=1)
def _parser():
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - rich always brings it
        return None
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    parser = _parser()
    if parser is None:
        return Markup(f'<pre class="md">{escape(text or "")}</pre>')
    return Markup(parser.render(text or ""))
