"""xrefdoc's own Sphinx theme (this folder: ``theme.toml``, ``layout.html``, ``static/``):
light and dark, no sidebar, the keyword box in its header. In the dark, code is coloured
by a second Pygments style whose rules apply under ``data-theme="dark"`` (the reader's
choice) or the system's dark preference unless the reader chose light; Sphinx's own dark
style follows the system only."""

from __future__ import annotations

from pygments.formatters import HtmlFormatter

THEME = "xrefdoc"
DARK_CSS = "xrefdoc-pygments-dark.css"
DARK_STYLE = "github-dark"


def dark_highlighting_css(style: str = DARK_STYLE) -> str:
    rules = HtmlFormatter(style=style).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    chosen = _scoped(rules, 'html[data-theme="dark"]')
    system = _scoped(rules, 'html:not([data-theme="light"])')
    return f"{chosen}\n@media (prefers-color-scheme: dark) {{\n{system}\n}}\n"


def _scoped(rules: str, scope: str) -> str:
    """Every rule of ``rules`` with ``scope`` in front of each selector."""
    lines = []
    for line in rules.splitlines():
        selectors, brace, body = line.partition("{")
        if not brace or selectors.strip().startswith(("pre", "td.", "span.")):
            if brace and selectors.strip().startswith("pre"):
                lines.append(f"{scope} .highlight {selectors.strip()} {{{body}")
            continue
        scoped = ", ".join(f"{scope} {s.strip()}" for s in selectors.split(","))
        lines.append(f"{scoped} {{{body}")
    return "\n".join(lines)
