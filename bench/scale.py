"""How xrefdoc scales: builds of N copies of a real tree, against the floor and the peers.

    python bench/scale.py --source DIR [--sizes 2000,20000] [--work DIR] [--no-peers]
                          [--no-code-search]

For each size, a tree of ``copy00/ … copyNN/`` copies of the files xrefdoc documents in
``--source`` (a repository cloned outside this one), committed to a git repository of its
own as a user's work tree is (so the files' history is part of each build), is built in
subprocesses: cold (no cache, no output), again with no change (right after, while the
kernel still writes back the site the cold build wrote, and again after ``sync``: the
table's stages are the first's), and after one Python file gained a function, committed
(the bench checks the function's page and its keyword entry; since the ``sync`` came in,
this build no longer runs while the cold build's writes are flushed), then after the
same edit of the module the most import statements name (the first file may be one nothing
imports; an edit of a module everything uses reaches the most other files' data). Each
build reports its stages through ``XREFDOC_TIMINGS`` (``xrefdoc/timings.py``). In the same
run it measures two floors: reading every file, parsing the Python ones with ``ast`` and
highlighting every file once in a pool of one process per core, with Pygments' lexers for
every file (the Pygments floor), and with the tokenizers xrefdoc uses, tree-sitter for
Python and Pygments for the rest (the tokenizer floor: ``extract.tokens.lexed``, then
Pygments' HTML formatter for both). And, when installed, the peers on the
same tree: Doxygen (source browser and references on), GNU GLOBAL's ``gtags`` + ``htags``,
and sphinx-autoapi on the smallest tree. A peer still running after ``--peer-timeout``
seconds is stopped and reported as such. On the largest tree it runs the code-search
benches too (``grep.py``, ``code_search_browser.py``), and weighs its site by kind of file
(``site_size.py``). Prints markdown tables; figures, not verdicts.

Nothing is deleted while anything is timed: what an earlier run left in ``--work`` is moved
aside and deleted when the bench ends. ext4 without a journal (this machine's disk) passes
over each inode freed in the last five to ten minutes, one by one, whenever it makes a file,
so a build that follows a large deletion spends much of its time in the kernel (measured
here: file pages 29 s → 43 s on 20,000 files, with 40% system time). For the same reason,
start the bench some ten minutes after deleting a large tree.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gzip
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pygments
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound
from weight import measure_page

from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.core.executor import usable_cores
from xrefdoc.core.settings import make_settings
from xrefdoc.extract.tokens import lexed
from xrefdoc.site.names import code_search_folder
from xrefdoc.store.cache import CACHE_DIR_VARIABLE
from xrefdoc.walk.tree import walk

CHANGED_FUNCTION = "bench_changed_function"
IMPORTED_FUNCTION = "bench_changed_imported_function"


def compile_xrefdoc() -> None:
    """xrefdoc's modules compiled to bytecode before any build is timed, as ``pip install``
    leaves them for the user: run from a checkout (``PYTHONPATH``) where bytecode is not
    written (``PYTHONDONTWRITEBYTECODE``), every build and each of its workers compiled some
    250 modules first, 0.1 s of a 0.7 s no-change rebuild at 20,000 files."""
    import compileall

    import xrefdoc

    compileall.compile_dir(Path(xrefdoc.__file__).parent, quiet=1)


@dataclass
class Build:
    """One build of ours: wall time, peak memory, and its stages in order."""

    seconds: float
    peak_mib: float
    stages: list[tuple[str, float, float]] = field(default_factory=list)


@dataclass
class CodeIndexSize:
    """The code-search index (``_xref/code/``) beside the text it searches."""

    index_bytes: int
    gzip_bytes: int
    text_bytes: int
    files: int


@dataclass
class SizeResult:
    files: int
    floor: dict[str, float]
    cold: Build
    unchanged: Build
    # The no-change rebuild again, once the cold build's writes are on disk (``sync``): the
    # first one runs while the kernel writes back the site the cold build just wrote.
    unchanged_synced: Build
    one_changed: Build
    # The same edit of the module the most other files import, after it.
    popular: str
    popular_changed: Build
    change_visible: bool
    output_mib: float
    page_bytes: int
    # The page with every asset a browser fetches for it on a cold cache (weight.py).
    transferred_bytes: int
    search_index_kib: float
    code_index: CodeIndexSize
    serial: Build | None
    peers: dict[str, str]


class Trash:
    """Folders moved out of the way now and deleted when the bench ends (see the module's
    docstring): a rename frees no inode."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._count = 0

    def discard(self, path: Path) -> None:
        if not path.exists():
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        target = self._folder / path.name
        while target.exists():  # also what a stopped run left here
            self._count += 1
            target = self._folder / f"{path.name}-{self._count}"
        path.rename(target)

    def empty(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


def source_files(source: Path) -> list[str]:
    return walk(make_settings(source)).files


def make_tree(source: Path, files: list[str], size: int, tree: Path, trash: Trash) -> int:
    """``tree`` holding as many whole copies of ``files`` as reach about ``size`` files. Copy
    number N ends every file with N more newlines, so no two copies share a content hash: a
    real tree of 20,000 files has 20,000 contents, and xrefdoc does work once per content."""
    copies = max(1, round(size / len(files)))
    trash.discard(tree)
    for number in range(copies):
        for path in files:
            target = tree / f"copy{number:02d}" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((source / path).read_bytes() + b"\n" * number)
    return copies * len(files)


def _lexer_of(path: str, text: str) -> Lexer:
    try:
        return get_lexer_for_filename(path, text)
    except ClassNotFound:
        return TextLexer()


def _highlight_one(path: str) -> int:
    """Pygments' lexer for the file's name, and its HTML formatter."""
    text = Path(path).read_bytes().decode("utf-8", "replace")
    return len(highlight(text, _lexer_of(path, text), HtmlFormatter()))


def _highlight_one_as_xrefdoc(path: str) -> int:
    """The tokens xrefdoc's highlighter starts from (tree-sitter for Python that parses,
    Pygments for the rest), through Pygments' HTML formatter."""
    text = Path(path).read_bytes().decode("utf-8", "replace")
    tokens = lexed(text, "python") if path.endswith(".py") else None
    if tokens is None:
        return len(highlight(text, _lexer_of(path, text), HtmlFormatter()))
    return len(pygments.format(iter(tokens), HtmlFormatter()))


def floor(tree: Path) -> dict[str, float]:
    """Seconds to read every file, parse the Python ones, and highlight all (one process a
    core) with Pygments' lexers (``highlight``) and with xrefdoc's (``tokenizers``)."""
    repository = tree / ".git"  # git's own files (see ``commit_tree``) are not the tree's
    paths = sorted(
        str(p) for p in tree.rglob("*") if p.is_file() and not p.is_relative_to(repository)
    )
    start = time.perf_counter()
    contents = {path: Path(path).read_bytes() for path in paths}
    read = time.perf_counter() - start
    start = time.perf_counter()
    for path, data in contents.items():
        if path.endswith(".py"):
            with contextlib.suppress(SyntaxError, ValueError):
                ast.parse(data)
    parse = time.perf_counter() - start
    passes = {}
    for name, highlight_one in (
        ("highlight", _highlight_one),
        ("tokenizers", _highlight_one_as_xrefdoc),
    ):
        start = time.perf_counter()
        # As many processes as the build's -j auto starts.
        with multiprocessing.Pool(usable_cores()) as pool:
            pool.map(highlight_one, paths, chunksize=32)
        passes[name] = time.perf_counter() - start
    return {"read": read, "ast": parse, **passes}


def floor_seconds(floor: dict[str, float], highlighting: str) -> float:
    """One floor: reading, parsing and one of the highlighting passes."""
    return floor["read"] + floor["ast"] + floor[highlighting]


# Runs the command it is given as a child of its own, its output dropped, and prints the
# largest resident size (KiB) of its processes. Linux starts a process's peak resident size
# (``ru_maxrss``) at its parent's size when it execs: a build started by this bench, which
# holds over a gigabyte at 100,000 files, reported 1,207 MiB from its first stage on. A
# build started by this small process reports its own peak; starting it costs ~10 ms.
FRESH_PEAK = [
    sys.executable,
    "-I",
    "-S",
    "-c",
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n",
]


def run_build(tree: Path, output: Path, timings: Path, cache: Path, *options: str) -> Build:
    """One build of ``tree`` into ``output`` with its record cache in ``cache`` (the user's
    cache directory would outlive the bench: a rerun's cold build would find every record)."""
    timings.unlink(missing_ok=True)
    environment = {**os.environ, "XREFDOC_TIMINGS": str(timings), CACHE_DIR_VARIABLE: str(cache)}
    command = [sys.executable, "-m", "xrefdoc", "build", str(tree), "-o", str(output), "-q"]
    command = [*FRESH_PEAK, *command, *options]
    start = time.perf_counter()
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"scale: build of {tree} failed:\n{result.stderr[-2000:]}")
    stages = []
    lines = timings.read_text(encoding="utf-8").splitlines() if timings.exists() else []
    for line in lines:
        entry = json.loads(line)
        stages.append((entry["stage"], entry["seconds"], entry["peak_mib"]))
    return Build(seconds, max((peak for _, _, peak in stages), default=0.0), stages)


def commit_tree(tree: Path, message: str) -> None:
    """Commit everything in ``tree``, made a git repository first if it is not one: the
    builds then do what they do for a user's work tree, the files' history included. The
    copies of Sphinx's ``.gitattributes`` ask git to re-encode files on commit, which it
    refuses for our copies; the repository's own attributes, which come first, turn that
    off (and any filter, such as Git LFS's), so the tree stays as it was."""
    if not (tree / ".git").exists():
        subprocess.run(["git", "init", "-q", str(tree)], check=True)
        attributes = tree / ".git" / "info" / "attributes"
        attributes.parent.mkdir(parents=True, exist_ok=True)
        attributes.write_text("* -working-tree-encoding -filter\n", encoding="utf-8")
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    commit = ["-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", message]
    for command in (["add", "-A"], commit):
        # Quiet: git warns of each copy's ``[attr]`` lines, which only a top-level file may hold.
        done = subprocess.run(
            ["git", "-C", str(tree), *command], env=environment, capture_output=True, text=True
        )
        if done.returncode != 0:
            sys.exit(f"scale: git {' '.join(command)} in {tree} failed:\n{done.stderr[-2000:]}")


def change_one_file(tree: Path, path: str, function: str = CHANGED_FUNCTION) -> str:
    """Add ``function`` to the Python file ``path`` of copy00; its path in the tree."""
    target = tree / "copy00" / path
    with open(target, "a", encoding="utf-8") as out:
        out.write(f"\n\ndef {function}():\n    return 1\n")
    return f"copy00/{path}"


def first_python_file(files: list[str]) -> str:
    return next(p for p in files if p.endswith(".py") and "/" in p)


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.M)


def most_imported_file(tree: Path, files: list[str]) -> str:
    """The Python file of copy00 that the most import statements of its other Python files
    name, by its dotted module name: an edit there reaches the most other files' data (the
    first file, which nothing may import, does not show that cost)."""
    python = [path for path in files if path.endswith(".py")]
    modules = {
        path.removesuffix(".py").removesuffix("/__init__").replace("/", "."): path
        for path in python
    }
    counts: Counter[str] = Counter()
    for path in python:
        text = (tree / "copy00" / path).read_text(encoding="utf-8", errors="replace")
        for found in _IMPORT_LINE.finditer(text):
            imported = modules.get(found.group(1) or found.group(2))
            if imported is not None and imported != path:
                counts[imported] += 1
    if not counts:
        return first_python_file(files)
    return min(counts, key=lambda path: (-counts[path], path))


def change_visible(output: Path, changed: str, function: str = CHANGED_FUNCTION) -> bool:
    page = output / f"{changed}_docs.html"
    in_page = page.exists() and function in page.read_text(encoding="utf-8")
    letter = function[0]
    in_index = any(
        function in p.read_text(encoding="utf-8") for p in output.glob(f"keywords-{letter}*.html")
    )
    return in_page and in_index


def code_index_size(output: Path, tree: Path) -> CodeIndexSize:
    """The index's bytes on disk and gzip-compressed (as a server that compresses sends them),
    and the bytes of the files it searches."""
    folder = code_search_folder(output)
    scripts = sorted(folder.rglob("*.js"))
    searched = CodeIndex(folder).files
    return CodeIndexSize(
        sum(path.stat().st_size for path in scripts),
        sum(len(gzip.compress(path.read_bytes(), 6)) for path in scripts),
        sum((tree / path).stat().st_size for path, _, _ in searched),
        len(searched),
    )


def folder_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def timed_peer(command: list[str], cwd: Path, timeout: float) -> str:
    start = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        return f"failed ({result.returncode}) after {seconds:.1f} s"
    return f"{seconds:.1f} s"


def run_peers(
    tree: Path, work: Path, smallest: bool, timeout: float, trash: Trash
) -> dict[str, str]:
    peers: dict[str, str] = {}
    if shutil.which("doxygen"):
        out = work / "doxygen"
        trash.discard(out)
        out.mkdir(parents=True)
        (out / "Doxyfile").write_text(
            f"INPUT = {tree}\nRECURSIVE = YES\nOUTPUT_DIRECTORY = {out}\nEXTRACT_ALL = YES\n"
            "SOURCE_BROWSER = YES\nREFERENCED_BY_RELATION = YES\nREFERENCES_RELATION = YES\n"
            "GENERATE_LATEX = NO\nQUIET = YES\nWARNINGS = NO\n",
            encoding="utf-8",
        )
        peers["Doxygen"] = timed_peer(["doxygen", str(out / "Doxyfile")], out, timeout)
    else:
        peers["Doxygen"] = "not installed"
    if shutil.which("gtags") and shutil.which("htags"):
        # Database and pages outside the tree, which later runs document.
        database = work / "global"
        trash.discard(database)
        database.mkdir(parents=True)
        config = _global_config(work)
        if config is not None:
            # The pygments label: definitions from Universal Ctags, every name a use.
            setup = f"export GTAGSCONF={config}; "
            label, name = "pygments", "gtags + htags (definitions and uses)"
        else:
            # Definitions only: this peer then does less than we do.
            setup, label, name = "", "new-ctags", "gtags + htags (definitions only)"
        command = (
            f"{setup}gtags --gtagslabel={label} {database} && "
            f"htags --suggest2 -d {database} {database}"
        )
        peers[name] = timed_peer(["sh", "-c", command], tree, timeout)
    else:
        peers["gtags + htags"] = "not installed"
    if smallest:
        peers["sphinx-autoapi"] = run_autoapi(tree, work / "autoapi", timeout, trash)
    return peers


def _global_config(work: Path) -> Path | None:
    """GNU GLOBAL's configuration with its pygments label made to work here: Debian's names
    Exuberant Ctags for definitions, which is not packaged any more (Universal Ctags is),
    and the label reads gettext's binary ``.mo`` files as Modelica source, whose bytes
    break the parser's output ("unexpected type string"). None when GLOBAL's own
    configuration or a ctags is not found."""
    system = next(
        (p for p in (Path("/etc/gtags/gtags.conf"), Path("/etc/gtags.conf")) if p.exists()), None
    )
    ctags = shutil.which("ctags-universal") or shutil.which("ctags")
    if system is None or ctags is None:
        return None
    lines = system.read_text(encoding="utf-8").splitlines()
    in_pygments = False
    for number, line in enumerate(lines):
        if not line.startswith(("\t", " ", "#")):
            in_pygments = line.startswith("pygments-parser")
        if in_pygments and ":ctagscom=" in line:
            lines[number] = f"\t:ctagscom={ctags}:\\"
        lines[number] = lines[number].replace(":skip=", ":skip=*.mo,", 1)
    config = work / "gtags.conf"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def run_autoapi(tree: Path, work: Path, timeout: float, trash: Trash) -> str:
    try:
        import autoapi  # noqa: F401
    except ImportError:
        return "not installed"
    trash.discard(work)
    work.mkdir(parents=True)
    # sphinx-autoapi stops at the first Python file its parser cannot read (PEP 695 syntax
    # on an older Python): those are left out, as a user would have to.
    unreadable = []
    for path in sorted(tree.rglob("*.py")):
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            unreadable.append(str(path))
    (work / "conf.py").write_text(
        f"extensions = ['autoapi.extension']\nautoapi_dirs = [{str(tree)!r}]\n"
        f"autoapi_ignore = ['*migrations*', *{unreadable!r}]\n",
        encoding="utf-8",
    )
    (work / "index.rst").write_text("Tree\n====\n", encoding="utf-8")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(work), str(work / "_build")]
    return timed_peer(command, work, timeout)


def code_search_benches(tree: Path, output: Path) -> None:
    """The code-search benches on the largest tree and its site, in the same run: ``xrefdoc
    grep`` against git grep and ripgrep (``grep.py``), the Code tab in headless Chromium
    (``code_search_browser.py``). Each prints its own tables."""
    here = Path(__file__).resolve().parent
    runs = [
        ["grep.py", "--source", str(tree), "--site", str(output), "--runs", "5"],
        ["code_search_browser.py", "--site", str(output)],
    ]
    for script, *options in runs:
        print(f"\n### {script}\n", flush=True)
        subprocess.run([sys.executable, str(here / script), *options], check=False)


def measure(
    source: Path,
    files: list[str],
    size: int,
    args: argparse.Namespace,
    smallest: bool,
    largest: bool,
    trash: Trash,
) -> SizeResult:
    work = args.work / f"size-{size}"
    tree, output, timings = work / "tree", work / "out", work / "timings.jsonl"
    count = make_tree(source, files, size, tree, trash)
    commit_tree(tree, "The tree")
    cache = work / "cache"
    trash.discard(output)
    trash.discard(work / ".xrefdoc")
    trash.discard(cache)
    print(f"size {size}: {count} files in {tree}", flush=True)
    floors = floor(tree)
    cold = run_build(tree, output, timings, cache)
    unchanged = run_build(tree, output, timings, cache)
    os.sync()
    unchanged_synced = run_build(tree, output, timings, cache)
    changed = change_one_file(tree, first_python_file(files))
    commit_tree(tree, "One function more")
    one_changed = run_build(tree, output, timings, cache)
    visible = change_visible(output, changed)
    popular = change_one_file(tree, most_imported_file(tree, files), IMPORTED_FUNCTION)
    commit_tree(tree, "One function more in the module most imported")
    popular_changed = run_build(tree, output, timings, cache)
    visible = visible and change_visible(output, popular, IMPORTED_FUNCTION)
    page = output / f"copy00/{files[0]}_docs.html"
    serial = None
    if smallest:
        # The whole build in one process (-j 1: extraction, Sphinx, the page writers) against
        # the default (auto).
        trash.discard(cache)
        trash.discard(work / "out-j1")
        trash.discard(work / ".xrefdoc" / "out-j1")
        serial = run_build(tree, work / "out-j1", work / "timings-j1.jsonl", cache, "-j", "1")
    peers = {} if args.no_peers else run_peers(tree, work, smallest, args.peer_timeout, trash)
    if largest and not args.no_code_search:
        code_search_benches(tree, output)
    if largest:
        print("\n### site_size.py\n", flush=True)
        here = Path(__file__).resolve().parent
        subprocess.run([sys.executable, str(here / "site_size.py"), str(output)], check=False)
    return SizeResult(
        count,
        floors,
        cold,
        unchanged,
        unchanged_synced,
        one_changed,
        popular,
        popular_changed,
        visible,
        folder_mib(output),
        page.stat().st_size if page.exists() else 0,
        measure_page(page, output).total if page.exists() else 0,
        (output / "searchindex.js").stat().st_size / 1024,
        code_index_size(output, tree),
        serial,
        peers,
    )


def report(results: list[SizeResult]) -> None:
    for result in results:
        print(f"\n## {result.files} files\n")
        print("| stage | cold s | peak MiB | no change s | one changed s | imported one s |")
        print("| --- | --: | --: | --: | --: | --: |")
        unchanged = dict((name, s) for name, s, _ in result.unchanged.stages)
        changed = dict((name, s) for name, s, _ in result.one_changed.stages)
        popular = dict((name, s) for name, s, _ in result.popular_changed.stages)
        for name, seconds, peak in result.cold.stages:
            print(
                f"| {name} | {seconds:.1f} | {peak:.0f} | {unchanged.get(name, 0):.1f} "
                f"| {changed.get(name, 0):.1f} | {popular.get(name, 0):.1f} |"
            )
        print(
            f"| **whole build** | {result.cold.seconds:.1f} | {result.cold.peak_mib:.0f} "
            f"| {result.unchanged.seconds:.1f} | {result.one_changed.seconds:.1f} "
            f"| {result.popular_changed.seconds:.1f} |"
        )
        print()
        print(
            f"one changed: a function added to the first Python file; imported one: the same "
            f"in the module the most import statements name ({result.popular})"
        )
        print(
            f"no change right after the cold build {result.unchanged.seconds:.1f} s; again "
            f"after sync (its writes on disk) {result.unchanged_synced.seconds:.1f} s"
        )
        fl = result.floor
        pygments_floor = floor_seconds(fl, "highlight")
        tokenizer_floor = floor_seconds(fl, "tokenizers")
        print(
            f"floors: read {fl['read']:.1f} s, ast {fl['ast']:.1f} s, highlighting "
            f"({usable_cores()} processes) with Pygments {fl['highlight']:.1f} s, with "
            f"xrefdoc's tokenizers (tree-sitter for Python) {fl['tokenizers']:.1f} s; "
            f"Pygments floor {pygments_floor:.1f} s (ours / floor "
            f"{result.cold.seconds / pygments_floor:.2f}), tokenizer floor "
            f"{tokenizer_floor:.1f} s (ours / floor {result.cold.seconds / tokenizer_floor:.2f})"
        )
        print(
            f"output {result.output_mib:.0f} MiB; one file's _docs page {result.page_bytes:,} "
            f"bytes, {result.transferred_bytes:,} with its assets; the changed function "
            f"visible after the rebuild: {result.change_visible}"
        )
        print(f"Sphinx search index (searchindex.js): {result.search_index_kib:,.0f} KiB")
        code = result.code_index
        cold_code = dict((name, s) for name, s, _ in result.cold.stages).get("code search", 0.0)
        print(
            f"code search index: {code.index_bytes / 2**20:.1f} MiB, "
            f"{code.index_bytes / code.text_bytes:.1%} of the {code.text_bytes / 2**20:.1f} MiB "
            f"of text in the {code.files} files it searches; gzip-compressed "
            f"{code.gzip_bytes / 2**20:.1f} MiB ({code.gzip_bytes / code.text_bytes:.1%}); "
            # Written beside the build's other stages (``extension._start_code_search``):
            # its stage is what the build waits for it at the end.
            f"the build waited {cold_code:.1f} s for it at the end of the cold build "
            f"({cold_code / max(result.cold.seconds - cold_code, 1e-9):.1%} added), "
            f"{changed.get('code search', 0.0):.2f} s at the end of the one-file rebuild"
        )
        if result.serial is not None:
            print(
                f"cold build with -j 1: {result.serial.seconds:.1f} s "
                f"(default -j auto: {result.cold.seconds:.1f} s)"
            )
        for peer, outcome in result.peers.items():
            print(f"peer {peer}: {outcome}")
    if len(results) > 1:
        small, large = results[0], results[-1]
        factor = large.files / small.files
        print(f"\n## Growth from {small.files} to {large.files} files (x{factor:.1f})\n")
        print("| stage | growth |")
        print("| --- | --: |")
        large_stages = {name: s for name, s, _ in large.cold.stages}
        for name, seconds, _ in small.cold.stages:
            large_seconds = large_stages.get(name, 0.0)
            if seconds > 0.05:
                print(f"| {name} | {large_seconds / seconds:.1f}x |")
            else:  # too short to divide by: the figures themselves
                print(f"| {name} | {seconds:.2f} s -> {large_seconds:.2f} s |")
        print(f"| page weight | {large.page_bytes / max(small.page_bytes, 1):.2f}x |")
        transferred = large.transferred_bytes / max(small.transferred_bytes, 1)
        print(f"| page with its assets | {transferred:.2f}x |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-scale"))
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--peer-timeout", type=float, default=900.0)
    parser.add_argument(
        "--no-code-search", action="store_true", help="skip the code-search benches"
    )
    args = parser.parse_args(argv)
    source = args.source.resolve()
    files = source_files(source)
    if not files:
        sys.exit(f"scale: no files to document in {source}")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    compile_xrefdoc()
    trash = Trash(args.work / ".trash")
    try:
        results = [
            measure(source, files, size, args, size == sizes[0], size == sizes[-1], trash)
            for size in sizes
        ]
    finally:
        trash.empty()
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
