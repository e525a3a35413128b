"""The project's identity: its name and version from the tree's metadata files, the commit
from git, and the forge's links from origin's URL or the settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import git_repository, write_tree

from xrefdoc.core.identity import (
    check_forge,
    check_link_template,
    forge_of,
    project_identity,
    project_metadata,
    repository_url,
)


def metadata(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[tuple[str, str], list[str]]:
    warnings: list[str] = []
    root = write_tree(tmp_path / "tree", files)
    return project_metadata(root, warnings.append), warnings


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": '[project]\nname = "click"\nversion = "8.5.1"\n'}, ("click", "8.5.1")),
        # A version the build backend computes is not known.
        (
            {"pyproject.toml": '[project]\nname = "rich"\ndynamic = ["version"]\n'},
            ("rich", ""),
        ),
        (
            {"pyproject.toml": '[tool.poetry]\nname = "rich"\nversion = "15.0.0"\n'},
            ("rich", "15.0.0"),
        ),
        ({"package.json": '{"name": "express", "version": "5.1.0"}'}, ("express", "5.1.0")),
        (
            {"Cargo.toml": '[package]\nname = "ripgrep"\nversion = "14.1.1"\n'},
            ("ripgrep", "14.1.1"),
        ),
        ({"go.mod": "module github.com/spf13/cobra\n\ngo 1.21\n"}, ("cobra", "")),
        ({"go.mod": "module github.com/org/tool/v2\n"}, ("tool", "")),
        ({"setup.cfg": "[metadata]\nname = old\nversion = 1.0\n"}, ("old", "1.0")),
        ({"setup.cfg": "[metadata]\nname = old\nversion = attr: old.__version__\n"}, ("old", "")),
        # pyproject.toml before package.json; one that names nothing gives way to the next.
        (
            {
                "pyproject.toml": '[project]\nname = "py"\nversion = "1"\n',
                "package.json": '{"name": "js", "version": "2"}',
            },
            ("py", "1"),
        ),
        (
            {
                "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
                "package.json": '{"name": "js"}',
            },
            ("js", ""),
        ),
        ({"README.md": "# nothing\n"}, ("", "")),
    ],
)
def test_name_and_version_from_the_trees_metadata(
    tmp_path: Path, files: dict[str, str | bytes], expected: tuple[str, str]
) -> None:
    found, warnings = metadata(tmp_path, files)
    assert found == expected
    assert warnings == []


def test_a_broken_metadata_file_is_a_warning_and_the_next_one_counts(tmp_path: Path) -> None:
    found, warnings = metadata(
        tmp_path,
        {
            "pyproject.toml": "[project\nname = ",
            "package.json": "{not json",
            "go.mod": "module x/y\n",
        },
    )
    assert found == ("y", "")
    assert len(warnings) == 2
    assert "pyproject.toml: not read" in warnings[0] and "package.json: not read" in warnings[1]


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:org/proj.git", "https://github.com/org/proj"),
        ("https://github.com/org/proj.git", "https://github.com/org/proj"),
        ("https://user:token@gitlab.com/group/sub/proj.git", "https://gitlab.com/group/sub/proj"),
        ("ssh://git@codeberg.org:2222/org/proj.git", "https://codeberg.org/org/proj"),
        ("http://git.local:3000/org/proj/", "http://git.local:3000/org/proj"),
        ("/srv/git/proj.git", ""),
        ("../proj", ""),
        ("", ""),
    ],
)
def test_a_remote_is_the_web_address_of_its_repository(remote: str, expected: str) -> None:
    assert repository_url(remote) == expected


def test_the_forge_is_told_by_the_host() -> None:
    assert forge_of("https://github.com/org/proj") == "github"
    assert forge_of("https://gitlab.example.org/org/proj") == "gitlab"
    assert forge_of("https://codeberg.org/org/proj") == "gitea"
    assert forge_of("https://git.example.org/org/proj") is None


def test_settings_of_the_forge_are_checked() -> None:
    assert check_forge("forge", "gitlab") == "gitlab"
    with pytest.raises(
        ValueError, match="forge must be one of github, gitlab, gitea, got 'bitbucket'"
    ):
        check_forge("forge", "bitbucket")
    template = "{repository}/view/{commit}/{path}?line={line}"
    assert check_link_template("t", template) == template
    with pytest.raises(ValueError, match=r"t: no field \{branch\}"):
        check_link_template("t", "{repository}/{branch}/{path}")
    with pytest.raises(ValueError, match=r"must have \{path\}"):
        check_link_template("t", "{repository}/{commit}")


def repository(tmp_path: Path, remote: str | None) -> tuple[Path, str]:
    """A git repository with the tree in its ``lib/`` folder, one commit; its commit."""
    top = write_tree(
        tmp_path / "repo",
        {"lib/pyproject.toml": '[project]\nname = "lib"\nversion = "0.3"\n', "lib/m.py": "x = 1\n"},
    )
    return top / "lib", git_repository(top, remote)


def test_a_tree_in_a_repository_links_its_files_at_the_commit(tmp_path: Path) -> None:
    root, commit = repository(tmp_path, "git@gitlab.com:group/lib.git")
    identity = project_identity(root, warn=pytest.fail)
    assert (identity.name, identity.version, identity.commit) == ("lib", "0.3", commit)
    assert identity.short_commit == commit[:12] and not identity.dirty
    # The tree is lib/ of the repository: its paths there start with lib/.
    assert identity.lines_link("m.py", 3, 5) == (
        f"https://gitlab.com/group/lib/-/blob/{commit}/lib/m.py#L3-5"
    )
    assert (
        identity.file_link("a b.py") == f"https://gitlab.com/group/lib/-/blob/{commit}/lib/a%20b.py"
    )
    assert identity.commit_url == f"https://gitlab.com/group/lib/-/commit/{commit}"
    # A change to a tracked file makes it dirty; a file git does not track does not.
    (root / "new.txt").write_text("untracked\n")
    assert not project_identity(root, warn=pytest.fail).dirty
    (root / "m.py").write_text("x = 2\n")
    assert project_identity(root, warn=pytest.fail).dirty


def test_settings_override_what_the_tree_says(tmp_path: Path) -> None:
    root, commit = repository(tmp_path, "git@github.com:org/lib.git")
    identity = project_identity(
        root,
        project="Library",
        version="",
        repository="https://git.example.org/org/lib",
        forge="gitea",
        warn=pytest.fail,
    )
    assert (identity.name, identity.version, identity.forge_title) == ("Library", "", "Gitea")
    assert identity.lines_link("m.py", 1, 2) == (
        f"https://git.example.org/org/lib/src/commit/{commit}/lib/m.py#L1-L2"
    )
    custom = project_identity(
        root,
        source_link_template="https://code.example.org/{commit}/{path}?from={line}&to={end_line}",
        warn=pytest.fail,
    )
    assert custom.lines_link("m.py", 4, 9) == (
        f"https://code.example.org/{commit}/lib/m.py?from=4&to=9"
    )
    assert custom.forge_title == "GitHub"


def test_no_commit_no_link(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", {"m.py": "x = 1\n"})
    identity = project_identity(root, repository="https://github.com/org/plain", warn=pytest.fail)
    assert identity.name == "plain" and identity.commit == ""
    assert identity.file_link("m.py") == "" and identity.commit_url == ""
    # A repository without origin: a commit, no link.
    root, commit = repository(tmp_path / "second", None)
    identity = project_identity(root, warn=pytest.fail)
    assert identity.commit == commit and identity.link_template == ""


def test_a_deeply_nested_metadata_file_is_a_warning(tmp_path: Path) -> None:
    found, warnings = metadata(
        tmp_path,
        {
            "pyproject.toml": "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
            "package.json": "[" * 100_000 + "]" * 100_000,
            "go.mod": "module x/y\n",
        },
    )
    assert found == ("y", "")
    assert len(warnings) == 2
    assert "pyproject.toml: not read" in warnings[0] and "package.json: not read" in warnings[1]


def test_a_folder_name_that_is_not_utf8_does_not_stop_it(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    folder = Path(os.fsdecode(os.fsencode(top) + b"/caf\xe9"))
    folder.mkdir(parents=True)
    (folder / "m.py").write_text("x = 1\n")
    commit = git_repository(top, "git@github.com:org/lib.git")
    identity = project_identity(folder, warn=pytest.fail)
    assert identity.commit == commit
    assert identity.file_link("m.py") == f"https://github.com/org/lib/blob/{commit}/caf%E9/m.py"


@pytest.mark.parametrize(
    "setting",
    [
        "git@github.com:org/lib.git",
        "https://github.com/org/lib.git",
        "https://github.com/org/lib/",
        "ssh://git@github.com/org/lib",
    ],
)
def test_the_repository_setting_is_the_web_address_of_its_pages(
    tmp_path: Path, setting: str
) -> None:
    root, commit = repository(tmp_path, None)
    identity = project_identity(root, repository=setting, warn=pytest.fail)
    assert identity.file_link("m.py") == f"https://github.com/org/lib/blob/{commit}/lib/m.py"
    assert identity.commit_url == f"https://github.com/org/lib/commit/{commit}"


def test_an_untracked_folder_inside_another_repository_has_no_commit(tmp_path: Path) -> None:
    root, _ = repository(tmp_path, "git@github.com:org/lib.git")
    inside = write_tree(root.parent / "vendored", {"v.py": "y = 1\n"})
    identity = project_identity(inside, warn=pytest.fail)
    assert (identity.commit, identity.link_template, identity.commit_url) == ("", "", "")
    assert not identity.dirty
