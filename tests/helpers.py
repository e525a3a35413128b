"""Small shared helpers for the tests: writing a tree of files, and extracting it."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from xrefdoc.analyze.plugin import register_rules
from xrefdoc.core.model import FileRecord
from xrefdoc.extract.file_record import extract_file
from xrefdoc.extract.hooks import Hooks
from xrefdoc.site.data_scripts import script_value
from xrefdoc.xref.index import Index, build_index

# Extraction's hooks as a build registers them: every rule that reads one file.
RULES = register_rules(Hooks())


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` ({relative path: text}) under ``root`` and return ``root``.

    Text is dedented, so the tests can indent file bodies with the code around them;
    a leading newline is dropped. Bytes are written as they are.
    """
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = textwrap.dedent(content)
            if text.startswith("\n"):
                text = text[1:]
            path.write_text(text, encoding="utf-8", newline="\n")
    return root


def extract_tree(root: Path, files: dict[str, str | bytes]) -> dict[str, FileRecord]:
    """Write ``files`` under ``root`` and extract each one, its per-file rules run as a
    build runs them: {relative path: record}."""
    write_tree(root, files)
    return {relative: extract_file(root, relative, RULES) for relative in files}


def extract_one(root: Path, relative: str, text: str | bytes) -> FileRecord:
    """Write one file under ``root`` and return its record."""
    return extract_tree(root, {relative: text})[relative]


def index_tree(root: Path, files: dict[str, str | bytes]) -> Index:
    """Write ``files`` under ``root``, extract them and index the whole tree."""
    return build_index(extract_tree(root, files).values())


def run_xrefdoc(
    command: str, *args: str, cwd: Path | None = None, cores: set[int] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m xrefdoc COMMAND ARGS`` in a process of its own, its output as UTF-8; on
    only the ``cores`` given (its CPU affinity, as ``taskset`` sets it), if any: the process
    sets it itself, first thing (``preexec_fn`` is not safe beside threads)."""
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONWARNINGS", None)
    start = ["-m", "xrefdoc"]
    if cores is not None:
        start = ["-c", _ON_CORES.format(cores=sorted(cores))]
    return subprocess.run(
        [sys.executable, *start, command, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=cwd,
        env=env,
        timeout=120,
    )


# ``python -m xrefdoc`` on the cores given, as a program for ``python -c``.
_ON_CORES = (
    "import os, runpy, sys; os.sched_setaffinity(0, {cores}); "
    "sys.argv[0] = 'xrefdoc'; runpy.run_module('xrefdoc', run_name='__main__', alter_sys=True)"
)


def assert_usage_error(completed: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit code 2 and one line ``xrefdoc: error: ...`` holding each fragment, no traceback."""
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert lines[0].startswith("xrefdoc: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def git(root: Path, *arguments: str) -> str:
    """``git -C ROOT ARGUMENTS`` under a test author's name, its output stripped."""
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=T", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def commit_as(root: Path, message: str, seconds: int, author: str = "T") -> str:
    """A commit of everything in ``root`` by ``author``, dated ``seconds`` after 2024-01-01
    (so commits and versions have an order); its hash."""
    date = f"{1704067200 + seconds} +0000"
    email = f"{author.lower()}@example.org"
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    for arguments in (["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(["git", "-C", str(root), *arguments], check=True, env=environment)
    return git(root, "rev-parse", "HEAD")


def script_data(path: Path) -> Any:
    """The value a data script of the site (``xrefdocHistory({...});``) hands over."""
    return script_value(path.read_text(encoding="utf-8"))


def git_repository(root: Path, remote: str | None = None) -> str:
    """``git init`` of ``root``, one commit of everything in it and, if given, ``remote`` as
    origin (the forge the pages link to): the commit."""
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    if remote:
        git(root, "remote", "add", "origin", remote)
    return git(root, "rev-parse", "HEAD")


# Five classes define ``handle``, and ``plugin.handle`` is called on values of no known type:
# a match that may mean any of the five, which the symbol data lists once, in a shared list
# all five name (``site.symbol_data.SHARED_FROM``).
PLUGIN_FILES: dict[str, str | bytes] = {
    **{
        f"plugins/p{n}.py": f"class P{n}:\n    def handle(self, event):\n        return event\n"
        for n in range(1, 6)
    },
    "plugins/__init__.py": "",
    "shop/dispatch.py": (
        "def dispatch(plugins, event):\n"
        "    for plugin in plugins:\n"
        "        plugin.handle(event)\n"
        "    return [p.handle(event) for p in plugins]\n"
    ),
}


def tree_files(count: int) -> dict[str, str | bytes]:
    """Modules that import each other, some prose and data: enough for a build to take a
    few seconds, so it can be stopped in the middle."""
    files: dict[str, str | bytes] = {"README.md": "# Fleet\n\nSee `pkg.mod_0.Engine_0`.\n"}
    for n in range(count):
        after = (n + 1) % count
        files[f"pkg/sub_{n % 7}/mod_{n}.py"] = (
            f"from pkg.sub_{after % 7}.mod_{after} import Engine_{after}\n\n\n"
            f"class Engine_{n}:\n"
            f'    """Engine number {n}."""\n\n'
            f"    def run_{n}(self, value):\n"
            f"        return Engine_{after}().run_{after}(value) if value else {n}\n"
        )
        if n % 25 == 0:
            files[f"docs/note_{n}.md"] = f"# Note {n}\n\nUses `Engine_{n}.run_{n}`.\n"
            files[f"data/table_{n}.json"] = f'{{"engine": {n}, "name": "Engine_{n}"}}\n'
    return files


def site_files(site: Path) -> dict[str, bytes]:
    """What a reader gets: every page, the search index and the inventory."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.suffix in (".html", ".js", ".inv") and "_static" not in path.parts
    }


def differing(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def build_command(tree: Path, site: Path, *options: str) -> list[str]:
    """``xrefdoc build TREE -o SITE -q`` in a process of its own."""
    return [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(site), "-q", *options]


def start_build(tree: Path, site: Path) -> subprocess.Popen[str]:
    """A build started in a session of its own (so its processes can be found and
    stopped), its output kept."""
    return subprocess.Popen(
        build_command(tree, site),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def written(*folders: Path, leaving: str = "") -> dict[str, tuple[int, int]]:
    """Everything under ``folders``: when it was last written, and which file it is (a file
    replaced by an equal one is written too, for a deploy that compares times); not the
    files named ``leaving``."""
    return {
        str(path): (path.stat().st_mtime_ns, path.stat().st_ino)
        for folder in folders
        for path in folder.rglob("*")
        if path.name != leaving
    }


def whole_site(site: Path) -> dict[str, bytes]:
    """Every file of a site, as a reader (or a deploy) gets it."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


# A small package and a README, aged (``aged_tree``) by the build-state and change tests.
ENGINE_FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
    "README.md": "# Engines\n",
}


def aged_tree(root: Path, files: dict[str, str | bytes], seconds: float = -3600) -> Path:
    """``write_tree``, with every file's times moved by ``seconds`` (in the past by default:
    files changed just before a walk are read every time, see ``cache.file_stamp``)."""
    write_tree(root, files)
    age(root, seconds)
    return root


def age(root: Path, seconds: float = -3600) -> None:
    """Every file's times under ``root`` moved by ``seconds`` (in the past by default)."""
    moment = time.time() + seconds
    for path in root.rglob("*"):
        os.utime(path, (moment, moment))


def uncoloured(log: str) -> str:
    """A log as a reader of a plain file sees it: Sphinx colours its output when ``CI`` is set."""
    return re.sub(r"\x1b\[[0-9;]*m", "", log)


def load_bench(name: str) -> ModuleType:
    """The script ``bench/<name>.py`` as a module (the benches are scripts, not a package)."""
    path = Path(__file__).resolve().parent.parent / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module
