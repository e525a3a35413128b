"""Definition recall of `xrefdoc scan` against Universal Ctags, per language and ctags kind: the
share of the named definitions ctags finds that xrefdoc finds at the same path, name and line.

    python bench/ctags_recall.py [--misses FILE] [SRC ...]

Every definition kind ctags reports counts, C and C++ prototypes and extern declarations
included. What ctags tags that is not a definition a reader looks up (locals, parameters,
labels, ``#include``, package clauses, imports, requires, anonymous names, include guards) is
set aside and counted by reason. Run it over real repositories cloned outside this one; it
prints one table per tree, then the totals per language and kind, with the xrefdoc kinds the
found tags have, and exits 1 when a language's recall over all kinds is below 0.95 or a kind
with more than 50 tags is below 0.90.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

LANGUAGE_GOAL = 0.95
KIND_GOAL = 0.90
# A kind with this many tags or fewer is listed but held to no goal of its own.
KIND_GOAL_ABOVE = 50
MAX_LISTED = 3
ALL = "(all kinds)"

# xrefdoc's language names as the ctags parser forced on their files. Forcing it (rather than
# letting ctags pick by extension) reads the files ctags maps to no parser: .cjs, .mts, .tsx,
# Rakefile, shebang scripts. A .h file is read as C++, as ctags maps it: on redis's headers its
# C parser misses the C++ ones (hiredis's Qt adapter, fast_float) and takes constructor
# initialisers for functions, where the C++ parser loses a field named ``using``.
CTAGS_LANGUAGES = {
    "Python": "Python",
    "JavaScript": "JavaScript",
    "TypeScript": "TypeScript",
    "TSX": "TypeScript",
    "C": "C",
    "C/C++ header": "C++",
    "C++": "C++",
    "C++ header": "C++",
    "CUDA": "CUDA",
    "CUDA header": "CUDA",
    "Go": "Go",
    "Rust": "Rust",
    "Java": "Java",
    "Ruby": "Ruby",
    "Bash": "Sh",
    "Shell": "Sh",
    "Zsh": "Sh",
}
C_FAMILY = {"C", "C/C++ header", "C++", "C++ header", "CUDA", "CUDA header"}

# Ctags kinds, of any parser, that are not definitions a reader looks up. Most are off by
# default and stay off; they are named so that turning one on cannot make it count.
NOT_DEFINITIONS = {
    "local": "local variable",
    "parameter": "parameter",
    "macroparam": "macro parameter",
    "tparam": "template parameter",
    "label": "goto label",
    "receiver": "method receiver",
    "header": "#include",
    "using": "using directive",
}
# The same, for kinds whose name means a definition in another parser (a Ruby module is one,
# a Python "module" is an imported one).
NOT_DEFINITIONS_BY_PARSER = {
    "Go": {"package": "package clause", "packageName": "import alias", "unknown": "reference"},
    "Java": {"package": "package clause"},
    "Ruby": {"library": "require"},
    "RSpec": {"describe": "RSpec describe block", "context": "RSpec context block"},
    "Python": {"namespace": "import", "unknown": "import", "module": "import"},
    "Sh": {"heredoc": "here-document label", "script": "sourced script"},
}
# Ctags invents these names for nameless structs, enums and lambdas; the E field marks most
# of them "anonymous", the name catches the rest.
ANONYMOUS_NAME = re.compile(r"^(?:__anon|anonFunc|AnonymousFunction)")

# Ctags' JavaScript parser calls "class" what holds members by its heuristics: every
# variable set to an object literal (``var req = { method: 'GET' }`` in a test callback),
# and the name before a ``this.`` use it mis-scopes (``this.timeout(5000)``). A "class"
# tag is a class or a constructor function only when its line says ``class`` or
# ``function`` (or is an arrow function); the rest are set aside and counted.
HEURISTIC_CLASS_PARSERS = {"JavaScript", "TypeScript"}
DECLARES_A_CLASS = re.compile(r"\bclass\b|\bfunction\b|=>")
# Ctags' TypeScript parser tags the declarations in a function body as constants and
# variables, scoped to the function, or to nothing in an arrow function passed as an argument
# (``test("parses", () => { const schema = ... })``); its JavaScript parser tags some too.
# Such a tag is a local when its scope is a function or, outside a namespace, when its line
# is an indented declaration or a ``for`` (a comma-continued ``  , app = express()`` stays a
# definition). ``const x = require("x")`` binds an import, as xrefdoc reads it. The parsers
# also tag as constants the keys of object literals (``  transform: transformProcessor,``)
# and, wrongly, names that are declared nowhere on their line: a type (``core`` in
# ``const X: core.$constructor<X>``), a call after a comment (``/*@__PURE__*/ anchor(…)``),
# ``_000`` in ``10_000``.
BINDING_KINDS = {"variable", "constant"}
# C, C++ and Rust: a typedef, variable, prototype or Rust ``static`` in a function body is a
# local, as xrefdoc reads it (ctags scopes it to the function or method).
ITEM_PARSERS = {"C", "C++", "CUDA", "Rust"}
ITEM_LOCAL_KINDS = {"typedef", "variable", "externvar", "prototype"}
ITEM_LOCAL_SCOPES = {"function", "method"}
FUNCTION_SCOPES = {"function", "method", "getter", "setter", "generator"}
NAMESPACE_SCOPES = {"namespace", "module"}
EXPORTS = {"module.exports", "exports"}
# ``if (…) {`` tagged as a method, ``type instanceof ZodLazy`` as a type alias.
SCRIPT_KEYWORDS = {"if", "else", "for", "while", "do", "switch", "case", "return", "new"}
SCRIPT_KEYWORDS |= {"typeof", "instanceof", "in", "of", "catch", "try", "throw", "delete"}
SCRIPT_KEYWORDS |= {"extends", "implements", "keyof", "infer"}
LOCAL_DECLARATION = re.compile(r"/\^(?:\s+(?:const|let|var|using)\b|\s*for\b)")
# A class field's line: ``  static #count = 0``, ``  timeout;``, ``  kConnected``.
CLASS_FIELD = re.compile(r"\s*(?:static\s+)?(?:readonly\s+)?#?[\w$]+\s*(?:[=;:?!]|\$/|$)")
LOCAL_TYPE_ALIAS = re.compile(r"/\^\s+type\b")

# An include guard: a header whose first code is ``#ifndef NAME`` (or ``#if !defined NAME``)
# then ``#define NAME`` with no value. xrefdoc leaves these out of its index on purpose.
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
GUARD_TEST = re.compile(r"#\s*(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(?\s*(\w+)\s*\)?)")
GUARD_DEFINE = re.compile(r"#\s*define\s+(\w+)")

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Tag:
    """One ctags definition: where it is, what it is called and ctags' kind for it."""

    path: str
    name: str
    line: int
    kind: str
    # The tag's source line, as ctags' pattern (``/^...$/``).
    pattern: str = field(default="", compare=False)

    @property
    def key(self) -> Key:
        return (self.path, self.name, self.line)

    def where(self) -> str:
        return f"{self.path}:{self.line} {self.name}"


@dataclass
class CtagsResult:
    """The tags ctags found, and how many it found that are not definitions, by reason."""

    tags: list[Tag]
    set_aside: Counter[str]


@dataclass
class Tally:
    """How xrefdoc did on the tags of one kind (or all kinds) of one language."""

    tags: int = 0
    found: int = 0
    xrefdoc_kinds: Counter[str] = field(default_factory=Counter)
    misses: list[Tag] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tags += other.tags
        self.found += other.found
        self.xrefdoc_kinds.update(other.xrefdoc_kinds)
        self.misses.extend(other.misses)

    @property
    def recall(self) -> float:
        return self.found / self.tags if self.tags else 1.0

    def kinds_found(self) -> str:
        """The xrefdoc kinds the found tags had, most common first: ``field 400, variable 3``."""
        return ", ".join(f"{kind} {count}" for kind, count in self.xrefdoc_kinds.most_common())


def fail(message: str) -> NoReturn:
    print(f"ctags_recall: {message}", file=sys.stderr)
    raise SystemExit(2)


def run(command: list[str], cwd: Path | None = None, stdin: str | None = None) -> str:
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except FileNotFoundError:
        fail(f"{command[0]} is not installed")
    if result.returncode != 0:
        fail(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    return result.stdout


def scan(src: Path) -> list[dict[str, Any]]:
    output = run([sys.executable, "-m", "xrefdoc", "scan", str(src)])
    files: list[dict[str, Any]] = json.loads(output)["files"]
    return files


def paths_by_language(files: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The files of each language both tools parse, by xrefdoc's language name."""
    found: dict[str, list[str]] = defaultdict(list)
    for entry in files:
        if entry["language"] in CTAGS_LANGUAGES:
            found[entry["language"]].append(entry["path"])
    return found


def xrefdoc_kinds(files: list[dict[str, Any]]) -> dict[Key, set[str]]:
    """Every xrefdoc symbol, of any kind, by (path, name, line)."""
    kinds: dict[Key, set[str]] = defaultdict(set)
    for entry in files:
        for symbol in entry["symbols"]:
            kinds[(entry["path"], symbol["name"], symbol["line"])].add(symbol["kind"])
    return kinds


@lru_cache(maxsize=4096)
def include_guard(header: Path) -> tuple[str, int] | None:
    """The macro guarding ``header`` and the line defining it, if any: the header's first code,
    comments aside, is ``#ifndef NAME`` then ``#define NAME`` with no value."""
    try:
        text = header.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # Comments become as many newlines as they held, so line numbers stay true.
    code = COMMENT.sub(lambda comment: "\n" * comment.group().count("\n"), text)
    lines = [(number, line.strip()) for number, line in enumerate(code.splitlines(), 1)]
    first_two = [(number, line) for number, line in lines if line][:2]
    if len(first_two) != 2:
        return None
    test = GUARD_TEST.fullmatch(first_two[0][1])
    define = GUARD_DEFINE.fullmatch(first_two[1][1])
    if not (test and define) or define.group(1) not in test.groups():
        return None
    return define.group(1), first_two[1][0]


def is_object_literal(record: dict[str, Any]) -> bool:
    """Whether ctags' JavaScript or TypeScript "class" is an object literal or a ``this.`` use
    (see ``DECLARES_A_CLASS``)."""
    return (
        record["kind"] == "class"
        and record["language"] in HEURISTIC_CLASS_PARSERS
        and not DECLARES_A_CLASS.search(record.get("pattern", ""))
    )


def qualified_name(record: dict[str, Any]) -> str:
    scope = record.get("scope")
    return f"{scope}.{record['name']}" if scope else str(record["name"])


def declares(name: str, pattern: str) -> bool:
    """Whether the line ``pattern`` declares ``name``: ``const name``, ``let a, name``,
    ``const { name } =``, or a comma-continued ``  , name = ...``."""
    name = re.escape(name)
    return bool(
        re.search(rf"\b(?:const|let|var|using)\s+{name}\b", pattern)
        or re.search(rf"\b(?:const|let|var|using)\b.*,\s*{name}\s*=", pattern)
        or re.search(rf"\b(?:const|let|var|using)\s*[{{\[][^=]*\b{name}\b", pattern)
        or re.match(rf"/\^\s*,\s*{name}\s*=", pattern)
    )


def script_reason(record: dict[str, Any], object_literals: set[tuple[str, str]]) -> str | None:
    """Why a JavaScript or TypeScript tag is not a definition to look for, or None."""
    name, kind, pattern = record["name"], record["kind"], record.get("pattern", "")
    if name in SCRIPT_KEYWORDS:
        return "ctags error: a keyword tagged as a name"
    if name.startswith("["):
        return "computed member name (an expression: [Symbol.iterator])"
    if kind == "field" and not CLASS_FIELD.match(pattern.removeprefix("/^")):
        # ``get (name) {`` (a getter ``get`` read as a field ``name``), locals in methods.
        return "ctags error: a parameter or local read as a class field"
    if is_object_literal(record):
        return "object literal or this. use called a class"
    if kind == "alias" and not re.search(rf"\btype\s+{re.escape(name)}\s*[=<]", pattern):
        return "import or export of a type (import {type X})"
    if (record["path"], record.get("scope")) in object_literals:
        return "member of an object literal"
    scope_kind = record.get("scopeKind")
    if kind == "alias" and (
        scope_kind in FUNCTION_SCOPES
        or (scope_kind not in NAMESPACE_SCOPES and LOCAL_TYPE_ALIAS.match(pattern))
    ):
        return "local (ctags tags declarations in function bodies)"
    if kind not in BINDING_KINDS:
        return None
    if re.search(rf"\b{re.escape(name)}\b[^=]*=\s*require\s*\(", pattern):
        return "require() binding (an import)"
    if (
        record.get("scopeKind") in FUNCTION_SCOPES
        or (record.get("scopeKind") not in NAMESPACE_SCOPES and LOCAL_DECLARATION.match(pattern))
        or re.search(rf"\bfor\s*\(\s*(?:const|let|var)\s+{re.escape(name)}\b", pattern)
    ):
        return "local (ctags tags declarations in function bodies)"
    if declares(name, pattern):
        return None
    if re.search(rf"\b{re.escape(name)}\s*:", pattern):
        return "object literal key ctags calls a constant"
    return "ctags error: no declaration of the name on its line"


def script_private_name(record: dict[str, Any]) -> str:
    """A JavaScript private member's name as written: ctags drops the ``#`` of ``#count``
    (xrefdoc keeps it, as uses write it: ``this.#count``)."""
    name = str(record["name"])
    written = re.search(rf"(?<![\w$])#{re.escape(name)}\b", record.get("pattern", ""))
    return "#" + name if written else name


def ruby_alias_name(record: dict[str, Any]) -> str:
    """A Ruby alias's name as written: ctags drops the ``?``, ``!`` or ``=`` that ends it
    (``alias member? has_key?`` is tagged ``member``)."""
    name = record["name"]
    written = re.search(
        rf"\balias(?:_method)?\s+:?{re.escape(name)}([?!=])", record.get("pattern", "")
    )
    return name + written.group(1) if written else str(name)


def ruby_singleton_name(record: dict[str, Any]) -> str:
    """A Ruby singleton method's name: on a one-line ``def self.start_hook; end`` or
    ``def obj.is_a?(thing) …`` ctags names the receiver (``self``, ``obj``)."""
    name = record["name"]
    written = re.search(rf"\bdef\s+{re.escape(name)}\.(\w+[?!=]?)", record.get("pattern", ""))
    return written.group(1) if written else str(name)


def ruby_assigns(record: dict[str, Any]) -> bool:
    """Whether a Ruby constant's line assigns it (``FORMAT = ...``, ``A, B = ...``) rather
    than using it as a hash key (``CONTENT_TYPE => type``), which ctags also tags."""
    name = re.escape(record["name"])
    return not re.search(rf"\b{name}\s*=>", record.get("pattern", ""))


def set_aside_reason(
    record: dict[str, Any], header: bool, src: Path, object_literals: set[tuple[str, str]]
) -> str | None:
    """Why a ctags tag is not a definition to look for, or None when it is one. ``header``
    says the tag is in a C or C++ header, where a macro may be an include guard;
    ``object_literals`` are the JavaScript or TypeScript "classes" that are object literals,
    as (path, qualified name)."""
    kind = record["kind"]
    parser = record["language"]
    reason = NOT_DEFINITIONS.get(kind) or NOT_DEFINITIONS_BY_PARSER.get(parser, {}).get(kind)
    if reason:
        return reason
    if "anonymous" in record.get("extras", "").split(",") or ANONYMOUS_NAME.match(record["name"]):
        return "anonymous name"
    if parser in HEURISTIC_CLASS_PARSERS:
        return script_reason(record, object_literals)
    if (
        parser == "Rust"
        and kind == "variable"
        and not re.search(
            rf"(?<!')\b(?:static|const)\s+(?:mut\s+)?{re.escape(record['name'])}\b",
            record.get("pattern", ""),
        )
    ):
        return "ctags error: the type of a const or static read as its name"
    if parser == "Ruby" and kind == "constant" and not ruby_assigns(record):
        return "ctags error: a constant used as a hash key"
    if (
        parser in ITEM_PARSERS
        and kind in ITEM_LOCAL_KINDS
        and record.get("scopeKind") in ITEM_LOCAL_SCOPES
    ):
        return "local (a typedef, variable or prototype in a function body)"
    if kind == "macro" and header:
        guard = include_guard(src / record["path"])
        if guard == (record["name"], record["line"]):
            return "include guard"
    return None


def run_ctags(src: Path, paths: list[str], language: str, parser: str) -> CtagsResult:
    """Ctags' definitions in ``paths`` (of xrefdoc's ``language``), read with ``parser``."""
    # The file list goes on stdin (-L -) rather than argv, so large trees do not hit ARG_MAX;
    # K spells kinds in full, E marks ctags' invented names (anonFunc…) as "anonymous", l
    # names the parser, p the kind of the tag's scope; the pattern field is the tag's source
    # line. C and C++ prototypes (p) and extern declarations (x) are definitions a reader
    # looks up, off by default.
    command = [
        "ctags",
        "--output-format=json",
        "--fields=+nKElp",
        "--kinds-C=+px",
        "--kinds-C++=+px",
        "--kinds-CUDA=+px",
        f"--language-force={parser}",
        "-f",
        "-",
        "-L",
        "-",
    ]
    output = run(command, cwd=src, stdin="\n".join(paths) + "\n")
    records = [
        record for record in map(json.loads, output.splitlines()) if record["_type"] == "tag"
    ]
    for record in records:
        record["path"] = record["path"].removeprefix("./")
        if record["language"] == "Ruby" and record["kind"] == "alias":
            record["name"] = ruby_alias_name(record)
        if record["language"] == "Ruby" and record["kind"] == "singletonMethod":
            record["name"] = ruby_singleton_name(record)
        if record["language"] in HEURISTIC_CLASS_PARSERS:
            record["name"] = script_private_name(record)
        if record["language"] == "Ruby" and record["kind"] == "accessor":
            # ``attr_accessor :x`` is tagged ``x`` and ``x=``; xrefdoc has one attribute,
            # named as its uses write it (``x``).
            record["name"] = str(record["name"]).removesuffix("=")
    # The members of ``module.exports = {...}`` are exported definitions, kept.
    object_literals = {
        (record["path"], qualified_name(record))
        for record in records
        if is_object_literal(record) and qualified_name(record) not in EXPORTS
    }
    header = "header" in language
    tags: list[Tag] = []
    set_aside: Counter[str] = Counter()
    accessors: set[tuple[str, str, int]] = set()
    for record in records:
        reason = set_aside_reason(record, header, src, object_literals)
        if record["kind"] == "accessor" and not reason:
            key = (record["path"], record["name"], record["line"])
            if key in accessors:
                reason = "the writer of an attr_accessor, the same attribute"
            accessors.add(key)
        if reason:
            set_aside[reason] += 1
            continue
        tags.append(
            Tag(
                record["path"],
                record["name"],
                record["line"],
                record["kind"],
                record.get("pattern", ""),
            )
        )
    return CtagsResult(tags, set_aside)


def set_aside_macro_calls(results: dict[str, CtagsResult]) -> None:
    """Set aside the C and C++ functions and prototypes ctags reads from a macro call that
    opens a line, where the macro is defined in the tree: ``TEST_BEGIN(test_overflow) {``
    (a function ``TEST_BEGIN``), ``JEMALLOC_ATTR(malloc)`` above a function,
    ``LUAI_DDEC(const lu_byte luaP_opmodes[NUM_OPCODES];)`` (a prototype ``LUAI_DDEC``)."""
    c_family = [result for language, result in results.items() if language in C_FAMILY]
    macros = {tag.name for result in c_family for tag in result.tags if tag.kind == "macro"}
    for result in c_family:
        kept = []
        for tag in result.tags:
            if (
                tag.kind in {"function", "prototype"}
                and tag.name in macros
                and re.match(rf"/\^\s*{re.escape(tag.name)}\s*\(", tag.pattern)
            ):
                result.set_aside["ctags error: a macro call read as a function"] += 1
            else:
                kept.append(tag)
        result.tags = kept


def tally(tags: list[Tag], found: dict[Key, set[str]]) -> dict[str, Tally]:
    """How xrefdoc did on ``tags``, per ctags kind and over all of them (``ALL``)."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for tag in tags:
        for kind in (tag.kind, ALL):
            counts = tallies[kind]
            counts.tags += 1
            if tag.key in found:
                counts.found += 1
                counts.xrefdoc_kinds.update(found[tag.key])
            else:
                counts.misses.append(tag)
    return tallies


def kind_order(item: tuple[str, Tally]) -> tuple[bool, int, str]:
    """Kinds by tag count, largest first, the total over all kinds last."""
    kind, counts = item
    return (kind == ALL, -counts.tags, kind)


def print_tree_table(tallies: dict[str, Tally]) -> None:
    for kind, counts in sorted(tallies.items(), key=kind_order):
        print(
            f"  {kind:<15} ctags {counts.tags:>6}  found {counts.found:>6}  "
            f"{counts.recall:.3f}  {counts.kinds_found()}"
        )
        if kind == ALL:
            continue
        for tag in counts.misses[:MAX_LISTED]:
            print(f"    miss {tag.where()}")
        if len(counts.misses) > MAX_LISTED:
            print(f"    … and {len(counts.misses) - MAX_LISTED} more")


def below_goal(language: str, kind: str, counts: Tally) -> str | None:
    """The goal ``counts`` misses, named, or None."""
    if kind == ALL and counts.recall < LANGUAGE_GOAL:
        return f"{language} {counts.recall:.3f} < {LANGUAGE_GOAL}"
    if kind != ALL and counts.tags > KIND_GOAL_ABOVE and counts.recall < KIND_GOAL:
        return f"{language} {kind} {counts.recall:.3f} < {KIND_GOAL}"
    return None


def print_totals(
    totals: dict[str, dict[str, Tally]], set_aside: dict[str, Counter[str]]
) -> list[str]:
    """The summary tables over all trees; returns the goals missed."""
    print()
    print("| language | ctags kind | ctags | found | recall | xrefdoc kinds found |")
    print("| --- | --- | --: | --: | --: | --- |")
    below: list[str] = []
    for language, tallies in sorted(totals.items()):
        for kind, counts in sorted(tallies.items(), key=kind_order):
            name = f"**{kind}**" if kind == ALL else kind
            print(
                f"| {language} | {name} | {counts.tags} | {counts.found} | "
                f"{counts.recall:.3f} | {counts.kinds_found()} |"
            )
            missed = below_goal(language, kind, counts)
            if missed:
                below.append(missed)
    print()
    print("| language | set aside | tags |")
    print("| --- | --- | --: |")
    for language, reasons in sorted(set_aside.items()):
        for reason, count in reasons.most_common():
            print(f"| {language} | {reason} | {count} |")
    return below


def write_misses(path: Path, misses: list[tuple[Path, Tag]]) -> None:
    lines = [f"{src / tag.path}:{tag.line} {tag.name} {tag.kind}\n" for src, tag in misses]
    try:
        path.write_text("".join(lines), encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ctags_recall", description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, metavar="SRC")
    parser.add_argument(
        "--misses", type=Path, metavar="FILE", help="write every miss (path:line name kind)"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    sources: list[Path] = arguments.sources or [Path(__file__).resolve().parent.parent]
    totals: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    set_aside: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[tuple[Path, Tag]] = []
    for src in sources:
        if not src.is_dir():
            fail(f"{src} is not a directory")
        files = scan(src)
        found = xrefdoc_kinds(files)
        paths = paths_by_language(files)
        results = {
            language: run_ctags(src, language_paths, language, CTAGS_LANGUAGES[language])
            for language, language_paths in sorted(paths.items())
        }
        set_aside_macro_calls(results)
        for language, ctags in results.items():
            aside = ", ".join(f"{n} {reason}" for reason, n in ctags.set_aside.most_common())
            print(
                f"{src.name} {language}: {len(paths[language])} files, {len(ctags.tags)} tags"
                + (f"; set aside {aside}" if aside else "")
            )
            tallies = tally(ctags.tags, found)
            print_tree_table(tallies)
            for kind, counts in tallies.items():
                totals[language][kind].add(counts)
            set_aside[language].update(ctags.set_aside)
            misses.extend((src, tag) for tag in tallies[ALL].misses)
    below = print_totals(totals, set_aside)
    if arguments.misses:
        write_misses(arguments.misses, misses)
    if below:
        print(f"below the goals: {'; '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
