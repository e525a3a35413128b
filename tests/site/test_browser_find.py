"""Finding things by name in a real browser (headless Chromium) on a site built from a fixture
tree: files and folders on the search page, the file finder (``t``, or the Files button on a
phone), the keyword box matching inside names and by their humps, and the keyword box's form
without JavaScript. Screenshots of the finder and of the search page's path matches at
desktop and phone widths go to ``_build/screenshots``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import DESKTOP, PHONE, opened_page, served, shoot
from helpers import git_repository, write_tree

from xrefdoc.commands.cli import main

CORE = '''"""Commands and groups."""


class Command:
    def invoke(self, context):
        return self._invoke_callback(context)

    def _invoke_callback(self, context):
        return context


class Group(Command):
    def invoke(self, context):
        return Command.invoke(self, context)


def create_command():
    return Command()
'''
TESTING = '''"""Running commands in tests."""

from .core import Command


class CliRunner:
    def invoke(self, command: Command):
        return command.invoke(None)


def crawl():
    return CliRunner()
'''
COMPLETION = '''"""Completion in the shell."""


def shell_complete(command, words):
    return [word for word in words if word]


def show_completion():
    return shell_complete(None, ["a"])
'''
FILES: dict[str, str | bytes] = {
    "README.md": "# Tool\n\nCommands, groups and shell completion.\n",
    "pyproject.toml": '[project]\nname = "tool"\nversion = "2.1.0"\n',
    "src/tool/__init__.py": "from .core import Command, Group\n",
    "src/tool/core.py": CORE,
    "src/tool/testing.py": TESTING,
    "src/tool/shell_completion.py": COMPLETION,
    "docs/README.md": "# The docs\n",
    "tests/test_shell_completion.py": "from tool.shell_completion import shell_complete\n\n\n"
    "def test_complete():\n    assert shell_complete(None, ['a']) == ['a']\n",
}


@pytest.fixture(scope="module")
def tool_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The fixture tree, a clone of a GitHub repository (the file pages link their lines
    there), and its commit."""
    tree = write_tree(tmp_path_factory.mktemp("tool"), FILES)
    return tree, git_repository(tree, "git@github.com:org/tool.git")


@pytest.fixture(scope="module")
def site(tool_tree: tuple[Path, str]) -> Iterator[str]:
    tree, _ = tool_tree
    output = tree / "_build" / "html"
    assert main(["build", str(tree), "-o", str(output), "-q"]) == 0
    with served(output) as url:
        yield url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    yield from opened_page(chromium, viewport=DESKTOP)


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from opened_page(chromium, viewport=PHONE)


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def search(page: Any, site: str, query: str) -> Any:
    page.goto(site + "src/tool/core.py_docs.html")
    page.fill("#xt-search-input", query)
    page.press("#xt-search-input", "Enter")
    return page.locator(".xref-path-results")


def test_searching_a_file_name_lists_the_file_above_the_search_results(
    page: Any, site: str
) -> None:
    found = search(page, site, "README")
    found.locator("li").first.wait_for()
    assert found.locator("h2").inner_text() == "Files and folders"
    texts = found.locator("li").all_inner_texts()
    # The root's README first (the shorter path), then the docs' one; nothing else.
    assert [" ".join(text.split()) for text in texts] == ["README.md", "README.md docs/"]
    shoot(page, "search-paths-desktop")
    with page.expect_navigation():
        found.locator("a").first.click()
    assert page.url.endswith("/README.md_docs.html")
    assert page.inner_text("h1") == "README.md"


def test_searching_a_path_with_its_extension_finds_the_file(page: Any, site: str) -> None:
    found = search(page, site, "shell_completion.py")
    found.locator("li").first.wait_for()
    links = found.locator("a")
    assert links.count() == 2  # the module and its test, the module first
    assert links.first.get_attribute("href").endswith("src/tool/shell_completion.py_docs.html")
    assert "tests/" in found.locator("li").nth(1).inner_text()


def test_a_search_that_names_no_path_adds_nothing(page: Any, site: str) -> None:
    search(page, site, "zzqq")
    page.wait_for_selector("#search-results p, #search-results h2", timeout=15000)
    assert page.locator(".xref-path-results").count() == 0


def _find(page: Any, typed: str) -> None:
    """Open the file finder with t and type ``typed``, until it lists what it found."""
    page.keyboard.press("t")
    page.keyboard.type(typed)
    page.wait_for_selector("#xref-finder-list [role=option]")


def test_t_opens_the_file_finder_and_enter_opens_the_best_match(page: Any, site: str) -> None:
    page.goto(site + "index.html")
    assert page.locator("#xref-finder-input").count() == 0, "nothing before it is asked for"
    page.keyboard.press("t")
    finder = page.locator("dialog.xref-finder")
    assert finder.is_visible()
    assert page.evaluate("document.activeElement.id") == "xref-finder-input"
    page.keyboard.type("shcomp")
    page.wait_for_selector("#xref-finder-list [role=option]")
    options = [" ".join(t.split()) for t in page.locator("#xref-finder-list li").all_inner_texts()]
    # The module whose name spells it first, its test next; nothing that lacks the letters.
    assert options == ["shell_completion.py src/tool/", "test_shell_completion.py tests/"]
    shoot(page, "file-finder-desktop")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/src/tool/shell_completion.py_docs.html")


def test_the_finder_moves_with_the_arrows_finds_folders_and_closes_with_escape(
    page: Any, site: str
) -> None:
    page.goto(site + "src/tool/core.py_docs.html")
    _find(page, "tool")
    first = page.locator("#xref-finder-list li").first
    assert " ".join(first.inner_text().split()) == "tool/ src/", "the folder named so comes first"
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    assert page.locator("#xref-finder-list li").nth(1).get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert not page.locator("dialog.xref-finder").is_visible()
    # Typing t in a text box types it, and opens nothing.
    page.fill("#xt-search-input", "")
    page.focus("#xt-search-input")
    page.keyboard.type("t")
    assert page.input_value("#xt-search-input") == "t"
    assert not page.locator("dialog.xref-finder").is_visible()
    # A folder's result leads to its index page.
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 400})
    _find(page, "src/tool")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/src/tool/index.html")


def test_on_a_phone_the_files_button_opens_the_finder_within_the_screen(
    phone: Any, site: str
) -> None:
    phone.goto(site + "src/tool/core.py_docs.html")
    phone.get_by_role("button", name="Files").click()
    phone.locator("#xref-finder-input").fill("testing")
    phone.wait_for_selector("#xref-finder-list [role=option]")
    box = phone.locator("dialog.xref-finder").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    no_sideways_scroll(phone)
    shoot(phone, "file-finder-phone")
    with phone.expect_navigation():
        phone.locator("#xref-finder-list a").first.click()
    assert phone.url.endswith("/src/tool/testing.py_docs.html")


def test_search_page_paths_on_a_phone(phone: Any, site: str) -> None:
    phone.goto(site + "search.html?q=shell_completion")
    phone.locator(".xref-path-results li").first.wait_for()
    no_sideways_scroll(phone)
    shoot(phone, "search-paths-phone")


def suggestions(page: Any, query: str) -> list[str]:
    # Emptied first, the box closes: the suggestions waited for are the query's own.
    page.fill("#xt-kw-input", "")
    page.fill("#xt-kw-input", query)
    page.wait_for_selector("#xt-kw-list [role=option]")
    # Each suggestion's name (its code), and the text of a section's heading.
    return list(
        page.eval_on_selector_all(
            "#xt-kw-list li",
            "items => items.map(i => (i.querySelector('code') || i).textContent)",
        )
    )


def test_the_keyword_box_matches_humps_and_inside_names(page: Any, site: str) -> None:
    page.goto(site + "index.html")
    # A capital typed matches a capital: CR spells CliRunner's humps first, then the names it
    # starts whatever their case; all in small letters, the names it starts come first.
    assert suggestions(page, "CR")[:3] == ["CliRunner", "crawl", "create_command"]
    assert suggestions(page, "cr")[:3] == ["crawl", "create_command", "CliRunner"]
    assert suggestions(page, "shcomp")[0] == "shell_complete"
    # A name it starts comes first, then humps, then names it is inside of.
    found = suggestions(page, "invoke")
    assert found[0] == "invoke"
    assert "_invoke_callback" in found
    assert found.index("invoke") < found.index("_invoke_callback")
    # Paths are a section of their own, after the keywords.
    found = suggestions(page, "shell_comp")
    assert found[0] == "shell_complete"
    assert "Files and folders" in found
    assert "src/tool/shell_completion.py" in found[found.index("Files and folders") :]
    shoot(page, "keyword-box-humps-desktop")
    page.fill("#xt-kw-input", "")
    assert suggestions(page, "shcomp")[0] == "shell_complete"
    with page.expect_navigation():
        page.press("#xt-kw-input", "Enter")
    assert page.url.endswith("keywords-s.html#kw-shell_complete")
    assert page.locator("#kw-shell_complete").is_visible()


def test_the_keyword_index_opened_with_a_name_goes_to_its_entry(page: Any, site: str) -> None:
    page.goto(site + "keywords.html?kw=CliRunner")
    page.wait_for_url("**/keywords-c.html#kw-CliRunner")
    assert page.locator("#kw-CliRunner").is_visible()
    # A name that is no keyword: the box lists what it matches.
    page.goto(site + "keywords.html?kw=shcomp")
    page.wait_for_selector("#xt-kw-list [role=option]")
    assert page.input_value("#xt-kw-input") == "shcomp"
    assert page.locator("#xt-kw-list [role=option]").first.inner_text().startswith("shell_complete")


def test_without_javascript_the_keyword_form_lands_on_the_letters_with_their_ranges(
    chromium: Any, site: str
) -> None:
    for page in opened_page(chromium, viewport=DESKTOP, java_script_enabled=False):
        page.goto(site + "src/tool/core.py_docs.html")
        page.fill("#xt-kw-input", "shell_complete")
        with page.expect_navigation():
            page.press("#xt-kw-input", "Enter")
        assert "keywords.html?kw=shell_complete" in page.url
        # The overview says what to do, and its letter leads to the entry.
        assert "Without JavaScript" in page.inner_text("main, [role=main]")
        assert page.get_by_role("button", name="Files").is_hidden()
        page.get_by_role("link", name="S", exact=True).click()
        assert page.url.endswith("keywords-s.html")
        assert page.locator("#kw-shell_complete").is_visible()


def test_selected_lines_link_to_the_same_lines_on_the_forge(
    page: Any, site: str, tool_tree: tuple[Path, str]
) -> None:
    _, commit = tool_tree
    page.goto(site + "src/tool/core.py_docs.html#L5-L9")
    assert page.title() == "src/tool/core.py — tool 2.1.0"
    # The footer names the commit the site was built from (from _xref/build.js).
    footer = page.locator("footer")
    assert " ".join(footer.inner_text().split()) == (
        f"tool 2.1.0 · built from commit {commit[:12]} · Made with xrefdoc"
    )
    assert footer.get_by_role("link").get_attribute("href") == (
        f"https://github.com/org/tool/commit/{commit}"
    )
    # The file's facts link the file on GitHub at that commit.
    blob = f"https://github.com/org/tool/blob/{commit}/src/tool/core.py"
    facts = page.locator("#file-metadata")
    assert facts.get_by_role("link", name="View on GitHub").get_attribute("href") == blob
    bar = page.locator(".xref-permalink")
    link = bar.get_by_role("link", name="View on GitHub")
    href = link.get_attribute("href")
    assert href == blob + "#L5-L9"
    shoot(page, "forge-links-desktop")
    # Another line chosen: the link follows.
    # Shift-click on the number (drawn by CSS, left of the code) extends the selection.
    page.click("#L12", position={"x": 8, "y": 5}, modifiers=["Shift"])
    assert link.get_attribute("href") == blob + "#L5-L12"
    page.goto(site + "src/tool/core.py_docs.html#L14")
    assert (
        page.locator(".xref-permalink a.xref-forge-lines").get_attribute("href")
        == blob + "#L14-L14"
    )


def test_a_symbol_link_selects_its_line_with_a_link_to_it_on_the_forge(
    page: Any, site: str, tool_tree: tuple[Path, str]
) -> None:
    _, commit = tool_tree
    line = CORE.splitlines().index("class Group(Command):") + 1
    page.goto(site + "src/tool/core.py_docs.html#sym-Group")
    bar = page.locator(".xref-permalink")
    assert bar.locator("span").first.inner_text() == f"Line {line}"
    assert bar.get_by_role("link", name="View on GitHub").get_attribute("href") == (
        f"https://github.com/org/tool/blob/{commit}/src/tool/core.py#L{line}-L{line}"
    )


def test_the_commit_and_forge_links_on_a_phone(phone: Any, site: str) -> None:
    phone.goto(site + "src/tool/core.py_docs.html#L5-L9")
    phone.locator(".xref-permalink a.xref-forge-lines").wait_for()
    phone.locator("footer code").scroll_into_view_if_needed()
    no_sideways_scroll(phone)
    shoot(phone, "forge-links-phone")


def test_without_javascript_no_commit_and_no_forge_link(chromium: Any, site: str) -> None:
    for page in opened_page(chromium, viewport=DESKTOP, java_script_enabled=False):
        page.goto(site + "src/tool/core.py_docs.html#L5-L9")
        assert " ".join(page.locator("footer").inner_text().split()) == (
            "tool 2.1.0 · Made with xrefdoc"
        )
        assert page.get_by_role("link", name="View on GitHub").count() == 0
