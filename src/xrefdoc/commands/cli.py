"""Command line: ``build`` makes the site, ``generate`` its Markdown pages, ``scan`` prints the
records, ``lookup`` a name, ``grep`` the lines that match a pattern."""

from __future__ import annotations

import argparse
import atexit
import codecs
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

from xrefdoc import __version__
from xrefdoc.analyze import rule_names
from xrefdoc.core import stopping
from xrefdoc.core.errors import ConfigError, FileSystemError, XrefdocError
from xrefdoc.core.executor import end_workers, treat_forked_processes_as_workers, usable_cores
from xrefdoc.core.settings import (
    DEFAULT_SOURCE_CAP,
    command_settings,
    tree_options,
    versions_setting,
)

# Where ``build`` writes the site unless told (relative to the folder it runs in).
DEFAULT_OUTPUT = "_build/html"

# The exit codes of a build stopped by Ctrl-C or SIGTERM, as a shell reports them.
INTERRUPTED = frozenset({128 + signal.SIGINT, 128 + signal.SIGTERM})


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(message)


def _jobs(value: str) -> int:
    if value == "auto":
        return usable_cores()
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"a number of processes or auto, got {value!r}")
    return jobs


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xrefdoc", description=__doc__)
    parser.add_argument("--version", action="version", version=f"xrefdoc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="build the cross-referenced site of a tree")
    build.add_argument("source", help="the tree to document")
    build.add_argument(
        "-o", "--output", default=DEFAULT_OUTPUT, help="the site folder (default: %(default)s)"
    )
    build.add_argument(
        "--work-dir", help="Sphinx sources and doctrees (default: beside the output, in .xrefdoc/)"
    )
    build.add_argument(
        "-W", "--fail-on-warning", action="store_true", help="turn warnings into errors"
    )
    build.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    build.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more detail (Sphinx's -v; in a log, each stage lists its items)",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default="auto",
        metavar="N",
        help="processes for reading files, for Sphinx and for writing pages: a number or auto, "
        "one per core this process may use (default: %(default)s)",
    )
    build.add_argument(
        "--templates",
        metavar="DIR",
        help='your templates, searched before xrefdoc\'s: one that extends "!file_docs.html" '
        "replaces a block of it (see the configuration docs)",
    )
    build.add_argument(
        "--versions",
        action="append",
        default=[],
        metavar="REF",
        help="build the tree at this git ref into OUT/REF/ (repeat; a pattern with * ? [ "
        "matches tags and branches, e.g. 'v2.*'); OUT/index.html lists the versions",
    )
    build.add_argument(
        "--no-history",
        dest="history",
        action="store_const",
        const=False,
        help="leave out each file's last commits (read from git by default)",
    )
    build.add_argument(
        "--blame",
        action="store_const",
        const=True,
        help="add who last changed each line, loaded on demand (one git blame per file)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the work that fans out on a Dask cluster: tcp://HOST:8786, or local:N "
        "for N worker processes here (needs pip install 'xrefdoc[cluster]')",
    )
    build.add_argument(
        "--no-shared-fs",
        dest="shared_fs",
        action="store_const",
        const=False,
        help="the cluster's workers do not see this file system: send them the files and "
        "write the pages they make here",
    )
    _add_selection(build)
    _add_cache_dir(build)
    _add_identity(build)

    generate = commands.add_parser(
        "generate", help="write the pages of a tree as Markdown files, for a forge or other tools"
    )
    generate.add_argument("source", help="the tree to document")
    generate.add_argument(
        "-o",
        "--output",
        required=True,
        help="the pages' folder; inside the tree (docs/reference), line links go to the files",
    )
    generate.add_argument(
        "--format", choices=["markdown"], default="markdown", help="(default: %(default)s)"
    )
    generate.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    _add_selection(generate)
    _add_cache_dir(generate)

    scan_command = commands.add_parser("scan", help="print the extracted records as JSON")
    scan_command.add_argument("source", help="the tree to scan")
    _add_selection(scan_command)
    _add_cache_dir(scan_command)

    check = commands.add_parser(
        "check", help="check every internal link and anchor of a built site (exit 1 if broken)"
    )
    check.add_argument("site", help="the site folder (the -o of build)")
    check.add_argument("-q", "--quiet", action="store_true", help="print only broken links")

    lookup = commands.add_parser(
        "lookup", help="print where a name is defined and used, one path:line per row"
    )
    lookup.add_argument("name", nargs="?", help="a name (run), or a qualified name (Engine.run)")
    hierarchy = lookup.add_mutually_exclusive_group()
    hierarchy.add_argument(
        "--callers",
        metavar="NAME",
        help="print the definitions that call NAME, with their call lines, instead",
    )
    hierarchy.add_argument(
        "--callees",
        metavar="NAME",
        help="print the in-tree functions, methods and classes NAME calls, instead",
    )
    lookup.add_argument("--root", default=".", help="the documented tree (default: .)")
    lookup.add_argument("--json", action="store_true", help="print JSON instead of rows")
    _add_cache_dir(lookup)
    _add_grep(commands)
    _add_diff(commands)
    return parser


def _add_grep(commands: Any) -> None:
    grep = commands.add_parser(
        "grep",
        help="print the lines of the documented tree that match a pattern, path:line:text, "
        "from the site's code-search index (exit 0 if any matched, 1 if none, 2 on error)",
        description="Print the lines of a documented tree that match PATTERN, as git grep -n "
        "does (path:line:text, paths relative to the tree), from the code-search index that "
        "xrefdoc build writes into the site. Binary files and files over the source cap are "
        "not searched (a line on stderr says how many). Lines are the site's: decoded text, "
        "\\r\\n and \\r line ends read as \\n. Exit 0 when a line matched, 1 when none did, "
        "2 on an error.",
    )
    grep.add_argument(
        "pattern",
        metavar="PATTERN",
        help="a regular expression in Python's re syntax (the Perl-like syntax of git grep -P), "
        "matched against each line (\\w, \\b, \\d, \\s are ASCII's, as in git grep -P); with -F, "
        "a string",
    )
    where = grep.add_mutually_exclusive_group()
    where.add_argument(
        "--root",
        metavar="SRC",
        default=".",
        help=f"the documented tree, whose site is SRC/{DEFAULT_OUTPUT} (as xrefdoc build . "
        "writes it in the tree) (default: .)",
    )
    where.add_argument("--site", metavar="OUT", help="the built site (the -o of build)")
    grep.add_argument(
        "-F", "--fixed-strings", action="store_true", help="PATTERN is a string, not a regex"
    )
    grep.add_argument(
        "-i",
        "--ignore-case",
        action="store_true",
        help="ignore case (of every letter: ü matches Ü)",
    )
    grep.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="TEXT",
        help="only files whose path holds TEXT (repeat: each)",
    )
    grep.add_argument(
        "--lang",
        action="append",
        default=[],
        metavar="NAME",
        help="only files in language NAME, as the site names it: python, markdown... (repeat: any)",
    )
    grep.add_argument(
        "--json",
        action="store_true",
        help="print one JSON document: matches (path, line, text, spans [start, end] in "
        "characters of the line), searched (files) and skipped ([path, why])",
    )


def _add_diff(commands: Any) -> None:
    diff = commands.add_parser(
        "diff",
        help="the API changes of the tree between two git refs: definitions added, removed, "
        "moved and changed",
        description="Compare the definitions of the tree at two git refs (tags, branches, "
        "commits), each read from git's objects without touching the work tree: those added, "
        "removed, moved to another file, and changed (a new signature, or a new kind for the "
        "same name). Changes inside a definition's body are counted per file, not listed.",
    )
    diff.add_argument("old", metavar="A", help="the older ref")
    diff.add_argument("new", metavar="B", help="the newer ref")
    diff.add_argument("--root", default=".", help="the documented tree (default: .)")
    diff.add_argument("--json", action="store_true", help="print JSON instead of lines")
    _add_selection(diff)


def _diff(arguments: argparse.Namespace) -> int:
    from xrefdoc.commands import diff

    shown = diff.api_diff(
        Path(arguments.root), arguments.old, arguments.new, _tree_options(arguments)
    )
    if arguments.json:
        _print_json(diff.json_of(shown))
    else:
        for line in diff.lines(shown):
            print(line)
    return 0


def _add_cache_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep the record cache of each tree in DIR (default: $XREFDOC_CACHE_DIR, else "
        "$XDG_CACHE_HOME/xrefdoc or ~/.cache/xrefdoc); not a folder git tracks files in",
    )


def _note_cache(note: str) -> None:
    """The cache's one line (why it is off, what was replaced), beside the output."""
    if note:
        print(f"xrefdoc: {note}", file=sys.stderr)


def _lookup(arguments: argparse.Namespace) -> int:
    from xrefdoc.commands import lookup

    direction = "callers" if arguments.callers else "callees" if arguments.callees else ""
    name = arguments.callers or arguments.callees or arguments.name
    if not name or (direction and arguments.name):
        raise ConfigError("lookup: give one NAME, or --callers NAME, or --callees NAME")
    root = Path(arguments.root)
    index, note, sources = lookup.load_index(root, arguments.cache_dir)
    _note_cache(note)
    context = lookup.Context(index, lookup.Lines(root, index.records, sources))
    if direction:
        definitions = lookup.find(index, name).definitions
        if arguments.json:
            _print_json(lookup.hierarchy_json(name, definitions, direction, context))
        else:
            for row in lookup.hierarchy_rows(definitions, direction, context):
                print(row)
        return 0
    found = lookup.find(index, name)
    if arguments.json:
        _print_json(lookup.json_data(found, context))
    else:
        for row in lookup.text_rows(found, context):
            print(row)
    return 0


def _grep(arguments: argparse.Namespace) -> int:
    from xrefdoc.codesearch.query import Query
    from xrefdoc.commands import grep

    if arguments.site is not None:
        site = Path(arguments.site)
        how = "pass the site xrefdoc build wrote (its -o) to --site"
    else:
        root = Path(arguments.root)
        site = grep.site_of_root(root, DEFAULT_OUTPUT)
        how = f"build it with xrefdoc build {root} -o {site}, or pass the site to --site"
    query = Query(
        arguments.pattern,
        regex=not arguments.fixed_strings,
        ignore_case=arguments.ignore_case,
        paths=tuple(arguments.path),
        languages=tuple(arguments.lang),
    )
    return grep.run(site, how, query, arguments.json, _print_json)


def _generate(arguments: argparse.Namespace) -> int:
    from xrefdoc.markdown.export import generate_markdown

    output = Path(arguments.output)
    outcome = generate_markdown(
        Path(arguments.source), output, _tree_options(arguments), quiet=arguments.quiet
    )
    if not arguments.quiet:
        print(
            f"xrefdoc: {outcome.files:,} files documented in {output}: {outcome.written:,} "
            f"pages written, {outcome.unchanged:,} unchanged, {outcome.removed:,} removed"
        )
    return 0


def _check(arguments: argparse.Namespace) -> int:
    """Broken links one per line on stdout, and a summary; exit 1 when any is broken."""
    from xrefdoc.commands.check import check_site

    site = Path(arguments.site)
    if not site.is_dir():
        raise ConfigError(f"SITE: not a folder: {site}")
    found = check_site(site)
    if found.pages == 0:
        raise ConfigError(f"SITE: no HTML page in {site}")
    for problem in found.broken:
        print(problem)
    if found.broken:
        print(
            f"xrefdoc: {len(found.broken)} broken of {found.links:,} internal links "
            f"in {found.pages:,} pages",
            file=sys.stderr,
        )
        return 1
    if not arguments.quiet:
        print(f"xrefdoc: {found.links:,} internal links in {found.pages:,} pages, none broken")
    return 0


def _tree_options(arguments: argparse.Namespace) -> dict[str, object]:
    """What the options of ``_add_selection`` (and ``_add_cache_dir``, ``_add_identity``,
    ``--templates`` where the command has them) gave, None where left out."""
    return tree_options(
        include=arguments.include,
        exclude=arguments.exclude,
        source_cap=arguments.source_cap,
        disable_rules=arguments.disable_rule,
        cache_dir=getattr(arguments, "cache_dir", None),
        # Only ``build`` renders the HTML templates, and shows the project's identity.
        templates=getattr(arguments, "templates", None),
        project=getattr(arguments, "project", None),
        version=getattr(arguments, "project_version", None),
        repository=getattr(arguments, "repository", None),
        forge=getattr(arguments, "forge", None),
        source_link_template=getattr(arguments, "source_link_template", None),
        history=getattr(arguments, "history", None),
        blame=getattr(arguments, "blame", None),
        scheduler=getattr(arguments, "scheduler", None),
        shared_fs=getattr(arguments, "shared_fs", None),
    )


def _add_identity(command: argparse.ArgumentParser) -> None:
    """The project's name and version, and where its files are on the forge (by default
    from the tree's metadata and git, see the configuration docs)."""
    command.add_argument("--project", metavar="NAME", help="the project's name in the site")
    command.add_argument("--project-version", metavar="VERSION", help='its version ("" for none)')
    command.add_argument(
        "--repository",
        metavar="URL",
        help="the repository's web address, for links to the forge (default: git's origin)",
    )
    command.add_argument(
        "--forge",
        metavar="FORGE",
        help="github, gitlab or gitea: how links to lines are written (default: from the host)",
    )
    command.add_argument(
        "--source-link-template",
        metavar="TEMPLATE",
        help="a link to lines with {repository}, {commit}, {path}, {line} and {end_line}",
    )


def _add_selection(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="document only matching files",
    )
    command.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="leave matching files out"
    )
    command.add_argument(
        "--disable-rule",
        action="append",
        default=[],
        metavar="RULE",
        help="leave out an analysis rule's findings, or a whole category (security, pattern...)",
    )
    command.add_argument(
        "--source-cap",
        type=int,
        metavar="BYTES",
        help=f"cut shown source after this many bytes (default: {DEFAULT_SOURCE_CAP})",
    )


# A symbol's fields in ``scan``'s output, its stable contract: what the model gains for the
# pages and the resolver (docstring, bases, overloads, types) stays out.
_SCAN_SYMBOL_FIELDS = ("name", "kind", "line", "end_line", "parent", "signature")


def _scan_json(arguments: argparse.Namespace) -> dict[str, Any]:
    from xrefdoc.pipeline.scan import scan

    settings = command_settings(arguments.source, _tree_options(arguments), rule_names=rule_names)
    result = scan(settings)
    _note_cache(result.cache_note)
    files = []
    for record in result.records:
        targets = result.index.import_targets[record.path]
        files.append(
            {
                "path": record.path,
                "language": record.language,
                "size": record.size,
                "lines": record.lines,
                "sha256": record.sha256,
                "symbols": [
                    {
                        key: value
                        for key, value in asdict(symbol).items()
                        if key in _SCAN_SYMBOL_FIELDS
                    }
                    for symbol in record.symbols
                ],
                "imports": [
                    {
                        "module": imp.module,
                        "names": list(imp.names),
                        "line": imp.line,
                        "resolved": target.module,
                    }
                    for imp, target in zip(record.imports, targets, strict=True)
                ],
                "references": [
                    {"name": name, "line": line, "exact": exact}
                    for name, line, exact, _, _ in record.references.rows()
                ],
                "findings": [
                    {"rule": f.rule, "category": f.category, "line": f.line, "message": f.message}
                    for f in record.findings
                ],
            }
        )
    return {"files": files}


def _printable_output() -> None:
    """Whatever text a command prints, the terminal gets it: a character its encoding has no
    byte for (a name on a non-UTF-8 terminal) is written as an escape, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _print_json(value: object) -> None:
    """JSON on stdout: as UTF-8 text when stdout takes UTF-8, else with ``\\u`` escapes
    (an escape written in place of a character would not be JSON)."""
    utf8 = codecs.lookup(sys.stdout.encoding or "ascii").name == "utf-8"
    json.dump(value, sys.stdout, indent=1, ensure_ascii=not utf8)
    sys.stdout.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    _printable_output()
    if threading.current_thread() is threading.main_thread():
        stopping.install()
        treat_forked_processes_as_workers()
    stopping.begin()
    try:
        try:
            code = _command(argv)
        finally:
            stopping.settle()
    except BaseException as error:
        stop = stopping.stop_behind(error)
        if stop is None:
            return _failed(error)
    else:
        stop = stopping.requested()
        if stop is None:
            return code
    # Whatever became of the exception (raised here, swallowed by a library, or turned into
    # another error), the command was stopped, and says only that.
    print("xrefdoc: interrupted", file=sys.stderr)
    return 128 + stopping.signal_of(stop)


def _command(argv: Sequence[str] | None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "lookup":
        return _lookup(arguments)
    if arguments.command == "grep":
        return _grep(arguments)
    if arguments.command == "diff":
        return _diff(arguments)
    if arguments.command == "check":
        return _check(arguments)
    if arguments.command == "generate":
        return _generate(arguments)
    if arguments.command == "scan":
        _print_json(_scan_json(arguments))
        return 0
    patterns = arguments.versions or versions_setting(Path(arguments.source))
    if patterns:
        from xrefdoc.sphinx.versions import build_versions

        return build_versions(
            Path(arguments.source),
            Path(arguments.output),
            patterns,
            work_dir=Path(arguments.work_dir) if arguments.work_dir else None,
            options=_tree_options(arguments),
            fail_on_warning=arguments.fail_on_warning,
            quiet=arguments.quiet,
            verbosity=arguments.verbose,
            jobs=arguments.jobs,
        )
    from xrefdoc.sphinx.standalone import build_site

    return build_site(
        Path(arguments.source),
        Path(arguments.output),
        work_dir=Path(arguments.work_dir) if arguments.work_dir else None,
        options=_tree_options(arguments),
        fail_on_warning=arguments.fail_on_warning,
        quiet=arguments.quiet,
        verbosity=arguments.verbose,
        jobs=arguments.jobs,
    )


def _failed(error: BaseException) -> int:
    """The exit code of a command that failed, its reason printed in one line."""
    if isinstance(error, XrefdocError):
        print(f"xrefdoc: error: {error}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, BrokenPipeError):
        # The reader (``| head``) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    if isinstance(error, OSError):  # a folder or file of ours that cannot be made or read
        print(f"xrefdoc: error: {FileSystemError.of(error)}", file=sys.stderr)
        return FileSystemError.exit_code
    raise error


def run() -> None:
    """The ``xrefdoc`` command: ``main``, then leave at once. After a build of a large tree
    the process holds a gigabyte of small objects, and freeing them one by one at exit took
    seconds; the files are closed and the output flushed, so nothing is lost (mypy does the
    same)."""
    code = main()
    if code in INTERRUPTED:
        end_workers()
        # What an ordinary exit runs first, so the worker pools' finalizers release what they
        # hold (named semaphores) instead of leaving the warnings of a leak. Not the ordinary
        # exit itself: CPython takes a Ctrl-C that landed in an ``exec`` of a string (as
        # dataclasses do while modules load) for one nobody handled, and ends the process by
        # SIGINT instead of with our code.
        atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
