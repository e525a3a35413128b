"""``xrefdoc diff A B`` on a git repository the test makes with three tagged versions: a
function added, one whose signature changes, one removed, a class moved to another file, a
body-only change; and the one-line errors of refs and trees git cannot give."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import git, git_repository, run_xrefdoc, write_tree

from xrefdoc.analyze import rule_names
from xrefdoc.core.settings import command_settings
from xrefdoc.history.apidiff import Definition, definitions, introduced, tree_known
from xrefdoc.pipeline.scan import scan

V1 = {
    "pkg/__init__.py": "",
    "pkg/core.py": """
        def run(task):
            return task()


        def stop(task):
            return None


        def helper(value):
            return value + 1


        class Engine:
            def start(self):
                return 1

            def halt(self):
                return 0
        """,
    "README.md": "# Demo\n",
}
V2 = {
    **V1,
    "pkg/core.py": """
        def run(task, retries=3):
            return task()


        def stop(task):
            return None


        def helper(value):
            return value + 2


        def added_in_two(flag):
            return flag
        """,
    "pkg/engine.py": """
        class Engine:
            def start(self):
                return 1

            def halt(self):
                return 0
        """,
}
V3 = {
    **V2,
    "pkg/core.py": """
        def run(task, retries=3):
            return task()


        def helper(value):
            return value + 2


        def added_in_two(flag):
            return flag
        """,
}


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("diff") / "repo", V1)
    git_repository(root)
    git(root, "tag", "v1")
    for tag, files in (("v2", V2), ("v3", V3)):
        write_tree(root, files)
        git(root, "add", "-A")
        git(root, "commit", "-qm", tag)
        git(root, "tag", tag)
    (root / "pkg" / "core.py").write_text("def uncommitted():\n    pass\n")  # never read
    return root


def diff_json(root: Path, *arguments: str) -> dict:
    done = run_xrefdoc("diff", *arguments, "--root", str(root), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def names(shown: dict, what: str) -> list[str]:
    return [entry["name"] for entry in shown[what]]


def test_the_json_lists_what_was_added_removed_moved_and_changed(repository: Path) -> None:
    shown = diff_json(repository, "v1", "v2")
    assert shown["old"]["ref"] == "v1"
    assert shown["old"]["commit"] == git(repository, "rev-parse", "v1")
    assert names(shown, "added") == ["added_in_two"]
    assert shown["added"][0]["new"] == {
        "path": "pkg/core.py",
        "line": 13,
        "kind": "function",
        "signature": "(flag)",
    }
    assert names(shown, "changed") == ["run"]
    changed = shown["changed"][0]
    assert (changed["old"]["signature"], changed["new"]["signature"]) == (
        "(task)",
        "(task, retries=3)",
    )
    # The class moved with its methods: one entry, not three.
    assert names(shown, "moved") == ["Engine"]
    assert shown["moved"][0]["old"]["path"] == "pkg/core.py"
    assert shown["moved"][0]["new"]["path"] == "pkg/engine.py"
    assert names(shown, "removed") == []
    # helper's body changed, not its signature: counted, not listed.
    assert shown["body_only"] == [{"path": "pkg/core.py", "definitions": 1}]


def test_a_removed_function_is_listed_as_removed(repository: Path) -> None:
    shown = diff_json(repository, "v2", "v3")
    assert names(shown, "removed") == ["stop"]
    assert shown["removed"][0]["old"]["signature"] == "(task)"
    assert names(shown, "added") == names(shown, "changed") == names(shown, "moved") == []


def test_the_terminal_shows_a_line_per_change(repository: Path) -> None:
    done = run_xrefdoc("diff", "v1", "v3", "--root", str(repository))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("v1 (")
    assert "1 removed, 1 changed, 1 moved, 1 added" in lines[0]
    assert "- function  pkg/core.py:5  stop(task)" in lines
    assert "~ function  pkg/core.py:1  run(task, retries=3)  (was run(task))" in lines
    assert "+ function  pkg/core.py:9  added_in_two(flag)" in lines
    assert "> class     pkg/core.py:13 -> pkg/engine.py:1  Engine" in lines
    assert "  pkg/core.py: 1 changed in body only" in lines


def test_a_tree_in_a_folder_of_the_repository_is_read_from_that_folder(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"lib/src/mod.py": "def one():\n    pass\n"})
    git_repository(root)
    git(root, "tag", "a")
    write_tree(root, {"lib/src/mod.py": "def one():\n    pass\n\n\ndef two():\n    pass\n"})
    git(root, "commit", "-qam", "two")
    shown = diff_json(root / "lib", "a", "HEAD")
    assert [(e["name"], e["new"]["path"]) for e in shown["added"]] == [("two", "src/mod.py")]


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        ("v9", "no such ref in"),
        ("--output=x", "not a ref: --output=x"),
    ],
)
def test_a_ref_that_does_not_exist_is_one_line(repository: Path, ref: str, said: str) -> None:
    done = run_xrefdoc("diff", "--root", str(repository), "--", "v1", ref)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and said in done.stderr, done.stderr


def test_a_tree_outside_git_is_one_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", {"a.py": "x = 1\n"})
    done = run_xrefdoc("diff", "v1", "v2", "--root", str(root))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"xrefdoc: error: {root} is not in a git repository; versions are read from git"
    )


def test_a_shallow_clone_says_what_it_lacks(repository: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repository}", str(clone))
    done = run_xrefdoc("diff", "v1", "HEAD", "--root", str(clone))
    assert done.returncode == 2
    assert "no such ref" in done.stderr and "shallow clone" in done.stderr, done.stderr
    shutil.rmtree(clone)


def test_a_definition_keeps_the_version_it_came_in_when_it_moves() -> None:
    def found(*definitions: tuple[str, str]) -> dict[tuple[str, str], Definition]:
        return {
            (path, name): Definition(path, name, "function", "()", 1, "")
            for path, name in definitions
        }

    since = introduced(
        [
            ("v1", found(("a.py", "run"))),
            ("v2", found(("a.py", "run"), ("a.py", "stop"))),
            ("v3", found(("b.py", "run"), ("a.py", "stop"), ("a.py", "go"))),
        ]
    )
    assert since["v3"] == {("b.py", "run"): "v1", ("a.py", "stop"): "v2", ("a.py", "go"): "v3"}


def test_a_file_the_version_before_had_as_it_is_takes_its_definitions_from_there(
    tmp_path: Path,
) -> None:
    tree = write_tree(tmp_path / "tree", V2)
    before = tree_known(tree, {}, use_cache=False)
    write_tree(tree, V3)
    records = scan(command_settings(tree, {}, rule_names=rule_names), use_cache=False).records
    read_anew = definitions(records, tree)
    # The engine is as it was: taken from the version before, so not read again.
    (tree / "pkg" / "engine.py").unlink()
    taken = definitions(records, tree, before)
    assert taken == read_anew
    assert ("pkg/engine.py", "Engine.start") in taken
    # The core changed: read again, without the function V3 removed.
    assert ("pkg/core.py", "stop") in before.definitions
    assert ("pkg/core.py", "stop") not in taken
