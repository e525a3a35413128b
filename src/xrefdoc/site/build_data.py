"""The one script of the site that names the commit it was built from (``_xref/build.js``):
the footer's commit and the links to the forge pinned to it, which the pages' script fills
in. The pages themselves never name the commit, so a new commit (or the first edit after
one) rewrites this small file, not every page."""

from __future__ import annotations

from string import Formatter

from xrefdoc.core.identity import Identity
from xrefdoc.site.data_scripts import call_script

# In the site's ``_xref`` folder; loaded by every page of the theme.
BUILD_SCRIPT = "build.js"


def link_parts(template: str) -> list[list[str]]:
    """A filled link template (``Identity.link_template``) as [literal text, field] pairs,
    the field "" after the last literal: the page's script joins them with the file's path
    and the selected lines, without having to read Python's format syntax (``{{``)."""
    return [[literal, field or ""] for literal, field, _, _ in Formatter().parse(template)]


def build_script(identity: Identity) -> str:
    """``xrefdocBuild({commit, short, dirty, commit_url, lines, forge, version, commit_link,
    history})``: the commit ("" when not known), whether tracked files differed from it, its
    page on the forge, the link of a file's lines as ``link_parts`` ([] without one), the
    forge's name,
    the site's folder among the versions of a multi-version site ("" in a site of one
    version: the pages then load no list of versions), the link of any commit as
    ``link_parts`` (a file's history links its commits with it), and whether the site has
    each file's history (``git_data``: the pages load it then)."""
    return call_script(
        "xrefdocBuild",
        {
            "commit": identity.commit,
            "short": identity.short_commit,
            "dirty": identity.dirty,
            "commit_url": identity.commit_url,
            "lines": link_parts(identity.link_template),
            "forge": identity.forge_title,
            "version": identity.site_version,
            "commit_link": link_parts(identity.commit_template),
            "history": identity.history,
        },
    )
