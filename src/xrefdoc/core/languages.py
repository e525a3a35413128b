"""Language detection: file name and extension first, then the shebang line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pygments.lexers import find_lexer_class_by_name, find_lexer_class_for_filename
from pygments.util import ClassNotFound


@dataclass(frozen=True, slots=True)
class Language:
    """A language's display name, its extractor family and the Pygments lexer alias."""

    name: str
    family: str
    lexer: str


PYTHON = Language("Python", "python", "python")
MARKDOWN = Language("Markdown", "markdown", "markdown")
RST = Language("reStructuredText", "rst", "rst")
PLAIN = Language("Text", "text", "text")
BINARY = Language("Binary", "binary", "")

JAVASCRIPT = Language("JavaScript", "javascript", "javascript")
C = Language("C", "c", "c")
CPP = Language("C++", "cpp", "cpp")
RUBY = Language("Ruby", "ruby", "ruby")
BASH = Language("Bash", "bash", "bash")
# zsh has no grammar of its own; Bash's reads most of it (see the bash ``function_heads``).
ZSH = Language("Zsh", "bash", "bash")

# Families whose files can use each other's definitions by name alone.
_NAME_GROUPS = {"cpp": "c", "typescript": "javascript", "tsx": "javascript"}


def name_group(family: str) -> str:
    """The group of families whose definitions a use in ``family`` may mean by its name:
    C with C++, JavaScript with TypeScript, any other family alone."""
    return _NAME_GROUPS.get(family, family)


_BY_EXTENSION = {
    ".py": PYTHON,
    ".pyi": Language("Python stub", "python", "python"),
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".rst": RST,
    ".txt": PLAIN,
    ".toml": Language("TOML", "data", "toml"),
    ".json": Language("JSON", "data", "json"),
    ".yaml": Language("YAML", "data", "yaml"),
    ".yml": Language("YAML", "data", "yaml"),
    ".ini": Language("INI", "data", "ini"),
    ".cfg": Language("INI", "data", "ini"),
    # Languages with a tree-sitter grammar: the family names the grammar.
    ".js": JAVASCRIPT,
    ".mjs": JAVASCRIPT,
    ".cjs": JAVASCRIPT,
    ".jsx": JAVASCRIPT,
    ".ts": Language("TypeScript", "typescript", "typescript"),
    ".mts": Language("TypeScript", "typescript", "typescript"),
    ".cts": Language("TypeScript", "typescript", "typescript"),
    ".tsx": Language("TSX", "tsx", "typescript"),
    ".c": C,
    # A .h file may hold C or C++; the C++ grammar reads both.
    ".h": Language("C/C++ header", "cpp", "c"),
    ".cc": CPP,
    ".cpp": CPP,
    ".cxx": CPP,
    ".c++": CPP,
    ".hh": Language("C++ header", "cpp", "cpp"),
    ".hpp": Language("C++ header", "cpp", "cpp"),
    ".hxx": Language("C++ header", "cpp", "cpp"),
    ".cu": Language("CUDA", "cpp", "cuda"),
    ".cuh": Language("CUDA header", "cpp", "cuda"),
    ".go": Language("Go", "go", "go"),
    ".rs": Language("Rust", "rust", "rust"),
    ".java": Language("Java", "java", "java"),
    ".rb": RUBY,
    ".rake": RUBY,
    ".sh": BASH,
    ".bash": BASH,
    ".zsh": ZSH,
    ".zsh-theme": ZSH,
}

_BY_NAME = {
    "Makefile": Language("Makefile", "text", "make"),
    "GNUmakefile": Language("Makefile", "text", "make"),
    "Dockerfile": Language("Docker", "text", "docker"),
    ".gitignore": Language("Git ignore rules", "text", "text"),
    "Rakefile": RUBY,
    "Gemfile": RUBY,
    "LICENSE": PLAIN,
}

_SHEBANG = re.compile(rb"^#!\s*(?:/usr/bin/env\s+(?:-\S+\s+)*)?\S*?([A-Za-z]+)[0-9.]*\b")
_SHEBANG_LANGUAGES = {
    b"python": PYTHON,
    b"bash": BASH,
    b"sh": Language("Shell", "bash", "bash"),
    b"zsh": ZSH,
    b"node": JAVASCRIPT,
    b"perl": Language("Perl", "text", "perl"),
    b"ruby": RUBY,
}


@lru_cache(maxsize=4096)
def _by_file_name(name: str) -> Language | None:
    if name in _BY_NAME:
        return _BY_NAME[name]
    _, dot, ext = name.rpartition(".")
    if dot and ext:
        known = _BY_EXTENSION.get("." + ext.lower())
        if known is not None:
            return known
    try:
        lexer_class = find_lexer_class_for_filename(name)
    except ClassNotFound:
        return None
    if lexer_class is None:
        return None
    return Language(
        lexer_class.name, "text", lexer_class.aliases[0] if lexer_class.aliases else "text"
    )


# Minified code, as GitHub Linguist tells it: a JavaScript or CSS file whose lines average
# more than 110 characters. It is shown as plain text and its names are not indexed: they
# are one or two letters (noise in the keyword index), and no reader is helped by a line of
# 50,000 highlighted characters.
MINIFIED_EXTENSIONS = (".js", ".css")
MINIFIED_LINE_LENGTH = 110
MINIFIED_FAMILY = "minified"


def is_minified(name: str, data: bytes) -> bool:
    """Linguist's rule (see ``MINIFIED_LINE_LENGTH``), on bytes: the text need not be
    decoded to tell, so the scan can ask before extraction."""
    if not name.lower().endswith(MINIFIED_EXTENSIONS) or not data:
        return False
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    return len(data) // lines > MINIFIED_LINE_LENGTH


def language_of(name: str, data: bytes) -> Language:
    """The language of a file's content: ``detect_language``, minified code apart."""
    language = detect_language(name, data[:256])
    if is_minified(name, data):
        return Language(f"{language.name} (minified)", MINIFIED_FAMILY, PLAIN.lexer)
    return language


def detect_language(name: str, head: bytes) -> Language:
    """The language of a file from its base name, or from ``head`` (its first bytes)."""
    found = _by_file_name(name)
    if found is not None:
        return found
    match = _SHEBANG.match(head)
    if match:
        return _SHEBANG_LANGUAGES.get(match.group(1), PLAIN)
    return PLAIN


@lru_cache(maxsize=256)
def language_of_code_block(alias: str) -> Language | None:
    """The language a code block names by a Pygments alias (``python``, ``js``, ``c++``,
    ``sh``): that alias's lexer, known by the file names it reads."""
    try:
        lexer_class = find_lexer_class_by_name(alias.lower())
    except ClassNotFound:
        return None
    for pattern in lexer_class.filenames:
        found = _by_file_name(pattern.replace("*", "block", 1))
        if found is not None and found.family != "text":
            return found
    return Language(lexer_class.name, "text", alias)
