"""A tree that holds everything a repository can throw at a docs job: binaries, broken and
odd encodings, odd names, deep nesting, content written to attack the site, symbolic links.
Every file gets its pages, nothing is interpreted, nothing outside the tree is read."""

from __future__ import annotations

import codecs
import contextlib
import io
import re
from html import unescape
from pathlib import Path

import pytest
from helpers import write_tree
from sites import main_body, make_git_repository, page_text, source_line

from xrefdoc.commands.check import broken_links
from xrefdoc.commands.cli import main

OUTSIDE_SECRET = "outside-secret-4f1c9a"

ODD_NAMES = [
    "with space.py",
    "ünïcödé.py",
    "back`tick.md",
    "star*.py",
    "question?.py",
    "hash#.py",
    "percent%20.py",
    "angle<brackets>.py",
    "brace{s}.py",
    "dollar$and&amp.py",
    "quote'and\"double.py",
]
DEEP = "/".join(f"level{depth:02}" for depth in range(30)) + "/bottom.py"

FENCES = "````\n```\nnot the end\n```\n````\n\n`````{raw} html\n<b>five</b>\n`````\n"
ATTACK_MD = f"""\
# Attack <em>title</em>

<script>alert('md')</script>

```{{raw}} html
<b>raw html</b>
```

```{{eval-rst}}
.. raw:: html

   <i>eval rst</i>
```

```{{include}} /etc/passwd
```

{{eval-rst}}`<u>inline</u>`

{FENCES}
"""
ATTACK_RST = """\
Attack
======

.. raw:: html

   <script>alert('rst')</script>

.. include:: /etc/passwd

.. include:: ../outside/secret.txt
"""

TREE: dict[str, str | bytes] = {
    "binary/blob.bin": bytes(range(256)) * 4,
    "empty.py": "",
    "empty.txt": "",
    "encodings/latin1.txt": "café résumé naïve\n".encode("latin-1"),
    "encodings/utf16.txt": codecs.BOM_UTF16_LE + "utf sixteen text\n".encode("utf-16-le"),
    "encodings/bom.py": codecs.BOM_UTF8 + b"bom_value = 1\n",
    "crlf.py": b"def first():\r\n    return 1\r\n\r\ndef second():\r\n    return 2\r\n",
    "syntax_error.py": "def fine():\n    pass\n\ndef broken(:\n    pass\n",
    "recursion.py": "x = " + "a." * 100_000 + "b\n",
    "unary.py": "x = " + "-" * 100_000 + "1\n",
    "one_line.js": "var a = [" + ",".join(["1"] * 150_000) + "];\n",
    "big.txt": "".join(f"line {number} of a large text file\n" for number in range(160_000)),
    "config/empty.json": "",  # does not parse, and has no line 1 to link to
    "config/bad.json": '{"key": [1, 2,, }\n',
    "config/bad.yaml": "key: [unclosed\n  - : :\n\t tab\n",
    "config/bad.toml": "[table\nkey = = 1\n",
    "docs/attack.md": ATTACK_MD,
    "docs/attack.rst": ATTACK_RST,
    "docs/attack.html": "<script>alert('html')</script><img src=x onerror=alert(1)>\n",
    "docs/fences.md": FENCES,
    "real.py": "REAL = 1\n",
    # Folders named like the ones Sphinx writes into the site.
    "_static/app.js": "function start() {}\n",
    "_sources/notes.txt": "notes\n",
    "_images/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>\n',
    DEEP: "DEEP_VALUE = 1\n",
    **{f"names/{name}": "ODD = 1\n" for name in ODD_NAMES},
}

LINKS = {
    "link_inside.py": "real.py",
    "link_outside.txt": "../outside/secret.txt",
    "link_outside_dir": "../outside",
    "dangling.py": "missing.py",
    "loop_a": "loop_b",
    "loop_b": "loop_a",
    "self_loop": "self_loop",
}


@pytest.fixture(scope="module", params=["plain folder", "git repository"])
def hostile(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, str]:
    """(tree, site, build log) of the hostile tree, as a plain folder and as a git
    repository (git lists links and odd names itself)."""
    base = tmp_path_factory.mktemp("hostile")
    write_tree(base / "outside", {"secret.txt": OUTSIDE_SECRET + "\n"})
    tree = write_tree(base / "tree", TREE)
    for name, target in LINKS.items():
        (tree / name).symlink_to(target)
    if request.param == "git repository":
        make_git_repository(tree)
    output = base / "site"
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        code = main(["build", str(tree), "-o", str(output), "--source-cap", "200000"])
    assert code == 0, log.getvalue()
    return tree, output, log.getvalue()


def test_every_file_has_both_pages(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    for relative in TREE:
        for kind in ("docs", "kw"):
            page = site / f"{relative}_{kind}.html"
            assert page.is_file(), page


def test_every_link_of_the_site_resolves(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    assert broken_links(site) == []


def test_odd_names_have_their_own_titles_and_are_listed(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    folder = page_text(site / "names" / "index.html")
    for name in ODD_NAMES:
        html = page_text(site / "names" / f"{name}_docs.html")
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title and name in unescape(title.group(1)), (name, title)
        assert name in unescape(re.sub(r"<[^>]+>", "", main_body(folder))), name
    deep = page_text(site / f"{DEEP}_docs.html")
    assert "DEEP_VALUE" in deep and "level29" in unescape(deep)


def test_nothing_from_a_documented_file_is_markup(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    injected = ("<script>alert", "<b>raw html</b>", "<i>eval rst</i>", "<u>inline</u>", "<b>five")
    injected += ("<img src=x", "<em>title</em>")
    for page in site.rglob("*.html"):
        text = page_text(page)
        for markup in injected:
            assert markup not in text, (page, markup)
    attack = main_body(page_text(site / "docs/attack.md_docs.html"))
    assert "&lt;script&gt;alert(&#39;md&#39;)&lt;/script&gt;" in attack or (
        "&lt;script&gt;alert('md')&lt;/script&gt;" in attack
    )
    assert "{raw} html" in unescape(attack) and "{eval-rst}" in unescape(attack)


def test_nothing_outside_the_tree_is_read(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    passwd = Path("/etc/passwd")
    first_line = passwd.read_text().splitlines()[0] if passwd.exists() else "root:x:0:0"
    for page in site.rglob("*"):
        if page.is_file():
            data = page.read_bytes()
            assert OUTSIDE_SECRET.encode() not in data, page
            assert first_line.encode() not in data, page
    assert not (site / "link_outside_dir").exists()


def test_links_are_documented_once_and_others_noted(hostile: tuple[Path, Path, str]) -> None:
    _, site, log = hostile
    reasons = dict(re.findall(r"not documented: (\S+) \((.*?)\)\n", log))
    assert reasons == {
        "link_inside.py": "symbolic link to real.py, documented there",
        "link_outside.txt": "symbolic link pointing outside the tree",
        # git lists a link to a folder as a file; a walk of the folder sees a folder.
        "link_outside_dir": (
            "symbolic link pointing outside the tree"
            if (site.parent / "tree" / ".git").exists()
            else "linked folder, not followed"
        ),
        "dangling.py": "dangling or looping symbolic link",
        "loop_a": "dangling or looping symbolic link",
        "loop_b": "dangling or looping symbolic link",
        "self_loop": "dangling or looping symbolic link",
    }
    for name in reasons:
        assert not (site / f"{name}_docs.html").exists()
    assert (site / "real.py_docs.html").exists()
    assert page_text(site / "keywords-r.html").count('id="kw-REAL"') == 1


def test_encodings_are_stated_and_text_decoded(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    latin = main_body(page_text(site / "encodings/latin1.txt_docs.html"))
    assert "latin-1" in latin.lower() and "café résumé" in unescape(latin)
    utf16 = main_body(page_text(site / "encodings/utf16.txt_docs.html"))
    assert "utf-16" in utf16.lower() and source_line(utf16, 1) == "utf sixteen text"
    bom = main_body(page_text(site / "encodings/bom.py_docs.html"))
    assert source_line(bom, 1) == "bom_value = 1"
    assert "bom_value" in page_text(site / "encodings/bom.py_kw.html")


def test_crlf_lines_are_lines(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    html = main_body(page_text(site / "crlf.py_docs.html"))
    assert source_line(html, 4) == "def second():"
    assert "\r" not in html
    keywords = page_text(site / "crlf.py_kw.html")
    assert "crlf.py_docs.html#L4" in keywords


def test_parse_failures_fall_back_and_say_where(hostile: tuple[Path, Path, str]) -> None:
    _, site, _ = hostile
    broken = main_body(page_text(site / "syntax_error.py_docs.html"))
    assert "syntax error" in broken.lower() and 'href="#L4"' in broken
    for name in ("recursion.py", "unary.py"):
        page = main_body(page_text(site / f"{name}_docs.html"))
        assert "nested too deeply for its parser" in page, name
        assert source_line(page, 1).startswith("x = ")


def test_huge_inputs_are_shown_cut_and_malformed_data_is_text(
    hostile: tuple[Path, Path, str],
) -> None:
    _, site, _ = hostile
    big = main_body(page_text(site / "big.txt_docs.html"))
    assert "Source cut after line" in big
    one_line = main_body(page_text(site / "one_line.js_docs.html"))
    assert "Source cut" in one_line or source_line(one_line, 1).startswith("var a = [1,1")
    for name in ("bad.json", "bad.yaml", "bad.toml"):
        page = main_body(page_text(site / f"config/{name}_docs.html"))
        assert "<li id=L1>" in page, name
    binary = main_body(page_text(site / "binary/blob.bin_docs.html"))
    assert "Binary" in binary and "<li id=L1>" not in binary
