"""The syntax nodes of Python 3.12's type parameters and ``type`` statements, on any interpreter.

The grammar converter (``python_grammar``) builds them for files newer than the running
Python, and the name resolver and the collector of definitions read them: from the standard
library's ``ast`` where it has them (3.12 on), otherwise stand-ins of the same names and
fields, so that one code path reads both. On 3.11, ``FunctionDef`` and ``ClassDef`` have no
``type_params`` field: the converter sets it as a plain attribute, which ``ast.walk`` and
``ast.dump`` do not see, and ``type_params_of`` reads.
"""

from __future__ import annotations

import ast
import sys

_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")

if sys.version_info >= (3, 12):
    TypeAlias = ast.TypeAlias
    TypeVar = ast.TypeVar
    ParamSpec = ast.ParamSpec
    TypeVarTuple = ast.TypeVarTuple
else:

    class TypeAlias(ast.stmt):
        """``type Name[T] = value``."""

        _fields = ("name", "type_params", "value")
        _attributes = _POSITIONS

        def __init__(
            self, name: ast.Name, type_params: list[TypeParameter], value: ast.expr
        ) -> None:
            super().__init__()
            self.name = name
            self.type_params = type_params
            self.value = value

    class _TypeParameter(ast.AST):
        _attributes = _POSITIONS
        lineno: int
        col_offset: int
        end_lineno: int | None
        end_col_offset: int | None

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class TypeVar(_TypeParameter):
        """``T`` or ``T: Bound``."""

        _fields = ("name", "bound")

        def __init__(self, name: str, bound: ast.expr | None = None) -> None:
            super().__init__(name)
            self.bound = bound

    class ParamSpec(_TypeParameter):
        """``**P``."""

        _fields = ("name",)

    class TypeVarTuple(_TypeParameter):
        """``*Ts``."""

        _fields = ("name",)


TypeParameter = TypeVar | ParamSpec | TypeVarTuple


def type_params_of(node: ast.AST) -> list[TypeParameter]:
    """The type parameters of a ``def``, ``class`` or ``type`` statement; none for another
    node, or one that a parser without them made."""
    found: list[TypeParameter] = getattr(node, "type_params", None) or []
    return found


def set_type_params(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, params: list[TypeParameter]
) -> None:
    """Give a ``def`` or ``class`` its type parameters: a field from 3.12 on, which the
    standard library's stubs for 3.11 do not know."""
    setattr(node, "type_params", params)  # noqa: B010


def type_params_text(params: list[TypeParameter]) -> str:
    """``[T: Base, *Ts, **P]`` as written (bounds unparsed), or "" without parameters."""
    if not params:
        return ""
    texts = []
    for param in params:
        if isinstance(param, TypeVarTuple):
            texts.append(f"*{param.name}")
        elif isinstance(param, ParamSpec):
            texts.append(f"**{param.name}")
        elif param.bound is not None:
            texts.append(f"{param.name}: {ast.unparse(param.bound)}")
        else:
            texts.append(param.name)
    return f"[{', '.join(texts)}]"
