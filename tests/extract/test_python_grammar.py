"""The grammar converter gives the tree ``ast.parse`` gives, positions included, and reads
syntax newer than the running interpreter."""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest

from xrefdoc.extract.python_grammar import GrammarSyntaxError, parse_with_grammar
from xrefdoc.extract.type_params import (
    ParamSpec,
    TypeAlias,
    TypeVar,
    TypeVarTuple,
    type_params_of,
)

# Realistic code covering every statement and expression kind of Python 3.11.
SNIPPETS = {
    "imports": '''
        """Engines and the helpers that start them."""
        from __future__ import annotations

        import os.path as osp, sys
        import xml.etree.ElementTree
        from . import sibling
        from .. import parent as up
        from ...core.engine import (
            Engine as BaseEngine,
            start,
        )
        from .registry import *
    ''',
    "functions": """
        import functools


        @functools.lru_cache(maxsize=None)
        @staticmethod
        def configure(path, /, mode: str = "r", *args: int, strict: bool, retries=3, **extra):
            '''Read the configuration.'''
            global CONFIG
            CONFIG = path
            def inner(value=lambda x, *, y=1: x + y):
                nonlocal mode
                mode = value
                return
            return inner


        async def fetch(session: "Session", *, timeout: float | None = None) -> bytes:
            async with session.get(timeout=timeout) as response, session.lock():
                data = await response.read()
                scale = await response.factor() ** 2
            async for chunk in response.stream():
                yield chunk
            await session.close()


        def generate(items):
            value = yield
            yield from items
            return (yield value)
    """,
    "classes": '''
        import abc


        @dataclass(frozen=True)
        class Engine(Base, abc.ABC, metaclass=abc.ABCMeta, **options):
            """An engine."""

            name: str
            size: int = 0
            _registry: ClassVar[dict[str, type[Engine]]] = {}

            def __init__(self, name: str) -> None:
                super().__init__()
                self.name = name

            @property
            def label(self) -> str:
                return f"{self.name}!"

            class Meta:
                ordering = ["name"]
    ''',
    "assignments": """
        first = second = compute()
        left, *middle, right = values
        (a, b), [c, d] = pairs
        obj.attr, items[0], items[1:2] = 1, 2, [3]
        total += 1; total -= 2; total *= 3; total /= 4; total //= 5; total %= 6
        total **= 2; bits &= 1; bits |= 2; bits ^= 3; bits <<= 1; bits >>= 1; m @= n
        counter: int
        (grouped): int = 0
        self.value: float = 1.5
        table["key"]: str = "v"
        if (size := len(data)) > 10:
            del data[0], obj.attr, (x, y)
        del (a), b
        x = y, = z
        pair = 1, 2,
    """,
    "control_flow": """
        if ready:
            start()
        elif waiting:
            wait()
        elif failed:
            pass
        else:
            stop()
        for index, (key, value) in enumerate(mapping.items()):
            if not key:
                continue
            if key is None:
                break
        else:
            finish()
        while queue:
            item = queue.pop()
        else:
            pass
        try:
            risky()
        except (ValueError, TypeError) as error:
            raise RuntimeError("failed") from error
        except KeyError:
            raise
        except:
            pass
        else:
            done()
        finally:
            cleanup()
        try:
            group()
        except* OSError as errors:
            report(errors)
        with open(path) as handle, lock:
            handle.read()
        with (
            open(source) as reader,
            open(target, "w") as writer,
        ):
            writer.write(reader.read())
        with (a, b):
            pass
        with (a, b) as pair, (c) as single:
            pass
        assert ready, "not ready"
        assert done
    """,
    "expressions": """
        result = (a + b - c * d / e // f % g ** h @ m) << 2 >> 1 | x & y ^ ~z
        flags = not a and b or c and not d or e
        check = a < b <= c == d != e > f >= g in h not in i is j is not k
        chosen = first if condition else second if other else third
        negative = -value, +value, -1, --1, not not x
        call(positional, *args, key=value, **kwargs)
        call(*first, *second, key=1, *third, **rest)
        call(x for x in items if x)
        nested(arguments)(more)[index].attribute.method()
        items[1:2], items[::2], items[:], items[1:2, ::3], items[()], items[a, b], items[-1]
        matrix[..., None]
        empty = (), [], {}, set()
        values = [*head, *tail.items()], {*seen, extra}, {**defaults, "key": 1, **overrides}
        squares = [n * n for n in range(10) if n % 2 if n > 2]
        unique = {name.lower() for name in names}
        index = {key: value for key, value in pairs for _ in range(2)}
        lazy = (line.strip() for line in lines)
        numbers = 0xFF, 0o17, 0b1010, 1_000_000, 3.14, 1e-5, 2j, 1.5J, 10.
        constants = None, True, False, ...
        callback = lambda: None
        adder = lambda a, b=1, *rest, key, **options: a + b
        long_call(
            first,  # a comment between arguments
            second,
        )
        joined = "one" "two" \\
            "three"
        text = (
            "implicit "
            'concatenation'
        )
        raw = r"\\d+\\.\\d*", b"bytes\\x00", rb"raw\\bytes", u"unicode"
        escapes = "tab\\tnew\\nline\\N{BULLET}\\x41\\101\\u00e9"
        doc = '''triple
        quoted'''
        star = [*a.b(c), *d[0], *e.f]
        await_in_comprehension = [await job async for job in jobs]
    """,
    "fstrings": """
        width = 10
        message = f"{name!r:>{width}} and {value:.2f} {{literal}} {obj.attr!s}"
        debug = f"{value=} {value = } {value=!s} {value=:>10}"
        mixed = "plain " f"formatted {x}" " tail"
        multi = f'''
            {header}
            {body!a}
        '''
        nested = f"{', '.join(f'{k}={v}' for k, v in items)}"
        escaped = f"line\\n{x}\\t{y}"
        tuple_value = f"{a, b}"
        raw_format = rf"\\d{count}"
        padded = f"{count:=10} {count :=8}"
    """,
    "match": """
        match command.split():
            case []:
                pass
            case ["go", direction] | ["move", direction]:
                go(direction)
            case ["drop", *objects, last]:
                drop(objects, last)
            case {"action": "open", "target": target, **rest}:
                open_(target, rest)
            case Point(x=0, y=0) as origin:
                print(origin)
            case Point(x, y=-1) | Point(x, y=1):
                pass
            case Color.RED | Color.GREEN:
                pass
            case 1 | -2 | 3.5 | 1 + 2j | -1 - 1j | "text" | b"bytes" | None | True | False:
                pass
            case (first, second) if first > second:
                pass
            case (single):
                pass
            case [_, *_]:
                pass
            case _:
                pass
        match a, b:
            case 1, 2:
                pass
    """,
    "annotations": """
        from typing import Callable, Optional


        def handle(
            items: dict[str, int] | list[int] | None,
            callback: Callable[[int, str], bool],
            grid: numpy.ndarray[tuple[int, ...], numpy.dtype[float]],
            maybe: Optional["Engine"] = None,
            grouped: (tuple[int, int] | None) = None,
            *args: *Ts,
        ) -> tuple[int, ...] | None: ...


        values: list[int | str] = []
        mapping: typing.Mapping[str, list[Engine | None]]
        shape: Array[*Shape] = Array[*tuple[int, ...]]()
    """,
    "non_ascii": """
        naïve = "café"
        résumé = naïve.upper() + f"{naïve}é"
        名前 = résumé
    """,
}


def _dedented(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True, indent=1)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_tree_is_the_one_ast_parse_gives(name: str) -> None:
    code = _dedented(SNIPPETS[name])
    expected = ast.parse(code)
    has_fstring = any(isinstance(node, ast.JoinedStr) for node in ast.walk(expected))
    if has_fstring and sys.version_info >= (3, 12):
        pytest.skip("an f-string's parts are placed as CPython 3.11 places them")
    assert _dump(parse_with_grammar(code)) == _dump(expected)


def test_an_invalid_escape_is_kept_as_python_keeps_it_without_a_warning() -> None:
    (statement,) = parse_with_grammar('pattern = "\\d+" f"\\w{x}"\n').body
    assert isinstance(statement, ast.Assign)
    assert ast.unparse(statement.value) == "f'\\\\d+\\\\w{x}'"


def test_crlf_line_ends_give_the_same_tree() -> None:
    code = "def f(a):\r\n    '''Doc\r\n    string.'''\r\n    return a  # done\r\n"
    assert _dump(parse_with_grammar(code)) == _dump(ast.parse(code))


def test_the_docstring_is_found() -> None:
    tree = parse_with_grammar(_dedented(SNIPPETS["classes"]))
    engine = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    assert ast.get_docstring(engine) == "An engine."
    assert ast.get_docstring(parse_with_grammar(_dedented(SNIPPETS["imports"]))) == (
        "Engines and the helpers that start them."
    )


NEWER = """\
type Pair[T] = tuple[T, T]


class Box[T: Engine, *Shape, **Params](Base[T]):
    def get[K](self, key: K) -> T: ...


def first[T: (int, str)](items: list[T]) -> T:
    return items[0]


label = f"{config["name"]} {f"{user["id"]!r}"} {"\\n".join(lines)}"
"""


def test_type_parameters_and_type_statements_become_their_nodes() -> None:
    tree = parse_with_grammar(NEWER)
    alias, box, first, label = tree.body
    assert isinstance(alias, TypeAlias)
    assert (alias.name.id, alias.name.col_offset, alias.lineno, alias.end_col_offset) == (
        "Pair",
        5,
        1,
        26,
    )
    (param,) = alias.type_params
    assert isinstance(param, TypeVar) and (param.name, param.bound) == ("T", None)
    assert ast.unparse(alias.value) == "tuple[T, T]"

    assert isinstance(box, ast.ClassDef)
    bound_var, shape, params = type_params_of(box)
    assert isinstance(bound_var, TypeVar) and isinstance(bound_var.bound, ast.Name)
    assert (bound_var.bound.id, bound_var.col_offset, bound_var.end_col_offset) == (
        "Engine",
        10,
        19,
    )
    assert isinstance(shape, TypeVarTuple) and (shape.name, shape.col_offset) == ("Shape", 21)
    assert isinstance(params, ParamSpec) and (params.name, params.col_offset) == ("Params", 29)
    assert ast.unparse(box.bases[0]) == "Base[T]"
    method = box.body[0]
    assert isinstance(method, ast.FunctionDef)
    assert [p.name for p in type_params_of(method)] == ["K"]

    assert isinstance(first, ast.FunctionDef)
    (constrained,) = type_params_of(first)
    assert isinstance(constrained, TypeVar)
    assert constrained.bound is not None and ast.unparse(constrained.bound) == "(int, str)"

    # PEP 701: the same quotes inside a replacement field, and a backslash.
    assert isinstance(label, ast.Assign) and isinstance(label.value, ast.JoinedStr)
    names = [(n.id, n.lineno, n.col_offset) for n in ast.walk(label) if isinstance(n, ast.Name)]
    assert sorted(names) == [
        ("config", 12, 11),
        ("label", 12, 0),
        ("lines", 12, 58),
        ("user", 12, 31),
    ]
    key, _, inner, _, joined = label.value.values
    assert isinstance(key, ast.FormattedValue) and isinstance(key.value, ast.Subscript)
    assert ast.literal_eval(key.value.slice) == "name"
    assert isinstance(inner, ast.FormattedValue) and isinstance(inner.value, ast.JoinedStr)
    (user,) = inner.value.values
    assert isinstance(user, ast.FormattedValue) and user.conversion == ord("r")
    assert isinstance(joined, ast.FormattedValue) and isinstance(joined.value, ast.Call)
    assert isinstance(joined.value.func, ast.Attribute)
    assert ast.literal_eval(joined.value.func.value) == "\n"
    if sys.version_info >= (3, 12):
        assert ast.dump(tree) == ast.dump(ast.parse(NEWER))


def test_except_without_parentheses_of_python_3_14() -> None:
    tree = parse_with_grammar("try:\n    run()\nexcept ValueError, TypeError:\n    pass\n")
    (statement,) = tree.body
    assert isinstance(statement, ast.Try)
    (handler,) = statement.handlers
    assert handler.type is not None
    assert ast.unparse(handler.type) == "(ValueError, TypeError)"


def test_the_grammar_misreading_type_as_a_statement_is_read_as_python() -> None:
    code = "type(config).__doc__ = 'Settings.'\ntype Alias = int\n"
    assignment, alias = parse_with_grammar(code).body
    assert _dump(assignment) == _dump(ast.parse(code.splitlines()[0]).body[0])
    assert isinstance(alias, TypeAlias)


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("import os\n\ndef broken(:\n    return 1\n", 3),
        ("print 'Python 2'\n", 1),
        ("value = 0777\n", 1),
        ("template = t'{name}'\n", 1),  # Python 3.14's template strings are not converted
        ("def f[T = int](): pass\n", 1),  # nor 3.13's type parameter defaults
        # The grammar accepts these; Python's parser does not.
        ("run(1,\n    retries=3, path)\n", 2),
        ("run(**options, *paths)\n", 1),
        ("def run(path=None, mode):\n    pass\n", 1),
    ],
)
def test_what_is_not_python_3_to_the_converter_is_a_syntax_error(code: str, line: int) -> None:
    with pytest.raises(GrammarSyntaxError) as raised:
        parse_with_grammar(code)
    assert raised.value.lineno == line


def test_a_tree_too_deep_to_convert_is_a_recursion_error_not_a_crash() -> None:
    with pytest.raises(RecursionError):
        parse_with_grammar("value = " + "[" * 300 + "]" * 300 + "\n")
    # A long flat chain is not deep: it converts.
    tree = parse_with_grammar("total = " + " + ".join(["1"] * 3000) + "\n")
    assert isinstance(tree.body[0], ast.Assign)
