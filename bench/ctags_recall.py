"""Check that `xrefdoc scan` finds every Python class, function and method Universal Ctags finds."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

# Ctags Python kinds mapped to xrefdoc kinds; other ctags kinds are ignored.
# Ctags tags a function nested in a method as "function" (scopeKind "member"), as xrefdoc does,
# and a lambda assigned in a class body as "member", where xrefdoc has a variable or constant:
# that shows up as a kind mismatch, not a miss.
CTAGS_KINDS = {"class": "class", "function": "function", "member": "method"}
KINDS = ("class", "function", "method")
MAX_LISTED = 20

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
    """The tags ctags found, and how many anonymous (lambda) tags were set aside."""

    tags: list[Tag]
    anonymous: int


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


def python_paths(files: list[dict[str, Any]]) -> list[str]:
    return [entry["path"] for entry in files if entry["language"] == "Python"]


def xrefdoc_kinds(files: list[dict[str, Any]]) -> dict[Key, set[str]]:
    """Every xrefdoc symbol of a Python file, of any kind, by (path, name, line)."""
    kinds: dict[Key, set[str]] = defaultdict(set)
    for entry in files:
        if entry["language"] != "Python":
            continue
        for symbol in entry["symbols"]:
            kinds[(entry["path"], symbol["name"], symbol["line"])].add(symbol["kind"])
    return kinds


def run_ctags(src: Path, paths: list[str]) -> CtagsResult:
    # The file list goes on stdin (-L -) rather than argv, so large trees do not hit ARG_MAX;
    # the E field marks ctags' invented names for lambdas (anonFunc…) as "anonymous".
    command = [
        "ctags",
        "-R",
        "--output-format=json",
        "--fields=+nKE",
        "--languages=Python",
        "-f",
        "-",
        "-L",
        "-",
    ]
    output = run(command, cwd=src, stdin="\n".join(paths) + "\n")
    tags: list[Tag] = []
    anonymous = 0
    for line in output.splitlines():
        record = json.loads(line)
        kind = CTAGS_KINDS.get(record.get("kind", ""))
        if record.get("_type") != "tag" or kind is None:
            continue
        if "anonymous" in record.get("extras", "").split(","):
            anonymous += 1
            continue
        tags.append(Tag(record["path"].removeprefix("./"), record["name"], record["line"], kind))
    return CtagsResult(tags, anonymous)


def report_kind(kind: str, tags: list[Tag], found: dict[Key, set[str]]) -> bool:
    """Print the recall for one kind; True when ctags' every tag of it was found."""
    expected = [tag for tag in tags if tag.kind == kind]
    misses = [tag for tag in expected if tag.key not in found]
    matched = len(expected) - len(misses)
    recall = matched / len(expected) if expected else 1.0
    print(f"{kind:<9} ctags {len(expected):>6}  matched {matched:>6}  recall {recall:.4f}")
    for tag in misses[:MAX_LISTED]:
        print(f"  miss {tag.where()}")
    if len(misses) > MAX_LISTED:
        print(f"  … and {len(misses) - MAX_LISTED} more")
    return not misses


def report_kind_mismatches(tags: list[Tag], found: dict[Key, set[str]]) -> None:
    mismatches = [tag for tag in tags if tag.key in found and tag.kind not in found[tag.key]]
    print(f"kind mismatches (same path, name and line): {len(mismatches)}")
    for tag in mismatches[:MAX_LISTED]:
        theirs = "/".join(sorted(found[tag.key]))
        print(f"  {tag.where()}: ctags {tag.kind}, xrefdoc {theirs}")
    if len(mismatches) > MAX_LISTED:
        print(f"  … and {len(mismatches) - MAX_LISTED} more")


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent
    if not src.is_dir():
        fail(f"{src} is not a directory")
    files = scan(src)
    paths = python_paths(files)
    ctags = run_ctags(src, paths) if paths else CtagsResult([], 0)
    found = xrefdoc_kinds(files)
    print(f"{src}: {len(paths)} Python files, {len(ctags.tags)} ctags definitions")
    complete = [report_kind(kind, ctags.tags, found) for kind in KINDS]
    report_kind_mismatches(ctags.tags, found)
    print(f"ignored {ctags.anonymous} anonymous ctags tags (lambdas ctags could not name)")
    return 0 if all(complete) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
