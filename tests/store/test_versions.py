"""The version digests: each covers the code its stage runs, found by following imports, so
no list of files is kept by hand; and the imports show which stage may use which."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import write_tree

from xrefdoc.store import versions
from xrefdoc.store.versions import code_version, module_closure

SOURCES = Path(versions.__file__).resolve().parents[2]


def loaded_modules(*modules: str) -> set[Path]:
    """The files of every xrefdoc module Python loads to import ``modules``."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps([m.__file__ for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'xrefdoc']))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SOURCES)},
    )
    return {Path(file).resolve() for file in json.loads(completed.stdout)}


@pytest.mark.parametrize(
    "modules",
    [["xrefdoc.extract", "xrefdoc.analyze"], ["xrefdoc.site.highlight"], ["xrefdoc.site.writer"]],
)
def test_a_closure_holds_every_module_python_loads_for_it(modules: list[str]) -> None:
    closure = set(module_closure(modules))
    missing = sorted(str(path) for path in loaded_modules(*modules) - closure)
    assert missing == []


def test_the_store_and_the_pipeline_import_nothing_of_the_site() -> None:
    # The pipeline runs extraction (and the site's highlighter only as a function handed in).
    closure = module_closure(["xrefdoc.store", "xrefdoc.pipeline"])
    assert closure
    site = SOURCES / "xrefdoc" / "site"
    assert [path for path in closure if path.is_relative_to(site)] == []


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small ``xrefdoc`` of our own, for the digests to read instead of the real one."""
    root = tmp_path / "src"
    write_tree(
        root,
        {
            "xrefdoc/__init__.py": "",
            "xrefdoc/core/__init__.py": "",
            "xrefdoc/core/model.py": "RECORD = 1\n",
            "xrefdoc/core/unused.py": "SPARE = 1\n",
            "xrefdoc/extract/__init__.py": "from xrefdoc.extract.python import (\n    run,\n)\n",
            "xrefdoc/extract/python.py": "from xrefdoc.core import model\n\ndef run(): ...\n",
            "xrefdoc/site/__init__.py": "",
            "xrefdoc/site/theme.css": "body {}\n",
        },
    )
    monkeypatch.setattr(versions, "_ROOT", root)
    versions._our_modules.cache_clear()
    yield root / "xrefdoc"
    versions._our_modules.cache_clear()


def test_a_digest_changes_with_a_module_imported_indirectly_and_not_with_another(
    package: Path,
) -> None:
    first = code_version(["xrefdoc.extract"], distributions=["pytest"])
    assert module_closure(["xrefdoc.extract"]) == sorted(
        package / name
        for name in (
            "__init__.py",
            "core/__init__.py",
            "core/model.py",
            "extract/__init__.py",
            "extract/python.py",
        )
    )
    (package / "core/unused.py").write_text("SPARE = 2\n")
    assert code_version(["xrefdoc.extract"], distributions=["pytest"]) == first
    (package / "core/model.py").write_text("RECORD = 2\n")
    assert code_version(["xrefdoc.extract"], distributions=["pytest"]) != first


def test_a_package_named_whole_counts_its_other_files_and_the_libraries_named(
    package: Path,
) -> None:
    first = code_version(["xrefdoc.site"])
    (package / "site/theme.css").write_text("body { margin: 0 }\n")
    second = code_version(["xrefdoc.site"])
    assert second != first
    assert code_version(["xrefdoc.site"], distributions=["pytest"]) != second
