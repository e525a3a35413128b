"""xrefdoc's own Sphinx theme (this folder: ``theme.toml``, ``layout.html``, ``static/``):
light and dark, no sidebar, the keyword box in its header. In the dark, code is coloured
by a second Pygments style whose rules apply under ``data-theme="dark"`` (the reader's
choice) or the system's dark preference unless the reader chose light; Sphinx's own dark
style follows the system only."""

from __future__ import annotations

from pathlib import Path

from pygments.formatters import HtmlFormatter

from xrefdoc.site.highlight import with_token_elements

THEME = "xrefdoc"
# The theme's folder, which Sphinx reads as the theme.
THEME_FOLDER = Path(__file__).resolve().parent
DARK_CSS = "xrefdoc-pygments-dark.css"
DARK_STYLE = "github-dark"


def dark_highlighting_css(style: str = DARK_STYLE) -> str:
    """The style's rules twice, each time under a scope of its own: Pygments puts a prefix in
    front of every selector of the background's and the tokens' rules (which style the
    tokens' elements too: ``with_token_elements``)."""
    formatter = HtmlFormatter(style=style)

    def scoped(scope: str) -> str:
        prefix = f"{scope} .highlight"
        rules = [*formatter.get_background_style_defs(prefix)]  # type: ignore[no-untyped-call]
        rules += formatter.get_token_style_defs(prefix)  # type: ignore[no-untyped-call]
        return "\n".join(rules)

    chosen = scoped('html[data-theme="dark"]')
    system = scoped('html:not([data-theme="light"])')
    return with_token_elements(f"{chosen}\n@media (prefers-color-scheme: dark) {{\n{system}\n}}\n")
