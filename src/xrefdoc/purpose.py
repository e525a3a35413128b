"""What a file is for, stated only from evidence found in its record and its name."""

from __future__ import annotations

from markupsafe import Markup

from xrefdoc.model import FileRecord
from xrefdoc.xref import Index, is_test_class, is_test_function

_BUILD_NAMES = {
    "Makefile",
    "GNUmakefile",
    "CMakeLists.txt",
    "Dockerfile",
    "noxfile.py",
    "tox.ini",
    "setup.py",
}
_CONFIG_NAMES = {
    "pyproject.toml",
    "setup.cfg",
    "conf.py",
    ".gitignore",
    ".gitattributes",
    ".editorconfig",
}


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def purpose_statements(record: FileRecord, index: Index) -> list[Markup]:
    """HTML sentences saying what the file is, each backed by evidence; tree text is escaped."""
    statements: list[Markup] = []
    name = record.name
    if record.is_binary:
        statements.append(Markup("Binary file: its content is not shown."))
        return statements
    if record.path in index.test_files:
        tests = [s for s in record.symbols if is_test_function(s)]
        classes = [s for s in record.symbols if is_test_class(s)]
        methods = [s for s in record.symbols if s.kind == "method" and s.name.startswith("test")]
        parts = []
        if tests:
            parts.append(_count(len(tests), "test function", "test functions"))
        if classes:
            parts.append(
                _count(len(classes), "test class", "test classes")
                + f" with {_count(len(methods), 'test method', 'test methods')}"
            )
        statements.append(Markup("Test module: {}.").format(", ".join(parts)))
    if name == "conftest.py":
        statements.append(
            Markup(
                "pytest configuration: fixtures and hooks for the tests in this folder and below."
            )
        )
    if name == "__init__.py":
        package = record.folder.rpartition("/")[2] or "the root package"
        reexported = sorted(
            {n for imp in record.imports if imp.level for n in imp.names if n != "*"}
        )
        sentence = Markup("Package initialiser of <code>{}</code>.").format(package)
        if reexported:
            count = _count(len(reexported), "name", "names")
            sentence += Markup(" Re-exports {} from its submodules.").format(count)
        statements.append(sentence)
    if name == "__main__.py":
        statements.append(
            Markup("Entry point: runs when the package is executed with <code>python -m</code>.")
        )
    elif record.has_main_guard:
        statements.append(
            Markup(
                "Entry point: runs as a script "
                '(it has an <code>if __name__ == "__main__":</code> block).'
            )
        )
    if name in _BUILD_NAMES or record.path.startswith((".ci/", ".github/workflows/")):
        statements.append(Markup("Build or CI script."))
    elif name in _CONFIG_NAMES or record.family == "data":
        statements.append(Markup("Configuration or data file ({}).").format(record.language))
    if record.family in ("markdown", "rst"):
        headings = _count(len(record.headings), "heading", "headings")
        statements.append(Markup("Documentation ({}, {}).").format(record.language, headings))
    return statements
