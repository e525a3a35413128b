"""xrefdoc grep against git grep and ripgrep on a real tree: the same matches, and the time.

    python bench/grep.py --source DIR [--site OUT] [--size N] [--work DIR] [--runs 7]

The site of ``--source`` is built once into ``--work`` unless ``--site`` names one already
built (``--size N`` first makes the scale bench's tree of about N files: copies of the files
xrefdoc documents in ``--source``, see ``scale.make_tree``).

(a) Exactness: 30 queries drawn (with a fixed seed) from the tree's own lines and names —
literals, case-insensitive literals, short literals, regular expressions with and without a
literal of three characters, path filters — answered by the index (``codesearch.search``,
what ``xrefdoc grep`` prints) and by ``git grep -n -I`` (``-F`` for literals, ``-P`` for
regular expressions; ``--no-index`` when the tree is not a git repository), git's lines kept
to the files the index searches, decoded as the site decodes them and without a CRLF's
``\\r``. Prints a table and every disagreement.

(b) Speed: for the selective literals (six characters or more, at most 20 matching lines),
the whole command ``xrefdoc grep --site OUT -F`` against ``git grep -n -I -F`` and ripgrep's
``rg -n -F`` (if installed), run in turn after a warm-up (the page cache warm), medians of
``--runs`` runs; the ratio xrefdoc / git grep; and the bytes of the index each query reads.
Figures, not verdicts.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from xrefdoc.codesearch.query import Match, Query, search
from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.extract.reading import decode
from xrefdoc.site.names import code_search_folder

SEED = 24
# At most this many matching lines make a literal selective (for the speed part).
SELECTIVE_HITS = 20
# How many selective literals are timed.
SPEED_QUERIES = 6
# Regular expressions with no literal of three characters: the index reads every region.
NO_LITERAL = [r"\d{3,}\.\d+", r"[A-Z]{2}\d", r"^\s*#\s*\w", r"\(\s*\)\s*:", r"=\s*\d+\s*$"]
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{4,}")

Row = tuple[str, int, str]


@dataclass(frozen=True)
class Sample:
    """One query of the exactness table."""

    kind: str
    query: Query

    def git_options(self) -> list[str]:
        options = ["-P"] if self.query.regex else ["-F"]
        return options + (["-i"] if self.query.ignore_case else [])


class CountingIndex(CodeIndex):
    """The index, counting the bytes of its files that a query reads."""

    def __init__(self, folder: Path) -> None:
        self.read_bytes = 0
        super().__init__(folder)

    def _data(self, name: str) -> bytes:
        self.read_bytes += (self.folder / f"{name}.js").stat().st_size
        return super()._data(name)

    def _segment(self, name: str, start: int, length: int) -> str:
        self.read_bytes += length
        return super()._segment(name, start, length)


def built_site(source: Path, site: Path | None, work: Path) -> Path:
    """``site``, or the site of ``source`` built into ``work/site`` (once)."""
    if site is not None:
        return site
    site = work / "site"
    if not CodeIndex.exists(code_search_folder(site)):
        print(f"grep bench: building the site of {source} into {site}", flush=True)
        command = [sys.executable, "-m", "xrefdoc", "build", str(source), "-o", str(site), "-q"]
        subprocess.run(command, check=True)
    return site


def tree_lines(index: CodeIndex) -> list[tuple[str, str]]:
    """Every line of eight characters or more of the index's files, with its path."""
    lines: list[tuple[str, str]] = []
    for group in range(index.groups):
        for number in range(index.region_count(group)):
            path = index.region(group, number).path
            text = index.text(group, number).decode("utf-8", "surrogatepass")
            lines += [(path, line) for line in text.split("\n") if len(line.strip()) >= 8]
    lines.sort()
    return lines


def draw_literal(
    chance: random.Random, lines: list[tuple[str, str]], low: int, high: int
) -> tuple[str, str]:
    """A piece of a line, ``low`` to ``high`` characters from a word's start, and its path."""
    while True:
        path, line = chance.choice(lines)
        starts = [found.start() for found in re.finditer(r"\b\w", line)]
        if not starts:
            continue
        start = chance.choice(starts)
        piece = line[start : start + chance.randint(low, high)].strip()
        if len(piece) >= low and re.search("[A-Za-z]", piece):
            return path, piece


def sample_queries(lines: list[tuple[str, str]], seed: int) -> list[Sample]:
    """30 queries drawn from the index's own lines: the same tree and seed, the same ones."""
    chance = random.Random(seed)

    def literal(low: int, high: int) -> tuple[str, str]:
        return draw_literal(chance, lines, low, high)

    def word() -> str:
        while True:
            found = _WORD.findall(chance.choice(lines)[1])
            if found:
                return str(chance.choice(found))

    samples = [Sample("literal", Query(literal(6, 24)[1])) for _ in range(8)]
    for _ in range(5):
        text = literal(6, 16)[1]
        swapped = "".join(c.swapcase() if chance.random() < 0.5 else c for c in text)
        samples.append(Sample("literal -i", Query(swapped, ignore_case=True)))
    samples += [Sample("short literal", Query(literal(3, 5)[1])) for _ in range(3)]
    for template in (r"\b{a}\b", r"{a}\s*\(", r"({a}|{b})", r"{p}\w*\s*=", r"^\s+{a}"):
        pattern = template.format(a=word(), b=word(), p=word()[:3])
        samples.append(Sample("regex", Query(pattern, regex=True)))
    samples.append(
        Sample("regex -i", Query(rf"(?:{word()})\s*[:=(]", regex=True, ignore_case=True))
    )
    for pattern in chance.sample(NO_LITERAL, 4):
        samples.append(Sample("regex, no literal", Query(pattern, regex=True)))
    for _ in range(4):
        path, text = literal(6, 16)
        folder = path.rpartition("/")[0]
        paths = (f"{folder}/",) if folder else (path,)
        samples.append(Sample("path filter", Query(text, paths=paths)))
    return samples


def git_grep_rows(
    tree: Path, options: list[str], pattern: str, *, in_git: bool = True
) -> list[Row]:
    """``git grep -n -I`` of the tree (``--no-index`` unless ``in_git``), each line as the site
    shows it: decoded as its whole file decodes (UTF-8, or the file's declared encoding, or
    else Latin-1: ``extract.decode``; git says which lines match, the site how they read),
    without the ``\\r`` of a CRLF line end. ``options`` come before the pattern; a ``--``
    after it and paths may follow in them."""
    command = ["git", "-C", str(tree), "grep", *([] if in_git else ["--no-index"])]
    command += ["-n", "-I", "-z", "--no-color", *options[: _paths_at(options)], "-e", pattern]
    command += options[_paths_at(options) :]
    done = subprocess.run(
        command, capture_output=True, check=False, env={**os.environ, "LC_ALL": "C.UTF-8"}
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.decode(errors='replace')}")
    rows = []
    encodings: dict[bytes, str] = {}
    for line in done.stdout.split(b"\n")[:-1]:
        path, number, text = line.split(b"\0", 2)
        if path not in encodings:
            encodings[path] = decode((tree / os.fsdecode(path)).read_bytes())[1]
        if number == b"1" and encodings[path] == "utf-8-sig":
            text = text.removeprefix(b"\xef\xbb\xbf")  # the site shows no byte-order mark
        shown = text.decode(encodings[path].removesuffix("-sig"), "replace")
        rows.append(
            (path.decode("utf-8", "surrogateescape"), int(number), shown.removesuffix("\r"))
        )
    return rows


def _paths_at(options: list[str]) -> int:
    return options.index("--") if "--" in options else len(options)


def git_grep(tree: Path, in_git: bool, sample: Sample) -> list[Row]:
    """``git_grep_rows`` of a sample's query."""
    return git_grep_rows(tree, sample.git_options(), sample.query.pattern, in_git=in_git)


def is_git_tree(tree: Path) -> bool:
    done = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and Path(done.stdout.strip()).resolve() == tree.resolve()


@dataclass(frozen=True)
class Checked:
    sample: Sample
    ours: list[Row]
    git: list[Row]
    seconds: float
    read_bytes: int


def check(folder: Path, tree: Path, in_git: bool, sample: Sample) -> Checked:
    index = CountingIndex(folder)
    started = time.perf_counter()
    matches: list[Match] = list(search(index, sample.query))
    seconds = time.perf_counter() - started
    languages = {name.lower() for name in sample.query.languages}
    searched = {path: language.lower() for path, language, _ in index.files}
    theirs = [
        row
        for row in git_grep(tree, in_git, sample)
        if row[0] in searched
        and all(part in row[0] for part in sample.query.paths)
        and (not languages or searched[row[0]] in languages)
    ]
    ours = [(match.path, match.line, match.text) for match in matches]
    return Checked(sample, ours, theirs, seconds, index.read_bytes)


def exactness(folder: Path, tree: Path, samples: list[Sample]) -> list[Checked]:
    in_git = is_git_tree(tree)
    print(f"\n## Exactness: xrefdoc against git grep{'' if in_git else ' --no-index'}\n")
    print("| # | kind | query | xrefdoc | git grep | same | in-process ms | index KiB read |")
    print("|---|---|---|---:|---:|---|---:|---:|")
    results = []
    for number, sample in enumerate(samples, 1):
        checked = check(folder, tree, in_git, sample)
        results.append(checked)
        query = sample.query
        shown = query.pattern + "".join(f" --path {part}" for part in query.paths)
        same = "yes" if checked.ours == checked.git else "**NO**"
        print(
            f"| {number} | {sample.kind} | `{shown[:48]}` | {len(checked.ours)} | "
            f"{len(checked.git)} | {same} | {checked.seconds * 1000:.0f} | "
            f"{checked.read_bytes / 1024:.0f} |"
        )
    wrong = [checked for checked in results if checked.ours != checked.git]
    print(f"\n{len(results) - len(wrong)} of {len(results)} queries give git grep's lines.")
    for checked in wrong:
        print(f"\nDisagreement on {checked.sample.query}:")
        only_ours = sorted(set(checked.ours) - set(checked.git))
        only_git = sorted(set(checked.git) - set(checked.ours))
        for label, rows in (("only xrefdoc", only_ours), ("only git grep", only_git)):
            for path, line, text in rows[:5]:
                print(f"  {label}: {path}:{line}:{text[:100]!r}")
            if len(rows) > 5:
                print(f"  {label}: … {len(rows) - 5} more")
        if not only_ours and not only_git:
            print("  the same lines in another order")
    return results


def timed(commands: dict[str, tuple[list[str], Path]], runs: int) -> dict[str, float]:
    """Each command's median wall seconds over ``runs`` runs, run in turn after one warm-up
    of each (so the page cache is warm and a drift of the machine's speed hits all alike)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for counted in [False] + [True] * runs:
        for name, (command, cwd) in commands.items():
            started = time.perf_counter()
            subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if counted:
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def speed(
    site: Path,
    tree: Path,
    results: list[Checked],
    lines: list[tuple[str, str]],
    args: argparse.Namespace,
    size: int,
) -> None:
    runs, seed, folder = args.runs, args.seed, code_search_folder(site)
    in_git = is_git_tree(tree)
    selective = [
        checked
        for checked in results
        if checked.sample.kind == "literal"
        and len(checked.sample.query.pattern) >= 6
        and 0 < len(checked.git) <= SELECTIVE_HITS
    ]
    # More of them, drawn apart: pieces of 8 to 20 characters that few lines hold.
    chance = random.Random(seed + 1)
    for _ in range(200):
        if len(selective) >= SPEED_QUERIES:
            break
        sample = Sample("literal", Query(draw_literal(chance, lines, 8, 20)[1]))
        checked = check(folder, tree, in_git, sample)
        if 0 < len(checked.git) <= SELECTIVE_HITS and checked.ours == checked.git:
            selective.append(checked)
    rg = shutil.which("rg")
    print(f"\n## Speed: selective literals, medians of {runs} runs (page cache warm)\n")
    if rg is None:
        print(
            "ripgrep (rg) is not installed: its column is empty (Debian: apt-get install ripgrep)\n"
        )
    print(
        "| query | hits | xrefdoc grep ms | git grep ms | rg ms | xrefdoc / git | index KiB read |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    ratios = []
    python = [sys.executable]
    for checked in selective:
        pattern = checked.sample.query.pattern
        commands = {
            "xrefdoc": (
                [*python, "-m", "xrefdoc", "grep", "--site", str(site), "-F", "--", pattern],
                tree,
            ),
            "git": (
                [
                    "git",
                    "grep",
                    *([] if in_git else ["--no-index"]),
                    "-n",
                    "-I",
                    "-F",
                    "-e",
                    pattern,
                ],
                tree,
            ),
        }
        if rg is not None:
            commands["rg"] = ([rg, "-n", "-F", "-e", pattern], tree)
        medians = timed(commands, runs)
        ratio = medians["xrefdoc"] / medians["git"]
        ratios.append(ratio)
        rg_ms = f"{medians['rg'] * 1000:.0f}" if "rg" in medians else "—"
        print(
            f"| `{pattern[:40]}` | {len(checked.git)} | {medians['xrefdoc'] * 1000:.0f} | "
            f"{medians['git'] * 1000:.0f} | {rg_ms} | {ratio:.2f}x | "
            f"{checked.read_bytes / 1024:.0f} |"
        )
    if ratios:
        print(f"\nxrefdoc grep / git grep: median {statistics.median(ratios):.2f}x (target <= 2x)")
    read = [checked.read_bytes for checked in selective]
    if read:
        print(
            f"Index read per selective query: median {statistics.median(read) / 1024:.0f} KiB "
            f"of {size / 1024:.0f} KiB ({100 * statistics.median(read) / size:.1f}%)"
        )
    floor = timed(
        {
            "python": ([*python, "-c", "pass"], tree),
            "numpy": ([*python, "-c", "import numpy"], tree),
            "reader": ([*python, "-c", "import xrefdoc.commands.grep"], tree),
        },
        runs,
    )
    print(
        f"Start-up, medians: python {floor['python'] * 1000:.0f} ms, python + import numpy "
        f"{floor['numpy'] * 1000:.0f} ms, python + xrefdoc grep's imports "
        f"{floor['reader'] * 1000:.0f} ms"
    )


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="the tree")
    parser.add_argument("--site", type=Path, help="its site, already built")
    parser.add_argument("--size", type=int, help="first make the scale bench's tree of ~N files")
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-grep-bench"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    tree = args.source.resolve()
    if args.size:
        from scale import Trash, make_tree, source_files

        trash = Trash(args.work / ".trash")
        made = args.work / f"tree-{args.size}"
        count = make_tree(tree, source_files(tree), args.size, made, trash)
        trash.empty()
        print(f"grep bench: {count} files in {made}")
        tree = made
    site = built_site(tree, args.site, args.work)
    folder = code_search_folder(site)
    index = CodeIndex(folder)
    size = folder_bytes(folder)
    print(
        f"grep bench: {tree}, {len(index.files):,} files searched, {len(index.skipped):,} "
        f"left out; index {size / 1e6:.1f} MB in {folder}"
    )
    lines = tree_lines(index)
    results = exactness(folder, tree, sample_queries(lines, args.seed))
    speed(site, tree, results, lines, args, size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
