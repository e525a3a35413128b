"""Which Sphinx HTML theme suits xrefdoc's sites: page weight and build time, measured.

    python bench/themes.py --source /path/to/a/real/tree [--sizes 200,2000] [--repeat 3]
        [--themes alabaster,furo,pydata_sphinx_theme,sphinx_rtd_theme,sphinx_book_theme,xrefdoc]
        [--page path/of/a/file/of/the/source] [--work /tmp/xrefdoc-themes]

Why: a site of a tree of 20,000 files has 40,000 pages of files. A theme whose sidebar
renders the whole toctree on every page makes each page, and the build, grow with the tree;
its assets are transferred by every reader on a cold cache. So this builds, for each size
of tree, a minimal Sphinx project (``extensions = ["myst_parser", "xrefdoc.sphinx"]``, an
index whose toctree holds ``_xref/index``) once per theme, and measures the same file page
(one file of ``copy00/``) in each.

A tree of a size at least the source's is made of whole copies of it (``scale.make_tree``);
a smaller one of an evenly spread sample of its files, the measured file always among them.
Each build is cold: the output, the doctrees, the generated ``_xref`` folder and xrefdoc's
cache in the tree are deleted first (the operating system's file cache stays warm); each
theme is built ``--repeat`` times, the themes in turn, and the fastest build counts, since
a shared machine's load changes from minute to minute (the load is printed). The
theme ``basic`` is built at every size as the reference: its page holds xrefdoc's body
exactly, so in every theme's page the body is found verbatim and the rest is the theme's
("chrome"); links outside the body are the theme's navigation.

A page's assets are what a browser asks for on a cold cache: the stylesheets, scripts,
icons, preloads and images the HTML names, and what the stylesheets name in turn
(``@import``, ``url()``: for a font face only the first source, as a browser takes the first
format it reads). Fonts and images named by a stylesheet are counted even if no element of
the page uses them, so the figure is an upper bound; what scripts fetch while running is not
counted. Sizes are the files' bytes; the gzip column compresses each file on its own.

A theme is a name (an installed theme, or one an extension registers) or the path of a
theme folder (``html_theme_path`` is set to its parent); a theme Sphinx does not find is
reported as unavailable, a build that fails as failed. Themes are not dependencies of
xrefdoc: install them to measure them. Prints markdown tables, then the themes whose
page weight grows with the tree (see ``GROWTH_BYTES``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scale import make_tree, source_files
from weight import KINDS, Page, measure_page, parse_tags

from xrefdoc.store.cache import CACHE_FOLDER

REFERENCE = "basic"
DEFAULT_THEMES = "alabaster,furo,pydata_sphinx_theme,sphinx_rtd_theme,sphinx_book_theme,xrefdoc"
# A theme's part of a page (all but xrefdoc's body) growing by more than this many bytes
# from the smallest to the largest tree, or its navigation links by more than this ratio,
# grows with the tree. In bytes: a theme's fixed assets (megabytes for some) would hide an
# asset that grows, such as a search index loaded on every page.
GROWTH_BYTES = 1024
GROWTH_TOLERANCE = 1.10
# Where basic's layout puts the body of a page.
_BASIC_BODY = re.compile(
    r'<div class="body" role="main">\s*(.*?)\s*<div class="clearer"></div>\s*</div>', re.S
)


@dataclass
class Outcome:
    """One theme built on one tree: its time and page, or why there is none."""

    seconds: float
    site_mib: float = 0.0
    page: Page | None = None
    problem: str = ""  # "unavailable", "failed: ...", "page missing"


@dataclass
class Size:
    files: int
    body_bytes: int
    body_links: int
    outcomes: dict[str, Outcome]


def reference_body(page: Path) -> str:
    """xrefdoc's body of a page laid out by ``basic``."""
    match = _BASIC_BODY.search(page.read_text(encoding="utf-8"))
    if match is None:
        sys.exit(f"themes: no body found in {page}, laid out by {REFERENCE}")
    return match.group(1)


def sample(files: list[str], size: int, keep: str) -> list[str]:
    """``size`` of ``files`` spread evenly over them, ``keep`` among them."""
    if size >= len(files):
        return files
    chosen = {files[number * len(files) // size] for number in range(size)}
    if keep not in chosen:
        chosen.discard(next(iter(sorted(chosen - {keep}))))
        chosen.add(keep)
    return sorted(chosen)


def theme_settings(theme: str) -> tuple[str, list[str]]:
    """``html_theme`` and ``html_theme_path`` for a theme name or a theme folder's path."""
    folder = Path(theme).expanduser()
    is_folder = folder.is_dir() and any(
        (folder / name).is_file() for name in ("theme.toml", "theme.conf")
    )
    if "/" in theme or is_folder:
        folder = folder.resolve()
        return folder.name, [str(folder.parent)]
    return theme, []


def write_project(source: Path, tree: Path, theme: str) -> None:
    name, path = theme_settings(theme)
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    (source / "conf.py").write_text(
        f'project = "themes bench"\n'
        f'extensions = ["myst_parser", "xrefdoc.sphinx"]\n'
        f'root_doc = "index"\n'
        f'source_suffix = {{".md": "markdown"}}\n'
        f'exclude_patterns = ["_xref/.xrefdoc-work"]\n'
        f"xrefdoc_root = {str(tree)!r}\n"
        f'xrefdoc_output = "_xref"\n'
        f"html_theme = {name!r}\n"
        f"html_theme_path = {path!r}\n",
        encoding="utf-8",
    )
    (source / "index.md").write_text(
        "# Themes bench\n\n```{toctree}\n_xref/index\n```\n", encoding="utf-8"
    )


def build(tree: Path, work: Path, theme: str, timeout: float) -> tuple[float, str]:
    """A cold build of ``theme``'s project in ``work``: seconds, and "" or its problem."""
    source, output, doctrees = work / "src", work / "out", work / "doctrees"
    write_project(source, tree, theme)
    for folder in (output, doctrees, tree / CACHE_FOLDER):
        shutil.rmtree(folder, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-j", "auto"]
    command += ["-d", str(doctrees), str(source), str(output)]
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, f"stopped after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    (work / "build.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode == 0:
        return seconds, ""
    if re.search(r"no theme named .* found", result.stderr):
        return seconds, "unavailable"
    # The error's own line, not the request to report it that Sphinx ends with.
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"(Error|Exception)\b.*: ", line)]
    reason = (errors or lines or [f"exit status {result.returncode}"])[-1]
    return seconds, f"failed: {reason[:240]} (see {work / 'build.log'})"


def folder_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def measure_size(
    source: Path,
    files: list[str],
    chosen: str,
    size: int,
    themes: list[str],
    args: argparse.Namespace,
) -> Size:
    work = args.work / f"size-{size}"
    tree = work / "tree"
    count = make_tree(source, sample(files, size, chosen), size, tree)
    print(f"size {size}: {count} files in {tree}", flush=True)
    page_name = f"_xref/copy00/{chosen}_docs.html"
    order = [REFERENCE, *(t for t in themes if t != REFERENCE)]
    folders = {theme: work / re.sub(r"[^A-Za-z0-9_.-]", "_", theme) for theme in order}
    # The fastest of the rounds; the themes in turn within a round, so a change in the
    # machine's load falls on all of them. A theme that failed is not built again.
    builds: dict[str, tuple[float, str]] = {}
    for round_ in range(1, args.repeat + 1):
        for theme in order:
            if builds.get(theme, (0.0, ""))[1]:
                continue
            seconds, problem = build(tree, folders[theme], theme, args.timeout)
            fastest = min(seconds, builds[theme][0]) if theme in builds else seconds
            builds[theme] = (fastest, problem)
            load = os.getloadavg()[0]
            print(
                f"  round {round_}, {theme}: {seconds:.1f} s, {problem or 'ok'} (load {load:.1f})",
                flush=True,
            )
    outcomes: dict[str, Outcome] = {}
    body = ""
    for theme in order:
        seconds, problem = builds[theme]
        outcome = Outcome(seconds, problem=problem)
        output = folders[theme] / "out"
        page = output / page_name
        if not problem and not page.is_file():
            outcome.problem = "page missing"
        if not outcome.problem:
            if theme == REFERENCE:
                body = reference_body(page)
            outcome.site_mib = folder_mib(output)
            outcome.page = measure_page(page, output, body)
        if theme == REFERENCE and outcome.page is None:
            sys.exit(f"themes: the reference theme {REFERENCE} gave no page: {outcome.problem}")
        outcomes[theme] = outcome
    return Size(count, len(body.encode()), parse_tags(body).links, outcomes)


def _kib(value: int | None) -> str:
    return "?" if value is None else f"{value / 1024:,.1f}"


def _ratio(large: int | None, small: int | None) -> str:
    if large is None or small is None or small == 0:
        return "?"
    return f"{large / small:.2f}x"


def _grew(large: int | None, small: int | None) -> bool:
    return large is not None and small is not None and large > small * GROWTH_TOLERANCE


def _delta(large: int | None, small: int | None) -> str:
    return "" if large is None or small is None else f" ({(large - small) / 1024:+,.1f} KiB)"


def _label(theme: str) -> str:
    return f"{theme} (reference)" if theme == REFERENCE else theme


def report(sizes: list[Size], themes: list[str], chosen: str) -> None:
    shown = [REFERENCE, *(t for t in themes if t != REFERENCE)]
    small, large = sizes[0], sizes[-1]
    print(f"\n## One file page (`copy00/{chosen}`) and its build, by theme\n")
    bodies = "; ".join(
        f"{_kib(s.body_bytes)} KiB with {s.body_links} links at {s.files:,} files" for s in sizes
    )
    print(
        f"xrefdoc's body of the page, the same in every theme: {bodies}. KiB are 1,024 bytes. "
        "build s: the fastest of the cold builds; chrome: the page without xrefdoc's body; "
        "nav links: `<a href>` outside the body; total: the HTML and every asset it makes a "
        "browser fetch on a cold cache (fonts and images its stylesheets name: an upper "
        "bound).\n"
    )
    columns = ["theme", "files", "build s", "site MiB", "page HTML KiB", "chrome KiB"]
    columns += ["assets KiB", "total KiB", "total gzip KiB", "nav links"]
    print("| " + " | ".join(columns) + " |")
    print("| --- |" + " --: |" * (len(columns) - 1))
    notes: list[str] = []
    for theme in shown:
        for size in sizes:
            outcome = size.outcomes[theme]
            page = outcome.page
            cells = [_label(theme), f"{size.files:,}"]
            if page is None:
                if outcome.problem == "unavailable":
                    cells.append("unavailable")
                else:
                    notes.append(f"{theme}, {size.files:,} files: {outcome.problem}")
                    cells.append(f"{outcome.seconds:.1f} ({outcome.problem[:6]} [{len(notes)}])")
                print("| " + " | ".join(cells) + " |" + " |" * (len(columns) - len(cells)))
                continue
            cells += [f"{outcome.seconds:.1f}", f"{outcome.site_mib:.1f}"]
            cells += [_kib(page.html_bytes), _kib(page.chrome_bytes), _kib(page.asset_bytes)]
            cells += [_kib(page.total), _kib(page.total_gzip)]
            cells.append("?" if page.nav_links is None else str(page.nav_links))
            print("| " + " | ".join(cells) + " |")
    for number, note in enumerate(notes, 1):
        print(f"\n[{number}] {note}")
    if len(sizes) > 1:
        report_growth(shown, small, large)
    print("\n## Assets of the page by kind (KiB, largest tree)\n")
    print("| theme | css | js | fonts | images | other | files | largest | missing |")
    print("| --- | --: | --: | --: | --: | --: | --: | --- | --- |")
    for theme in shown:
        page = large.outcomes[theme].page
        if page is None:
            continue
        kinds = page.by_kind()
        path, bytes_ = max(page.assets.items(), key=lambda item: item[1], default=("-", 0))
        missing = ", ".join(page.missing) or "-"
        print(
            f"| {_label(theme)} | "
            + " | ".join(_kib(kinds[kind]) for kind in KINDS)
            + f" | {len(page.assets)} | {path} ({_kib(bytes_)}) | {missing} |"
        )


def report_growth(shown: list[str], small: Size, large: Size) -> None:
    """From the smallest tree to the largest: the page and the theme's part of it (all but
    xrefdoc's body), its navigation, and the assets that grew."""
    print(
        f"\n## Growth from {small.files:,} to {large.files:,} files "
        f"(x{large.files / small.files:.1f})\n"
    )
    print("| theme | total | theme's part | chrome | assets | nav links | assets that grew |")
    print("| --- | --: | --: | --: | --: | --: | --- |")
    growing: list[str] = []
    for theme in shown:
        first, last = small.outcomes[theme].page, large.outcomes[theme].page
        if first is None or last is None:
            print(f"| {_label(theme)} | - | - | - | - | - | no page at both sizes |")
            continue
        part = [
            None if page.body_bytes is None else page.total - page.body_bytes
            for page in (first, last)
        ]
        grown = [
            f"{path} {_kib(first.assets.get(path, 0))} -> {_kib(size)}"
            for path, size in sorted(last.assets.items())
            if size > first.assets.get(path, 0)
        ]
        nav = f"{first.nav_links} -> {last.nav_links}"
        part_grew = part[0] is not None and part[1] is not None and part[1] - part[0] > GROWTH_BYTES
        if part_grew or _grew(last.nav_links, first.nav_links):
            growing.append(theme if not grown else f"{theme} ({', '.join(grown)})")
        cells = [
            _label(theme),
            _ratio(last.total, first.total),
            _ratio(part[1], part[0]) + _delta(part[1], part[0]),
            _ratio(last.chrome_bytes, first.chrome_bytes),
            _ratio(last.asset_bytes, first.asset_bytes),
            nav,
            "; ".join(grown) or "-",
        ]
        print("| " + " | ".join(cells) + " |")
    print(
        f"\ntheme's part: the total without xrefdoc's body (chrome and assets). Themes whose "
        f"page weight grows with the tree (theme's part more than {GROWTH_BYTES:,} bytes "
        f"larger at {large.files:,} files, or nav links more than "
        f"{GROWTH_TOLERANCE - 1:.0%} more): {'; '.join(growing) or 'none'}."
    )


def default_page(files: list[str]) -> str:
    """The file measured: the first Python file in a folder (as ``scale`` changes)."""
    return next((p for p in files if p.endswith(".py") and "/" in p), files[0])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--sizes", default="200,2000", help="files in each tree")
    parser.add_argument("--themes", default=DEFAULT_THEMES, help="names or theme folders")
    parser.add_argument("--page", help="the file of the source whose page is measured")
    parser.add_argument("--work", type=Path, default=Path("/tmp/xrefdoc-themes"))
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a build may take")
    parser.add_argument(
        "--repeat", type=int, default=3, help="cold builds of each theme; the fastest counts"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.work = args.work.resolve()
    source = args.source.resolve()
    files = source_files(source)
    if not files:
        sys.exit(f"themes: no files to document in {source}")
    chosen = args.page or default_page(files)
    if chosen not in files:
        sys.exit(f"themes: {chosen} is not a documented file of {source}")
    themes = [theme.strip() for theme in args.themes.split(",") if theme.strip()]
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    results = [measure_size(source, files, chosen, size, themes, args) for size in sizes]
    report(results, themes, chosen)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
