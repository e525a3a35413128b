"""Resolutions kept from one build for the next (``xref.reuse``): after each kind of edit,
the index built with what the last build kept is the index built from scratch, and the
files the edit cannot reach are not resolved again."""

from __future__ import annotations

import pickle
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import extract_tree

from xrefdoc.core.model import FileRecord
from xrefdoc.xref.index import Index, build_index, resolve_index
from xrefdoc.xref.reuse import Resolved

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "from .core import Engine, make\n",
    "pkg/core.py": """\
        class Base:
            def stop(self):
                return 0


        class Engine(Base):
            def start(self):
                return 1


        def make() -> Engine:
            return Engine()
        """,
    "pkg/extra.py": """\
        class Other:
            def start(self):
                return 2

            def stop(self):
                return 3
        """,
    "pkg/stars.py": "from .extra import *\n",
    "app.py": """\
        from pkg import make
        from pkg.stars import Other


        def main():
            engine = make()
            engine.start()
            engine.stop()
            return Other().start()


        def direct():
            from pkg import Engine
            return Engine().stop()
        """,
    "pkg/relative.py": "from . import helpers\n",
    "starred.py": "from pkg.stars import *\n\nOther().stop()\nlater()\n",
    "lib/mod.py": "def fetch():\n    return 1\n",
    "user.py": "import mod\n\nmod.fetch()\n",
    "unrelated.py": """\
        def alone():
            return len([])
        """,
    "tests/test_app.py": """\
        from app import main


        def test_main():
            assert main() == 2
        """,
    "c/state.h": """\
        #define STATE_SIZE 8
        typedef struct real_state lua_State;
        struct real_state { int top; };
        struct second { int top; };
        struct Engine { int stop(); };
        """,
    "c/engine.cpp": """\
        #include "state.h"
        int Engine::stop() { return 0; }
        """,
    "c/use.c": """\
        #include "state.h"
        #include "other.h"
        int size(lua_State *L) { return L->top + STATE_SIZE; }
        """,
    "c/alone.c": "int quiet(void) { return 0; }\n",
    "d/x.h": "struct X { int val; };\n",
    "d/y.h": "struct Y { int val; };\n",
    "d/t.h": "typedef struct X A;\n",
    "d/main.c": '#include "t.h"\nint f(A *p) { return p->val; }\n',
    "e/e.h": "struct Wheel { int spin(); };\nstruct Axle { int spin(); };\n",
    "e/b.cpp": "int Axle::spin() { return 0; }\n",
    "e/main.cpp": '#include "e.h"\nint go(Wheel *w) { return w->spin(); }\n',
    "f/t.h": "typedef struct CycB CycA;\ntypedef struct CycA CycB;\nstruct CycB { int val; };\n",
    "f/a.c": '#include "t.h"\nint f(CycB *p) { return p->val; }\n',
    "f/z.c": '#include "t.h"\nint g(CycA *q) { return q->val; }\n',
}

CORE = dedent(str(TREE["pkg/core.py"]))
TEST_X = "def test_x(engine):\n    engine.run()\n"

# Each edit: the files it rewrites (None: delete), and a file it cannot reach, which must be
# kept rather than resolved again.
EDITS: dict[str, tuple[dict[str, str | None], str]] = {
    "return type": (
        {
            "pkg/core.py": TREE["pkg/core.py"].replace(
                "def make() -> Engine:", "def make() -> Base:"
            )
        },  # type: ignore[union-attr]
        "unrelated.py",
    ),
    "re-export": (
        {"pkg/__init__.py": "from .extra import Other as Engine\nfrom .core import make\n"},
        "unrelated.py",
    ),
    "base class": (
        {
            "pkg/core.py": TREE["pkg/core.py"].replace("class Engine(Base):", "class Engine:")  # type: ignore[union-attr]
        },
        "c/use.c",
    ),
    "star import": (
        {"pkg/extra.py": "class Another:\n    pass\n"},
        "unrelated.py",
    ),
    "lines moved": (
        {"pkg/core.py": "\n\n\n" + TREE["pkg/core.py"]},  # type: ignore[operator]
        "unrelated.py",
    ),
    # What another file reads of ``pkg/core.py`` is as it was: its importers are kept.
    "method body edited": (
        {"pkg/core.py": TREE["pkg/core.py"].replace("return 1", "return 2")},  # type: ignore[union-attr]
        "app.py",
    ),
    "lines moved under an importer": (
        {"pkg/core.py": "# moved\n\n" + CORE},
        "app.py",
    ),
    "definition added after the others": (
        {"pkg/core.py": CORE + "\n\ndef later():\n    return 4\n"},
        "app.py",
    ),
    # ``starred.py`` mentions the name added behind its star import: it now means it.
    "definition added behind a star import": (
        {"pkg/extra.py": dedent(str(TREE["pkg/extra.py"])) + "\n\ndef later():\n    return 4\n"},
        "app.py",
    ),
    # Every definition after the new one moves along: what a kept use names by its
    # position would be another.
    "definition added before the others": (
        {"pkg/core.py": "def first():\n    return 0\n\n\n" + CORE},
        "unrelated.py",
    ),
    "definition removed": (
        {"pkg/core.py": TREE["pkg/core.py"].split("def make")[0]},  # type: ignore[union-attr]
        "unrelated.py",
    ),
    "typedef": (
        {"c/state.h": TREE["c/state.h"].replace("int top;", "int top; int base;")},  # type: ignore[union-attr]
        "unrelated.py",
    ),
    "macro defined twice": (
        {"c/alone.c": "#define STATE_SIZE 9\nint quiet(void) { return 0; }\n"},
        "unrelated.py",
    ),
    "type named again": (
        {"c/alone.c": "typedef struct second real_state;\nint quiet(void) { return 0; }\n"},
        "unrelated.py",
    ),
    "method body": (
        {"c/engine.cpp": '#include "state.h"\n'},
        "unrelated.py",
    ),
    "test renamed": (
        {"tests/test_app.py": "from app import main\n\n\ndef check_main():\n    return main()\n"},
        "c/use.c",
    ),
    "file added": ({"pkg/new.py": "from .core import make\n\nmake().start()\n"}, "unrelated.py"),
    "file removed": ({"pkg/stars.py": None}, "unrelated.py"),
    "package beside a module": (
        {"pkg/core/__init__.py": "def make():\n    return 0\n"},
        "unrelated.py",
    ),
    "package made": ({"c/__init__.py": ""}, "unrelated.py"),
    # A typedef names another struct: what ``p->val`` means follows it.
    "typedef retargeted": ({"d/t.h": "typedef struct Y A;\n"}, "unrelated.py"),
    # The body of the method another class declares: ``w->spin()`` gains one.
    "method body of another class": (
        {"e/b.cpp": "int Wheel::spin() { return 0; }\n"},
        "unrelated.py",
    ),
    # Through a cycle of typedefs, what one file finds must not depend on which file asked
    # first: a rebuild resolves only some of them again.
    "file beside a typedef cycle": (
        {"f/z.c": '#include "t.h"\nint g(CycA *q) { return q->val; }\n// edited\n'},
        "unrelated.py",
    ),
    # Each of these three changes what one file finds, and nothing it mentions.
    "module added where a relative import looks": (
        {"pkg/helpers.py": "VALUE = 1\n"},
        "unrelated.py",
    ),
    # A lookup is kept as its module's base, ``pkg/helpers``: a stub is one of its files.
    "stub added where a relative import looks": (
        {"pkg/helpers.pyi": "VALUE: int\n"},
        "unrelated.py",
    ),
    "module renamed by a package made": ({"lib/__init__.py": ""}, "unrelated.py"),
    "header added where an include looks": ({"c/other.h": "int unused;\n"}, "unrelated.py"),
}


class _Planted:
    """An object whose unpickling would create a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (self.path, "w")


def _same(got: Index, want: Index) -> None:
    assert got.uses_in == want.uses_in
    assert got.import_targets == want.import_targets
    assert got.uses == want.uses
    assert got.users == want.users
    assert got.imports_of == want.imports_of
    assert got.imported_by == want.imported_by
    assert got.tests_of == want.tests_of


def _edited(
    tmp_path: Path, edits: dict[str, str | None], tree: dict[str, str | bytes] = TREE
) -> list[FileRecord]:
    """The records of ``tree`` after ``edits`` (None: the file deleted)."""
    files = {path: text for path, text in tree.items() if edits.get(path, "") is not None}
    files.update({path: text for path, text in edits.items() if text is not None})
    for path, text in edits.items():
        if text is None:
            (tmp_path / path).unlink()
    return list(extract_tree(tmp_path, files).values())


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_gives_the_index_built_from_scratch(tmp_path: Path, edit: str) -> None:
    _, before = resolve_index(extract_tree(tmp_path, TREE).values(), None)
    edits, untouched = EDITS[edit]
    records = _edited(tmp_path, edits)

    index, after = resolve_index(records, before)
    _same(index, build_index(records))
    assert after.files[untouched] is before.files[untouched]
    for path, text in edits.items():
        if text is not None:
            assert after.files[path] is not before.files.get(path)


BASE = "class Base:\n    def run(self):\n        return 1\n"
CONFTEST = "import pytest\nfrom base import Base\n\n\ndef helper():\n    return 1\n"
K = "from base import Base\n\n\nclass K:\n    def a(self):\n        return 1\n"

# A definition added after the others of a file that another file looked up a name in,
# and found nothing, though it never writes the name: its answer changes.
ADDED_NAMES: dict[str, tuple[dict[str, str | bytes], dict[str, str]]] = {
    # ``engine`` is a test's parameter, not a reference: the fixture added is its value.
    "fixture added": (
        {"base.py": BASE, "tests/conftest.py": CONFTEST, "tests/test_x.py": TEST_X},
        {
            "tests/conftest.py": CONFTEST
            + "\n\n@pytest.fixture\ndef engine() -> Base:\n    return Base()\n"
        },
    ),
    # Calling an instance looks up ``__call__``.
    "__call__ added": (
        {"base.py": BASE, "a.py": K, "c.py": "from a import K\n\nK()().run()\n"},
        {"a.py": K + "\n    def __call__(self) -> Base:\n        return Base()\n"},
    ),
    # ``h`` is ``g`` is ``f``: ``c.py`` never writes ``f``.
    "name reached through two aliases added": (
        {
            "a.py": "def other():\n    return 1\n",
            "b.py": "from a import f as g\n",
            "c.py": "from b import g as h\n\nh()\n",
        },
        {"a.py": "def other():\n    return 1\n\n\ndef f():\n    return 2\n"},
    ),
}


@pytest.mark.parametrize("edit", sorted(ADDED_NAMES))
def test_a_name_looked_up_in_vain_and_defined_later_is_resolved_again(
    tmp_path: Path, edit: str
) -> None:
    tree, edits = ADDED_NAMES[edit]
    _, before = resolve_index(extract_tree(tmp_path, tree).values(), None)
    records = list(extract_tree(tmp_path, {**tree, **edits}).values())
    index, _ = resolve_index(records, before)
    _same(index, build_index(records))
    assert any(use.definition is not None for use in index.uses_in[sorted(tree)[-1]])


# A module named ``__init__`` (``from .__init__ import X``): its files are candidates of
# two lookups, the package's and its own; each edit adds or removes one of them.
INIT_MODULES: dict[str, tuple[dict[str, str], dict[str, str | None]]] = {
    "module added beside its stub": (
        {"pkg/__init__.pyi": "X: int\n", "pkg/mod.py": "from .__init__ import X\n\nX\n"},
        {"pkg/__init__.py": ""},
    ),
    "module removed, its stub kept": (
        {
            "pkg/__init__.py": "X = 1\n",
            "pkg/__init__.pyi": "X: int\n",
            "pkg/mod.py": "from . import __init__\n",
        },
        {"pkg/__init__.py": None},
    ),
    "module added at the top": (
        {"__init__.pyi": "X: int\n", "mod.py": "from .__init__ import X\n\nX\n"},
        {"__init__.py": ""},
    ),
}


@pytest.mark.parametrize("edit", sorted(INIT_MODULES))
def test_a_module_named_init_is_found_again(tmp_path: Path, edit: str) -> None:
    tree, edits = INIT_MODULES[edit]
    _, before = resolve_index(extract_tree(tmp_path, tree).values(), None)
    records = _edited(tmp_path, edits, dict(tree))
    index, _ = resolve_index(records, before)
    _same(index, build_index(records))


def test_what_an_edit_reaches_is_resolved_again(tmp_path: Path) -> None:
    """A new return type changes what ``engine.start()`` in ``app.py`` means, though
    ``app.py`` itself is unchanged: it read ``pkg/core.py``, so it is resolved again."""
    first, before = resolve_index(extract_tree(tmp_path, TREE).values(), None)
    edits, _ = EDITS["return type"]
    second, after = resolve_index(_edited(tmp_path, edits), before)

    assert after.files["app.py"] is not before.files["app.py"]

    def meant(index: Index) -> list[str | None]:
        found = [use for use in index.uses_in["app.py"] if use.line == 7]
        return [use.definition.qualname if use.definition else None for use in found]

    assert meant(first) == ["pkg.core.Engine.start"]
    assert meant(second) == []  # ``Base`` has no ``start``: ``engine.start()`` means nothing


def test_no_change_keeps_every_file(tmp_path: Path) -> None:
    records = list(extract_tree(tmp_path, TREE).values())
    first, before = resolve_index(records, None)
    second, after = resolve_index(records, before)
    _same(second, first)
    assert all(after.files[path] is before.files[path] for path in second.records)


def test_what_is_kept_is_read_back(tmp_path: Path) -> None:
    """Kept in a file between builds, and read back the same; a damaged file, or one kept
    by other code, reads as nothing kept (every file is resolved again)."""
    _, before = resolve_index(extract_tree(tmp_path, TREE).values(), None)
    kept = tmp_path / "resolved.pickle"
    before.save(kept, "v1")
    assert Resolved.load(kept, "v1") == before
    assert Resolved.load(kept, "v2") is None  # kept by other code
    kept.write_bytes(b"damaged")
    assert Resolved.load(kept, "v1") is None
    # Planted: what it holds is read as builtins only, and no code it names runs.
    ran = tmp_path / "ran"
    held = pickle.dumps(({}, {"x": _Planted(str(ran))}))
    kept.write_bytes(pickle.dumps(("v1", "token", held)))
    assert Resolved.load(kept, "v1") is None
    assert not ran.exists()


def test_a_rebuild_that_resolved_few_files_again_keeps_only_those_beside_the_rest(
    tmp_path: Path,
) -> None:
    """What differs from the last full save is kept beside it, and read back with it, until
    it is more than one file in eight: then all are saved again. A delta saved on another
    full save is not read."""
    fillers = {f"fill/f{n:02}.py": f"from pkg import make\n\nX{n} = make()\n" for n in range(40)}
    tree = {**TREE, **fillers}
    kept = tmp_path / "resolved.pickle"
    delta = tmp_path / "resolved.pickle.delta"
    records = extract_tree(tmp_path / "tree", tree)
    _, resolved = resolve_index(records.values(), None)
    resolved.save(kept, "v1")
    full = kept.read_bytes()

    def rebuilt(edits: dict[str, str | None]) -> Resolved:
        before = Resolved.load(kept, "v1")
        assert before is not None
        for path, text in edits.items():
            if text is None:
                del records[path]
            else:
                records[path] = extract_tree(tmp_path / "tree", {path: text})[path]
        _, after = resolve_index(records.values(), before)
        token = after.save(kept, "v1", before)
        read = Resolved.load(kept, "v1")
        assert read == after and read is not None and read.token == token
        return read

    assert rebuilt({"fill/f00.py": "X0 = 0\n"}).delta == {"fill/f00.py"}
    assert kept.read_bytes() == full, "the full save as it was"
    # A file gone: the files of other languages that import are resolved again too.
    assert {"fill/f00.py", "fill/f01.py"} <= rebuilt({"fill/f01.py": None}).delta
    assert kept.read_bytes() == full
    stale = delta.read_bytes()
    many = {f"fill/f{n:02}.py": f"Y{n} = {n}\n" for n in range(2, 40)}
    assert rebuilt(many).delta == frozenset(), "all saved again"
    assert not delta.exists() and kept.read_bytes() != full
    delta.write_bytes(stale)  # a delta on the full save before
    read = Resolved.load(kept, "v1")
    assert read is not None and read.delta == frozenset() and "fill/f01.py" not in read.files
    assert read.files["fill/f02.py"].sha256 == records["fill/f02.py"].sha256
    delta.write_bytes(b"damaged")
    assert Resolved.load(kept, "v1") == read, "the full save, as it was made"


def test_a_build_that_cannot_keep_them_says_so_and_goes_on(
    tmp_path: Path,
) -> None:
    """The build goes on; its note says why the next one has nothing kept."""
    from helpers import write_tree

    from xrefdoc.core.settings import make_settings
    from xrefdoc.pipeline.scan import scan
    from xrefdoc.store.cache import cache_location
    from xrefdoc.xref.reuse import RESOLVED_FILE

    root = write_tree(
        tmp_path / "tree", {"a.py": "def f():\n    pass\n", "b.py": "from a import f\n\nf()\n"}
    )
    settings = make_settings(root, cache_dir=tmp_path / "cache")
    first = scan(settings)
    assert "resolutions not kept" not in first.cache_note
    folder = cache_location(settings.root, settings.cache_dir).folder
    assert folder is not None
    kept = folder / RESOLVED_FILE
    kept.unlink()
    kept.mkdir()  # where the file should go, a folder: it cannot be written
    second = scan(settings)
    assert "resolutions not kept for the next build" in second.cache_note
    assert [use.definition.qualname for use in second.index.uses_in["b.py"] if use.definition] == [
        "a.f",
        "a.f",
    ]


def test_the_uses_of_a_line_hold_one_int_for_its_number(tmp_path: Path) -> None:
    """A use holds its line as an int; past 256 Python makes a new one each time it reads
    a record's array of lines, 32 bytes of every use held. The uses of one line number, in
    one file or another, resolved now or taken from what the last build kept, hold one."""
    padding = "\n" * 400
    tree: dict[str, str | bytes] = {
        "pkg/__init__.py": "",
        "pkg/core.py": f"def make():\n    return 1\n{padding[:-1]}x = make()\n",
        "pkg/use.py": f"from pkg.core import make\n{padding}make(); make()\n",
    }
    records = extract_tree(tmp_path, tree).values()
    first, kept = resolve_index(records, None)
    again, _ = resolve_index(records, kept)
    for index in (first, again):
        found = [(use.path, use.line) for use in index.uses["make"] if use.line > 256]
        assert found == [("pkg/core.py", 402), ("pkg/use.py", 402), ("pkg/use.py", 402)]
        assert len({id(use.line) for use in index.uses["make"] if use.line > 256}) == 1
