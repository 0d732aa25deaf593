"""A translation's ``description``: its ``description_source`` (Markdown, which may hold HTML)
rendered to HTML and cleaned to upstream's allow-list.

Upstream keeps the author's text in ``description_source`` and serves ``description`` as HTML
made from it, allowing only ``b i strong em ul ol li p`` and, on any of them, a ``style``
attribute limited to ``text-decoration``. Everything else is dropped: scripts and styles
with their content, other tags keeping only their text, every other attribute, comments.

Rendering: markdown-it-py (CommonMark, maintained by the executable-books project).
Cleaning: nh3, the Python binding of the Rust ``ammonia`` sanitiser (html5ever parser);
``bleach``, which upstream used, is deprecated.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({"b", "i", "strong", "em", "ul", "ol", "li", "p"})
ALLOWED_ATTRIBUTES = {tag: {"style"} for tag in ALLOWED_TAGS}
ALLOWED_STYLE_PROPERTIES = frozenset({"text-decoration"})
# Removed together with their content (not only their tags).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})

_markdown = MarkdownIt("commonmark", {"html": True})


def clean_html(html: str) -> str:
    """``html`` reduced to the allow-list."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )


def render_description(source: str) -> str:
    """The HTML ``description`` served for a ``description_source``."""
    return clean_html(_markdown.render(source or ""))
