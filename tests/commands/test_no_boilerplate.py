"""No page says a sentence that is the same on every file of its kind: a sentence that
does not depend on the file tells the reader nothing (the old generator's "No obvious
security concerns detected"). Checked on a built HTML site and on the Markdown export of a
tree with several files of each kind."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import write_tree

from xrefdoc.commands.cli import main

MODULE = '''"""{doc}"""

import json
from dataclasses import dataclass


@dataclass
class {name}:
    size: int

    def load(self, path: str) -> dict:
        with open(path) as stream:
            return json.load(stream)


def make_{lower}(size: int) -> {name}:
    return {name}(size)
'''
TEST = """from pkg.{lower} import {name}, make_{lower}


def test_make():
    assert make_{lower}(1).size == 1


class Test{name}:
    def test_size(self):
        assert {name}(2).size == 2
"""
NAMES = ("Pump", "Valve", "Gauge")
FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "from .pump import Pump\nfrom .valve import Valve\n",
    "tools/__init__.py": "",
    "tools/report.py": "import sys\n\n\ndef main():\n    print(sys.argv)\n\n\nmain()\n",
    "README.md": "# Plant\n\nPumps and valves.\n\n## Install\n",
    "docs/guide.md": "# Guide\n\nUse `Pump`.\n",
    "docs/faq.md": "# FAQ\n\n## Why\n\n## How\n",
    "config/a.json": '{\n  "pumps": 2\n}\n',
    "config/b.json": '{\n  "valves": 3,\n  "gauges": 1\n}\n',
    "config/a.yaml": "name: a\nsize: 1\n",
    "config/b.yaml": "kind: b\n",
    "pyproject.toml": "[project]\nname = 'plant'\n\n[tool.pytest.ini_options]\naddopts = '-q'\n",
    "config/tool.toml": "[server]\nport = 8080\n",
    "native/a.c": '#include <stdlib.h>\nint run(void) { return system("ls"); }\n',
    "native/b.c": "int add(int a, int b) { return a + b; }\n",
    "web/a.js": "export function start() { return 1; }\n",
    "web/b.js": "const x = eval('1');\nexport default x;\n",
    "assets/a.bin": b"\x00\x01binary",
    "assets/b.bin": b"\x00\x02\x03other",
    "notes.txt": "",
    "empty.py": "",
}
for _name in NAMES:
    _lower = _name.lower()
    FILES[f"pkg/{_lower}.py"] = MODULE.format(doc=f"The {_lower}.", name=_name, lower=_lower)
    FILES[f"tests/test_{_lower}.py"] = TEST.format(name=_name, lower=_lower)


def is_sentence(text: str) -> bool:
    """Three words at least: a field's value ("Python", "12 KB") is no sentence."""
    return len(text.split()) >= 3


class _Sentences(HTMLParser):
    """The text of every paragraph and list item of a page's main part, but navigation (a
    ``<nav>``, or an element that is one link and nothing else). Fields (``<dl>``) and table
    cells are values, not sentences."""

    BLOCKS = frozenset({"p", "li"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, list[str], list[str]]] = []
        self.lists: list[int] = []  # for each list open, how many blocks were open at it
        self.in_main = False
        self.in_nav = 0
        self.in_link = False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and ("role", "main") in attrs:
            self.in_main = True
        self.in_nav += tag == "nav"
        if tag in ("ul", "ol"):
            self.lists.append(len(self.open))
        elif tag == "li" and self._item_open():
            self.handle_endtag("li")  # HTML leaves an item's end tag out before the next
        if tag in self.BLOCKS:
            self.open.append((tag, [], []))
        if tag == "a" and self.open:
            self.in_link = True
            self.open[-1][2].append("")

    def _item_open(self) -> bool:
        """Whether an item of the innermost list is open, which its list's end closes."""
        depth = self.lists[-1] if self.lists else 0
        return bool(self.open) and self.open[-1][0] == "li" and len(self.open) > depth

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            while self._item_open():
                self.handle_endtag("li")
            if self.lists:
                self.lists.pop()
        self.in_nav -= tag == "nav"
        if tag == "a":
            self.in_link = False
        if tag in self.BLOCKS and self.open and self.open[-1][0] == tag:
            _, parts, links = self.open.pop()
            text = " ".join("".join(parts).split())
            only_a_link = len(links) == 1 and " ".join(links[0].split()) == text
            if self.in_main and not self.in_nav and is_sentence(text) and not only_a_link:
                self.found.append(text)
            if self.open:
                self.open[-1][1].append("".join(parts))

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][1].append(data)
            if self.in_link:
                self.open[-1][2][-1] += data


def html_sentences(page: Path) -> set[str]:
    parser = _Sentences()
    parser.feed(page.read_text(encoding="utf-8"))
    return set(parser.found)


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def markdown_sentences(page: Path) -> set[str]:
    """Every list item and paragraph line outside code blocks, but lines that are links
    alone (navigation) and fields (``**Language:** Python``)."""
    found = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.strip() or line.startswith(("#", "|", "```")):
            continue
        text = line.lstrip("- ").strip()
        if _LINK.sub("", text).strip(" ·/*") == "" or text.startswith("**"):
            continue
        if not is_sentence(text):
            continue
        found.add(text)
    return found


def kind_of(page: Path, suffix: str) -> str | None:
    """A file page's kind (its page type and the file's extension), a folder page's kind,
    or None for the keyword pages (whose sentences are about keywords, not files)."""
    name = page.name[: -len(suffix)]
    for page_type in ("_docs", "_kw"):
        if name.endswith(page_type):
            file_name = name[: -len(page_type)]
            return page_type + (Path(file_name).suffix or file_name)
    if name in ("index", "doc") and not page.parent.name.startswith("_"):
        return name
    return None


def assert_no_sentence_on_every_page_of_a_kind(pages: dict[str, list[set[str]]]) -> None:
    checked = 0
    for kind, sentences in pages.items():
        if len(sentences) < 2:
            continue
        checked += 1
        same = set.intersection(*sentences)
        assert not same, f"on all {len(sentences)} pages of kind {kind}: {sorted(same)}"
    assert checked >= 10, "the tree has several files of many kinds"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("plant"), FILES)


def sentences_by_kind(
    folder: Path, suffix: str, sentences: Callable[[Path], set[str]]
) -> dict[str, list[set[str]]]:
    """The sentences of every page of ``folder`` (Sphinx's static files aside), by kind."""
    pages: dict[str, list[set[str]]] = defaultdict(list)
    for page in folder.rglob(f"*{suffix}"):
        kind = kind_of(page, suffix)
        if kind is not None and "_static" not in page.parts:
            pages[kind].append(sentences(page))
    return pages


def test_no_html_page_says_what_every_page_of_its_kind_says(tree: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["build", str(tree), "-o", str(site), "-q"]) == 0
    pages = sentences_by_kind(site, ".html", html_sentences)
    # The kinds are there, with what they must show.
    assert len(pages["_docs.py"]) >= 9 and len(pages["_docs.bin"]) == 2
    assert any("Test module of" in sentence for s in pages["_docs.py"] for sentence in s)
    assert_no_sentence_on_every_page_of_a_kind(pages)


def test_no_markdown_page_says_what_every_page_of_its_kind_says(tree: Path, tmp_path: Path) -> None:
    output = tmp_path / "md"
    assert main(["generate", str(tree), "-o", str(output), "-q"]) == 0
    pages = sentences_by_kind(output, ".md", markdown_sentences)
    assert len(pages["_docs.py"]) >= 9
    assert_no_sentence_on_every_page_of_a_kind(pages)
