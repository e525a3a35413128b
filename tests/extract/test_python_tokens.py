"""Python read by tree-sitter for highlighting: the same text, the types Pygments gives."""

from __future__ import annotations

from pygments.lexers import PythonLexer
from pygments.token import Keyword, Name, String, Text, _TokenType

from xrefdoc.extract.python_tokens import python_tokens
from xrefdoc.extract.tokens import lexed
from xrefdoc.site.highlight import prepare_source

SOURCE = '''\
#!/usr/bin/env python
"""Tools for the engine: caf\u00e9 \u2603."""
from __future__ import annotations

import os.path as osp
from . import core
from .core import (Engine, start as begin)


@functools.lru_cache(maxsize=2)
class Tuner(Engine, metaclass=Meta):
    """Tunes."""

    def __init__(self, *args: int, **kwargs) -> None:
        super().__init__()
        self.label = f"{args!r:>10} caf\u00e9 {{x}}\\n" + rb'\\d+' + "%s of {0}" % (1, 0x1F)
        print(len(args), ValueError, ..., not args, args is not None, 1.5)
        return [a for a in args if a in kwargs]
'''


def classes(tokens: list[tuple[_TokenType, str]]) -> list[str]:
    """The Pygments type of every character, whitespace left out."""
    return [str(kind) for kind, value in tokens for char in value if not char.isspace()]


def test_the_pieces_are_the_text_and_typed_as_pygments_types_them() -> None:
    mine = python_tokens(SOURCE)
    assert mine is not None
    assert "".join(value for _, value in mine) == SOURCE
    theirs = list(PythonLexer(stripnl=False, ensurenl=False).get_tokens(SOURCE))
    differing = {
        (theirs_kind, mine_kind)
        for theirs_kind, mine_kind in zip(classes(theirs), classes(mine), strict=True)
        if theirs_kind != mine_kind
    }
    # The one place they differ on purpose: "@" of a decorator stays apart from its name,
    # so the name can be a link.
    assert differing == {("Token.Name.Decorator", "Token.Operator")}


def test_a_decorator_name_is_a_name_of_its_own() -> None:
    tokens = python_tokens("@traced\ndef run():\n    pass\n")
    assert tokens is not None
    assert (Name.Decorator, "traced") in tokens
    source = prepare_source("@traced\ndef run():\n    pass\n", "python", 10_000)
    assert ("traced", 1, 1) in source.names


def test_the_tree_tells_raise_from_apart_from_an_import() -> None:
    tokens = python_tokens("raise Error from cause\nfrom os import path\n")
    assert tokens is not None
    assert [kind for kind, value in tokens if value == "from"] == [Keyword, Keyword.Namespace]
    assert (Name, "cause") in tokens
    assert (Name, "path") in tokens


def test_only_a_docstring_is_a_doc_string() -> None:
    tokens = python_tokens('def f():\n    """Doc."""\n    return """text"""\n')
    assert tokens is not None
    assert (String.Doc, '"""Doc."""') in tokens
    assert (String.Double, '"""') in tokens


def test_text_the_parser_cannot_read_goes_to_pygments() -> None:
    broken = "def f(:\n    print 'old'\n"
    assert python_tokens(broken) is None
    tokens = lexed(broken, "python")
    assert tokens is not None and "".join(value for _, value in tokens) == broken
    lone_surrogate = "x = '\udcff'\n"
    assert python_tokens(lone_surrogate) is None
    assert lexed(lone_surrogate, "python") is not None


def test_an_empty_file_is_no_tokens_and_blank_lines_stay() -> None:
    assert python_tokens("") == []
    assert python_tokens("\n\n") == [(Text, "\n\n")]
