"""Definition recall of `xrefdoc scan` against Universal Ctags, per language: the share of the
classes, functions and methods ctags finds that xrefdoc finds at the same path, name and line.

    python bench/ctags_recall.py [SRC ...]

Run it over real repositories cloned outside this one; it prints one table per tree and a
total per language, and exits 1 when a language's recall is below 0.95.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

# Ctags kinds (of any of its parsers) as the three categories measured; others are ignored.
# Ctags tags a Python function nested in a method as "function" (scopeKind "member"), as
# xrefdoc does, and a lambda assigned in a class body as "member", where xrefdoc has a
# variable or constant: that shows up as a kind mismatch, not a miss.
CTAGS_KINDS = {
    "class": "class",
    "struct": "class",
    "interface": "class",
    "trait": "class",
    "module": "class",
    "function": "function",
    "func": "function",
    "method": "method",
    "singletonMethod": "method",
}
# "member" is a method only for Python; elsewhere (C, C++, Go) it is a field of a struct.
PYTHON_KINDS = {**CTAGS_KINDS, "member": "method"}
KINDS = ("class", "function", "method")
MAX_LISTED = 10
GOAL = 0.95

# xrefdoc's language names as ctags' parser names.
CTAGS_LANGUAGES = {
    "Python": "Python",
    "JavaScript": "JavaScript",
    "TypeScript": "TypeScript",
    "C": "C",
    "C/C++ header": "C,C++",
    "C++": "C++",
    "C++ header": "C++",
    "CUDA": "CUDA",
    "Go": "Go",
    "Rust": "Rust",
    "Java": "Java",
    "Ruby": "Ruby",
    "Bash": "Sh",
    "Shell": "Sh",
    "Zsh": "Sh",
}

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Tag:
    """One definition: where it is, what it is called and its kind (in xrefdoc's terms)."""

    path: str
    name: str
    line: int
    kind: str

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


# Ctags' JavaScript parser calls "class" what holds members by its heuristics: every
# variable set to an object literal (``var req = { method: 'GET' }`` in a test callback),
# and the name before a ``this.`` use it mis-scopes (``this.timeout(5000)``). A "class"
# tag is a class or a constructor function only when its line says ``class`` or
# ``function`` (or is an arrow function); the rest are set aside and counted.
HEURISTIC_CLASS_LANGUAGES = {"JavaScript", "TypeScript"}
DECLARES_A_CLASS = re.compile(r"\bclass\b|\bfunction\b|=>")


def set_aside_reason(record: dict[str, Any], kind: str) -> str | None:
    """Why a ctags tag is not a definition to look for, or None when it is one."""
    if "anonymous" in record.get("extras", "").split(","):
        return "anonymous function"
    if (
        kind == "class"
        and record.get("language") in HEURISTIC_CLASS_LANGUAGES
        and not DECLARES_A_CLASS.search(record.get("pattern", ""))
    ):
        return "object literal or this. use called a class"
    return None


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


def run_ctags(src: Path, paths: list[str], language: str) -> CtagsResult:
    # The file list goes on stdin (-L -) rather than argv, so large trees do not hit ARG_MAX;
    # the E field marks ctags' invented names for lambdas (anonFunc…) as "anonymous"; the
    # pattern field is the tag's source line.
    command = [
        "ctags",
        "-R",
        "--output-format=json",
        "--fields=+nKEl",
        f"--languages={CTAGS_LANGUAGES[language]}",
        "-f",
        "-",
        "-L",
        "-",
    ]
    output = run(command, cwd=src, stdin="\n".join(paths) + "\n")
    tags: list[Tag] = []
    set_aside: Counter[str] = Counter()
    for line in output.splitlines():
        record = json.loads(line)
        kinds = PYTHON_KINDS if record.get("language") == "Python" else CTAGS_KINDS
        kind = kinds.get(record.get("kind", ""))
        if record.get("_type") != "tag" or kind is None:
            continue
        reason = set_aside_reason(record, kind)
        if reason:
            set_aside[reason] += 1
            continue
        tags.append(Tag(record["path"].removeprefix("./"), record["name"], record["line"], kind))
    return CtagsResult(tags, set_aside)


def recall(kind: str, tags: list[Tag], found: dict[Key, set[str]]) -> tuple[int, list[Tag]]:
    """How many ctags tags of ``kind`` there are, and those xrefdoc misses."""
    expected = [tag for tag in tags if tag.kind == kind]
    return len(expected), [tag for tag in expected if tag.key not in found]


def main(argv: list[str]) -> int:
    sources = [Path(arg) for arg in argv] or [Path(__file__).resolve().parent.parent]
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for src in sources:
        if not src.is_dir():
            fail(f"{src} is not a directory")
        files = scan(src)
        found = xrefdoc_kinds(files)
        for language, paths in sorted(paths_by_language(files).items()):
            ctags = run_ctags(src, paths, language)
            print(f"{src.name} {language}: {len(paths)} files, {len(ctags.tags)} ctags tags")
            for reason, count in sorted(ctags.set_aside.items()):
                print(f"  set aside: {count} {reason}")
            for kind in KINDS:
                expected, misses = recall(kind, ctags.tags, found)
                if not expected:
                    continue
                totals[(language, kind)][0] += expected
                totals[(language, kind)][1] += expected - len(misses)
                matched = expected - len(misses)
                share = matched / expected
                print(f"  {kind:<9} ctags {expected:>6}  found {matched:>6}  {share:.3f}")
                for tag in misses[:MAX_LISTED]:
                    print(f"    miss {tag.where()}")
                if len(misses) > MAX_LISTED:
                    print(f"    … and {len(misses) - MAX_LISTED} more")
    print()
    print("| language | kind | ctags | found | recall |")
    print("| --- | --- | --: | --: | --: |")
    below = []
    for (language, kind), (expected, matched) in sorted(totals.items()):
        share = matched / expected
        print(f"| {language} | {kind} | {expected} | {matched} | {share:.3f} |")
        if share < GOAL:
            below.append(f"{language} {kind}")
    if below:
        print(f"below {GOAL}: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
