"""The analyze stage reads the records and the index and returns findings, changing
neither; the pipeline makes the final records and an index that holds them."""

from __future__ import annotations

from pathlib import Path

from helpers import extract_tree

from xrefdoc.analyze.project import read_project
from xrefdoc.analyze.stage import analyze, with_findings
from xrefdoc.core.settings import make_settings
from xrefdoc.pipeline.scan import scan
from xrefdoc.xref.index import build_index

TREE: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "notes.txt": "Nothing here.\n",
    "pkg/core.py": (
        "import pickle\n\n\ndef load(data: bytes) -> object:\n    return pickle.loads(data)\n"
    ),
    "tests/test_core.py": "from pkg.core import load\n\n\ndef test_load():\n    assert load(b'')\n",
}


def test_analyze_returns_the_tree_findings_and_changes_no_record(tmp_path: Path) -> None:
    extracted = extract_tree(tmp_path, TREE)
    records = tuple(extracted.values())
    index = build_index(records)
    held = dict(index.records)
    project = read_project(tmp_path, list(extracted))

    found_in = analyze(records, index, project)

    assert {path: [f.rule for f in found] for path, found in found_in.items()} == {
        "pkg/__init__.py": ["purpose.package-init"],
        "pkg/core.py": ["testing.tested-by"],
        "tests/test_core.py": ["purpose.test-module", "testing.run"],
    }
    assert found_in["pkg/core.py"][0].message == "Tested by `tests/test_core.py`, which uses `load`"
    assert tuple(extracted.values()) == records
    assert index.records == held
    assert all(index.records[path] is record for path, record in held.items())
    assert [f.rule for f in index.records["pkg/core.py"].findings] == [
        "pattern.typed-api",
        "security.unsafe-load",
    ]
    # What the user turned off is not returned.
    assert analyze(records, index, project, ("testing.tested-by",)).keys() == {
        "pkg/__init__.py",
        "tests/test_core.py",
    }
    assert analyze(records, index, project, ("purpose", "testing")) == {}


def test_with_findings_merges_them_by_line_into_new_records(tmp_path: Path) -> None:
    extracted = extract_tree(tmp_path, TREE)
    records = tuple(extracted.values())
    index = build_index(records)
    found_in = analyze(records, index, read_project(tmp_path, list(extracted)))

    merged = with_findings(records, found_in)

    assert [record.path for record in merged] == list(extracted)
    assert merged[1] is extracted["notes.txt"], "a record with no tree findings is kept"
    core = merged[2]
    assert [(f.line, f.rule) for f in core.findings] == [
        (4, "pattern.typed-api"),
        (4, "testing.tested-by"),
        (5, "security.unsafe-load"),
    ]
    assert core.symbols == extracted["pkg/core.py"].symbols
    assert len(extracted["pkg/core.py"].findings) == 2, "the extracted record is unchanged"


def test_the_scans_index_holds_the_records_it_returns(tmp_path: Path) -> None:
    extract_tree(tmp_path, TREE)
    result = scan(make_settings(tmp_path), use_cache=False)
    assert sorted(record.path for record in result.records) == sorted(TREE)
    for record in result.records:
        assert result.index.records[record.path] is record
    assert [f.rule for f in result.index.records["pkg/core.py"].findings] == [
        "pattern.typed-api",
        "testing.tested-by",
        "security.unsafe-load",
    ]
