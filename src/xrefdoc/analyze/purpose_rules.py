"""What a file is for, from its record, its place in the index and the project's
configuration: a test module, a conftest, a package's initialiser, an entry point, a
configuration, build or CI file, documentation, data. Each sentence names what makes it
true of this file (its tests, its fixtures, its tables, its title), never only its kind."""

from __future__ import annotations

from collections.abc import Iterator

from xrefdoc.analyze.project import ProjectFacts
from xrefdoc.analyze.rules import Rule
from xrefdoc.analyze.tree import TreeFacts
from xrefdoc.analyze.wording import code, listed, place, plural
from xrefdoc.core.model import FileRecord, Finding
from xrefdoc.xref.index import collected_tests, is_test_function, module_names, tested_classes

TEST_MODULE = Rule("purpose.test-module", "a module of tests a test runner collects")
CONFTEST = Rule("purpose.conftest", "a conftest.py: fixtures and hooks for a folder's tests")
PACKAGE_INIT = Rule("purpose.package-init", "a package's __init__.py and what it re-exports")
MAIN_MODULE = Rule("purpose.main-module", "a __main__.py, run by python -m")
CONSOLE_SCRIPT = Rule("purpose.console-script", "the function a declared console script runs")
CONFIG = Rule("purpose.config", "a configuration file of the project or its tools")
BUILD = Rule("purpose.build", "a build, packaging or CI file")
DOCS = Rule("purpose.docs", "documentation (Markdown, reStructuredText)")
DATA = Rule("purpose.data", "a data file (JSON, YAML, CSV, XML...)")
TREE_PURPOSE_RULES = (
    TEST_MODULE,
    CONFTEST,
    PACKAGE_INIT,
    MAIN_MODULE,
    CONSOLE_SCRIPT,
    CONFIG,
    BUILD,
    DOCS,
    DATA,
)

# Build and CI files by name, with what reads them.
_BUILD_FILES = {
    "Makefile": "make",
    "GNUmakefile": "GNU make",
    "makefile": "make",
    "CMakeLists.txt": "CMake",
    "meson.build": "Meson",
    "BUILD": "Bazel",
    "BUILD.bazel": "Bazel",
    "WORKSPACE": "Bazel",
    "Dockerfile": "docker build",
    "Containerfile": "podman build",
    "setup.py": "setuptools",
    "noxfile.py": "nox",
    "tox.ini": "tox",
    "Jenkinsfile": "Jenkins",
    ".gitlab-ci.yml": "GitLab CI",
    ".travis.yml": "Travis CI",
    "azure-pipelines.yml": "Azure Pipelines",
    "build.gradle": "Gradle",
    "pom.xml": "Maven",
    "Cargo.toml": "Cargo",
    "package.json": "npm",
}
_CI_FOLDERS = {
    ".github/workflows": "GitHub Actions",
    ".circleci": "CircleCI",
    ".ci": "the project's CI",
    ".buildkite": "Buildkite",
}
# Configuration files by name, with the tool that reads them.
_CONFIG_FILES = {
    "pyproject.toml": "Python packaging and tools",
    "setup.cfg": "setuptools and tools",
    "pytest.toml": "pytest",
    ".pytest.toml": "pytest",
    "pytest.ini": "pytest",
    ".pytest.ini": "pytest",
    "mypy.ini": "mypy",
    ".flake8": "flake8",
    ".pylintrc": "pylint",
    "ruff.toml": "ruff",
    ".ruff.toml": "ruff",
    ".coveragerc": "coverage.py",
    ".editorconfig": "EditorConfig",
    ".gitignore": "git (ignored files)",
    ".gitattributes": "git (path attributes)",
    ".gitmodules": "git (submodules)",
    ".pre-commit-config.yaml": "pre-commit",
    ".readthedocs.yaml": "Read the Docs",
    ".readthedocs.yml": "Read the Docs",
    "conf.py": "Sphinx",
    "tsconfig.json": "TypeScript",
    ".eslintrc.json": "ESLint",
    ".prettierrc": "Prettier",
    "requirements.txt": "pip (requirements)",
    "MANIFEST.in": "setuptools (sdist contents)",
}
_CONFIG_EXTENSIONS = (".ini", ".cfg", ".conf", ".toml", ".properties")


def _length(record: FileRecord) -> str:
    return plural(record.lines, "line") if record.lines and record.size else "empty"


def _test_module(record: FileRecord, tree: TreeFacts) -> Iterator[Finding]:
    if record.path not in tree.index.test_files:
        return
    tests = collected_tests(record)
    functions = sum(1 for s in tests if is_test_function(s))
    classes = [c for c in sorted(tested_classes(record)) if any(t.parent == c for t in tests)]
    parts = []
    if functions:
        parts.append(plural(functions, "test function"))
    if classes:
        methods = len(tests) - functions
        kind = "test class" if len(classes) == 1 else "test classes"
        parts.append(f"{kind} {listed(classes, 2)} with {plural(methods, 'test method')}")
    tested = [_module_label(path, tree) for path in tree.tested_in.get(record.path, [])]
    what = f" of {listed(tested, 3)}" if tested else ""
    yield TEST_MODULE.at(tests[0].line, f"Test module{what}: {' and '.join(parts)}")


def _module_name(path: str, python_files: frozenset[str]) -> str:
    """The dotted name a Python file is imported by ("" for none: not Python, or the root's
    ``__init__.py``)."""
    names = module_names(path, python_files) if path in python_files else []
    return names[0] if names else ""


def _module_label(path: str, tree: TreeFacts) -> str:
    """A Python file by its dotted module name, any other by its path."""
    return _module_name(path, tree.python_files) or path


def _conftest(record: FileRecord) -> Iterator[Finding]:
    if record.name != "conftest.py":
        return
    fixtures = sum(1 for f in record.findings if f.rule == "purpose.fixture")
    hooks = [
        s.name
        for s in record.symbols
        if s.kind == "function" and s.parent is None and s.name.startswith("pytest_")
    ]
    parts = [plural(fixtures, "fixture")] if fixtures else []
    if hooks:
        parts.append(f"the {'hook' if len(hooks) == 1 else 'hooks'} {listed(hooks)}")
    holds = f": {' and '.join(parts)}" if parts else ""
    yield CONFTEST.at(
        1, f"pytest reads it for every test in {place(record.folder)} and below{holds}"
    )


def _package_init(record: FileRecord, python_files: frozenset[str]) -> Iterator[Finding]:
    if record.name != "__init__.py":
        return
    dotted = _module_name(record.path, python_files) or record.folder.replace("/", ".")
    package = f"the package {code(dotted)}" if dotted else "the tree's root package"
    reexported = sorted({n for imp in record.imports if imp.level for n in imp.names if n != "*"})
    sentence = f"Initialiser of {package}"
    if reexported:
        sentence += f"; re-exports {plural(len(reexported), 'name')} from its submodules"
        sentence += f": {listed(reexported)}"
    first = next((imp.line for imp in record.imports if imp.level), 1)
    yield PACKAGE_INIT.at(first, sentence)


def _main_module(record: FileRecord, python_files: frozenset[str]) -> Iterator[Finding]:
    if record.name != "__main__.py" or not record.folder:
        return
    # pkg.__main__ → pkg; a folder that is no package runs by its dotted path all the same.
    package = _module_name(record.path, python_files).rpartition(".")[0]
    package = package or record.folder.replace("/", ".")
    yield MAIN_MODULE.at(1, f"Runs when the package is executed: {code('python -m ' + package)}")


def _console_scripts(record: FileRecord, facts: ProjectFacts) -> Iterator[Finding]:
    for script in facts.scripts.get(record.path, ()):
        function = script.function
        line = next((s.line for s in record.symbols if s.qualname == function), 1)
        runs = f": it runs {code(function)}" if function else ""
        yield CONSOLE_SCRIPT.at(
            line,
            f"Entry point of the command {code(script.name)}, declared in "
            f"{code(script.declared_in)} under {code(script.table)}{runs}",
        )


def _top_keys(record: FileRecord) -> list[str]:
    return [s.name for s in record.symbols if s.kind == "key" and s.parent is None]


def _build(record: FileRecord) -> Finding | None:
    name, folder = record.name, record.folder
    for ci_folder, service in _CI_FOLDERS.items():
        if folder == ci_folder or folder.startswith(ci_folder + "/"):
            keys = _top_keys(record)
            shows = f"; its top-level keys are {listed(keys)}" if keys else ""
            return BUILD.at(1, f"CI file of {service}, {code(name)} in {place(folder)}{shows}")
    tool = _BUILD_FILES.get(name)
    if tool is None:
        return None
    functions = [s.name for s in record.symbols if s.kind == "function" and s.parent is None]
    defines = f"; it defines {listed(functions)}" if functions else ""
    return BUILD.at(1, f"Build file read by {tool} in {place(folder)}{defines}")


def _pyproject(record: FileRecord) -> Finding:
    """What a pyproject.toml configures: packaging, and which tools (its ``[tool.X]``)."""
    keys = _top_keys(record)
    tools = list(dict.fromkeys(k.split(".")[1] for k in keys if k.startswith("tool.") and "." in k))
    packaging = [f"[{k}]" for k in keys if k in ("project", "build-system")]
    parts = []
    if packaging:
        parts.append(f"packaging ({listed(packaging)})")
    if tools:
        parts.append(f"the settings of {listed(tools, 6)}")
    holds = f": {' and '.join(parts)}" if parts else ", with no table of packaging or tools"
    return CONFIG.at(1, f"Project configuration for {place(record.folder)}{holds}")


def _config(record: FileRecord) -> Finding | None:
    if record.name == "pyproject.toml":
        return _pyproject(record)
    tool = _CONFIG_FILES.get(record.name)
    if tool is None and not record.name.endswith(_CONFIG_EXTENSIONS):
        return None
    keys = _top_keys(record)
    if not keys and record.family == "python":
        keys = [s.name for s in record.symbols if s.kind in ("variable", "constant")]
    reader = f" of {tool}" if tool else f" ({record.language})"
    holds = f": it sets {listed(keys)}" if keys else f", {_length(record)}"
    return CONFIG.at(1, f"Configuration{reader} for {place(record.folder)}{holds}")


def _docs(record: FileRecord) -> Finding | None:
    if record.family not in ("markdown", "rst"):
        return None
    if not record.headings:
        return DOCS.at(
            1,
            f"Documentation ({record.language}) without headings, {_length(record)}",
        )
    title = record.headings[0]
    more = len(record.headings) - 1
    sections = f", with {plural(more, 'more heading')}" if more else ""
    return DOCS.at(
        title.line, f"Documentation ({record.language}) titled {code(title.text)}{sections}"
    )


def _data(record: FileRecord) -> Finding | None:
    if record.family != "data":
        return None
    keys = _top_keys(record)
    holds = f"top-level keys {listed(keys)}" if keys else _length(record)
    return DATA.at(1, f"Data ({record.language}): {holds}")


def tree_purpose_findings(record: FileRecord, tree: TreeFacts) -> list[Finding]:
    """The purpose findings that need more than the file: the index, the project's
    configuration, the names of its modules."""
    found = [
        *_test_module(record, tree),
        *_conftest(record),
        *_package_init(record, tree.python_files),
        *_main_module(record, tree.python_files),
        *_console_scripts(record, tree.project),
    ]
    # A file is one of these at most, the first that applies.
    kind = _build(record) or _config(record) or _docs(record) or _data(record)
    if kind is not None:
        found.append(kind)
    return found
