"""Files too large to parse (issue 19, defect 16): read as words, in memory that does not
grow with a parser's tree, with the true reason on the page; highlighting reads no more
than the source cap, however large the file."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest
from helpers import RULES

from xrefdoc.extract import file_record, oversized
from xrefdoc.extract.file_record import extract_bytes, lines_digest
from xrefdoc.extract.tokens import lexed
from xrefdoc.site.highlight import prepare_source

CAP = 64 * 1024

PYTHON_UNIT = '''
class Engine_{n}:
    """An engine."""

    def run(self, speed_{n}: int) -> int:
        return compute_total(speed_{n}) if speed_{n} else 0
'''


def _python(size: int) -> bytes:
    units = []
    total, n = 0, 0
    while total < size:
        unit = PYTHON_UNIT.format(n=n)
        units.append(unit)
        total += len(unit)
        n += 1
    return "".join(units).encode()


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oversized, "PARSE_CAP", CAP)


def _peak(run: Callable[[], object]) -> int:
    """The most memory Python allocated while ``run`` ran, beyond what it held before."""
    lexed.cache_clear()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.mark.usefixtures("small_cap")
def test_a_python_file_over_the_cap_is_read_as_words_and_says_why() -> None:
    data = _python(3 * CAP)
    record = extract_bytes("big.py", data, "0" * 64, RULES)
    [diagnostic] = record.diagnostics
    assert diagnostic.message.startswith(
        f"too large to parse ({len(data) / 2**20:.1f} MB > 0.0625 MB cap); names found by tokens"
    )
    assert "nested" not in diagnostic.message
    assert record.symbols == ()
    first = {ref.name: ref.line for ref in record.references}
    assert first["Engine_0"] == 2
    assert first["compute_total"] == 6
    assert first["Engine_1"] == 8
    assert "def" not in first and "return" not in first  # syntax, not names
    assert record.lines == data.decode().count("\n")


@pytest.mark.usefixtures("small_cap")
def test_a_file_under_the_cap_is_parsed() -> None:
    record = extract_bytes("small.py", _python(CAP // 2), "0" * 64, RULES)
    assert record.diagnostics == ()
    assert any(symbol.name == "Engine_0" for symbol in record.symbols)


@pytest.mark.usefixtures("small_cap")
@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("big.c", "int engine_total(int speed) { return compute_total(speed); }\n"),
        ("big.js", "function engineTotal(speed) { return computeTotal(speed); }\n"),
        ("big.md", "# Heading\n\nCall `compute_total` from the engine_total page.\n\n"),
        ("big.rst", "Title\n=====\n\nCall ``compute_total`` from engine_total.\n\n"),
        ("big.json", '{"engine_total": 1, "compute_total": 2}\n'),
        ("big.txt", "Call compute_total from the engine_total page.\n"),
    ],
)
def test_every_language_over_the_cap_is_read_as_words(name: str, unit: str) -> None:
    data = (unit * (3 * CAP // len(unit))).encode()
    record = extract_bytes(name, data, "0" * 64, RULES)
    assert [d.message.partition(";")[0] for d in record.diagnostics] == [
        f"too large to parse ({len(data) / 2**20:.1f} MB > 0.0625 MB cap)"
    ]
    names = {ref.name for ref in record.references}
    assert {"compute_total", "engine_total"} <= names or {"computeTotal", "engineTotal"} <= names
    if name.endswith((".md", ".rst", ".txt")):
        assert "Call" not in names and "the" not in names  # prose words are not names


@pytest.mark.usefixtures("small_cap")
def test_names_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oversized, "MAX_NAMES", 100)
    data = "".join(f"name_{n} = {n}\n" for n in range(20_000)).encode()
    record = extract_bytes("many.py", data, "0" * 64, RULES)
    assert len(record.references) == 100
    assert record.diagnostics[0].message.endswith("(the first 100 names)")


@pytest.mark.usefixtures("small_cap")
def test_memory_of_a_file_over_the_cap_is_a_small_multiple_of_its_size() -> None:
    """``ast`` holds about 70 bytes for each byte of Python; words hold the text once and
    each distinct name once (here a few: the names of a generated file repeat)."""
    data = PYTHON_UNIT.format(n=0).encode() * (32 * CAP // len(PYTHON_UNIT))
    peak = _peak(lambda: extract_bytes("big.py", data, "0" * 64, RULES))
    assert peak < 3 * len(data), f"{peak:,} bytes for {len(data):,}"


def test_highlighting_a_huge_text_reads_only_the_cap() -> None:
    """The cost of highlighting does not grow past the source cap: neither its time nor its
    memory (the text was encoded whole to find where to cut)."""
    line = "value_é = compute_total(speed) + 1  # ünïcode\n"
    at_cap = line * (CAP // len(line))
    huge = line * (64 * CAP // len(line))
    small_peak = _peak(lambda: prepare_source(at_cap, "python", CAP))
    huge_peak = _peak(lambda: prepare_source(huge, "python", CAP))
    assert huge_peak < 1.5 * small_peak, f"{huge_peak:,} bytes against {small_peak:,}"
    assert 0 < prepare_source(huge, "python", CAP).shown_lines < at_cap.count("\n")


@pytest.mark.parametrize("over_the_cap", [False, True])
def test_the_digest_of_lines_follows_those_lines_only(
    monkeypatch: pytest.MonkeyPatch, over_the_cap: bool
) -> None:
    """A digest of the lines that hold references: the pages of other files show these
    lines, and are kept or made again by it. Past the cap the lines are found one by one
    (a string per line would be several times the file); the digest is the same."""
    text = "a\nbb\n\nccc"
    split = [lines_digest(text, numbers) for numbers in ([4, 2, 2], [0, 3, 9], [5], [])]
    monkeypatch.setattr(file_record, "is_oversized", lambda size: over_the_cap)
    assert [lines_digest(text, numbers) for numbers in ([2, 4], [3], [5], [])] == split
    assert lines_digest(text.replace("bb", "bx"), [2]) != lines_digest(text, [2])
    assert lines_digest(text.replace("a", "x"), [2, 4]) == lines_digest(text, [2, 4])
    assert lines_digest("\n" + text, [2, 4]) != lines_digest(text, [2, 4])
