"""Generated trees: whatever the names and contents of the files, the build succeeds, every
file gets its two pages (but those in a top folder named like a file the site writes there)
and every link of the site resolves."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main
from xrefdoc.walk.tree import is_site_top_file

# Names a tree uses for its own settings or the tools': they change what is documented,
# which is their job, not a property of arbitrary names.
SETTING_NAMES = {".gitignore", "pyproject.toml", ".xrefdoc-cache", ".xrefdoc", "_build"}

name_characters = st.characters(codec="utf-8", exclude_characters="/\0", exclude_categories=("Cs",))
names = (
    st.text(name_characters, min_size=1, max_size=24)
    .filter(lambda name: name not in (".", "..") and name not in SETTING_NAMES)
    .filter(lambda name: len(name.encode()) <= 120)
)
extensions = st.sampled_from(["", ".py", ".md", ".rst", ".js", ".json", ".txt", ".c", ".html"])
snippets = st.sampled_from(
    [
        "def {0}():\n    return {0}\n",
        "# {0}\n\n```{{raw}} html\n<script>alert(1)</script>\n```\n",
        ".. raw:: html\n\n   <b>{0}</b>\n\n.. include:: /etc/passwd\n",
        "class {0}:\n    pass\n\n\nx = {0}()\n",
        '{{"{0}": [1, 2,\n',
        "`{0}` ```` {{eval-rst}} <img src=x onerror=alert(1)>\n",
    ]
)
contents = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200),
    st.builds(
        lambda snippet, word: snippet.format(word),
        snippets,
        st.from_regex(r"[A-Za-z_]\w{0,8}", fullmatch=True),
    ),
)
files = st.dictionaries(
    st.lists(names, min_size=1, max_size=3).map(tuple),
    contents,
    min_size=1,
    max_size=5,
)
paired = st.tuples(files, st.lists(extensions, min_size=5, max_size=5))


def write(root: Path, tree: dict[tuple[str, ...], str | bytes], suffixes: list[str]) -> list[str]:
    """Write the files that fit (a name cannot be both a file and a folder); return them."""
    written: list[str] = []
    for number, (parts, content) in enumerate(sorted(tree.items(), key=lambda item: item[0])):
        *folders, name = parts
        path = root.joinpath(*folders, name + suffixes[number % len(suffixes)])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                continue
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
        except (NotADirectoryError, FileExistsError, IsADirectoryError):
            continue
        written.append(path.relative_to(root).as_posix())
    return written


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paired)
# Found by a run: a top folder where Sphinx writes its search index.
@example(({("searchindex.js", "0"): ""}, ["", "", "", "", ""]))
def test_any_tree_builds_with_every_page_and_no_broken_link(
    case: tuple[dict[tuple[str, ...], str | bytes], list[str]],
) -> None:
    tree, suffixes = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "tree"
        root.mkdir()
        written = write(root, tree, suffixes)
        site = Path(folder) / "site"
        assert main(["build", str(root), "-o", str(site), "-q"]) == 0
        for relative in written:
            top, _, below = relative.partition("/")
            if below and is_site_top_file(top):
                continue  # not documented, and the log says why (see test_walk)
            for kind in ("docs", "kw"):
                assert (site / f"{relative}_{kind}.html").is_file(), (relative, kind)
        assert broken_links(site) == []
        for page in site.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "<script>alert" not in text and "<img src=x" not in text, page
