"""``xrefdoc build`` usage and configuration: one line, exit 2, nothing built is lost; the
tree's own ``[tool.xrefdoc]`` settings."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from helpers import assert_usage_error, run_xrefdoc, write_tree


def run_build(*args: str) -> subprocess.CompletedProcess[str]:
    return run_xrefdoc("build", *args)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tree and the site already built from it."""
    base = tmp_path_factory.mktemp("cli-build")
    tree = write_tree(base / "tree", {"pkg/core.py": "class Engine:\n    pass\n"})
    site = base / "site"
    completed = run_build(str(tree), "-o", str(site), "-q")
    assert completed.returncode == 0, completed.stderr
    return tree, site


@pytest.mark.parametrize(
    ("case", "fragments"),
    [
        ("missing source", ("SRC", "does not exist")),
        ("source is a file", ("SRC", "not a folder")),
        ("unknown option", ("--colour",)),
        ("bad option value", ("--source-cap", "lots")),
        ("unknown setting in pyproject", ("[tool.xrefdoc]", "'colour'")),
        ("bad setting in pyproject", ("[tool.xrefdoc] source_cap", "positive")),
        ("bad glob list in pyproject", ("[tool.xrefdoc] exclude", "list of glob patterns")),
    ],
)
def test_usage_and_setting_errors_are_one_line_and_keep_the_site(
    built: tuple[Path, Path], tmp_path: Path, case: str, fragments: tuple[str, ...]
) -> None:
    tree, site = built
    before = snapshot(site)
    source, extra = str(tree), []
    if case == "missing source":
        source = str(tmp_path / "nowhere")
    elif case == "source is a file":
        source = str(tree / "pkg/core.py")
    elif case == "unknown option":
        extra = ["--colour"]
    elif case == "bad option value":
        extra = ["--source-cap", "lots"]
    else:
        source = str(write_tree(tmp_path / "configured", {"a.py": "A = 1\n"}))
        setting = {
            "unknown setting in pyproject": 'colour = "blue"',
            "bad setting in pyproject": "source_cap = -1",
            "bad glob list in pyproject": 'exclude = "tests/*"',
        }[case]
        (tmp_path / "configured" / "pyproject.toml").write_text(f"[tool.xrefdoc]\n{setting}\n")
    assert_usage_error(run_build(source, "-o", str(site), "-q", *extra), *fragments)
    assert snapshot(site) == before


def test_pyproject_settings_apply_and_the_command_line_wins(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree",
        {
            "pyproject.toml": '[tool.xrefdoc]\nexclude = ["tests/"]\nsource_cap = 100\n',
            "pkg/core.py": "".join(f"VALUE_{n} = {n}\n" for n in range(40)),
            "tests/test_core.py": "def test_it():\n    pass\n",
        },
    )
    site = tmp_path / "site"
    assert run_build(str(tree), "-o", str(site), "-q").returncode == 0
    assert not (site / "tests").exists()
    assert "Source cut after line" in (site / "pkg/core.py_docs.html").read_text()

    wide = tmp_path / "wide"
    completed = run_build(str(tree), "-o", str(wide), "-q", "--exclude", "nothing/")
    assert completed.returncode == 0, completed.stderr
    assert (wide / "tests/test_core.py_docs.html").exists()


def test_a_bad_command_line_value_is_not_hidden_by_the_pyproject(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {"pyproject.toml": "[tool.xrefdoc]\nsource_cap = 100\n"})
    completed = run_build(str(tree), "-o", str(tmp_path / "site"), "--source-cap", "0")
    assert_usage_error(completed, "--source-cap", "positive")


def test_a_pyproject_that_is_not_toml_is_a_warning(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {"pyproject.toml": "[tool.xrefdoc\n", "a.py": "A = 1\n"})
    completed = run_build(str(tree), "-o", str(tmp_path / "site"), "-q")
    assert completed.returncode == 0, completed.stderr
    assert "pyproject.toml is not TOML" in completed.stderr
    assert (tmp_path / "site" / "pyproject.toml_docs.html").exists()


def test_a_generated_folder_in_the_tree_is_one_line_of_the_log(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path / "tree",
        {
            "pkg/core.py": "def run():\n    return 1\n",
        },
    )
    (tree / "dangling.py").symlink_to(tree / "gone.py")
    assert run_xrefdoc("generate", str(tree), "-o", str(tree / "docs/reference")).returncode == 0
    pages = sum(1 for page in (tree / "docs/reference").rglob("*") if page.is_file())
    built = run_xrefdoc("build", str(tree), "-o", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    skipped = [line for line in built.stdout.splitlines() if "not documented:" in line]
    assert skipped == [
        "xrefdoc: not documented: dangling.py (dangling or looping symbolic link)",
        f"xrefdoc: not documented: docs/reference/ (inside generated output docs/reference/, "
        f"{pages} files)",
    ]
