"""Findings in a Python file's syntax tree: one walk, each rule a small function.

Names are resolved through the file's imports (``import subprocess as sp`` makes ``sp.run``
``subprocess.run``; ``from yaml import load`` makes ``load`` ``yaml.load``), so a rule asks
for ``subprocess.run`` and is not fooled by a method of the same name on another object. A
message names the function or class it concerns, so no sentence is the same on every file.
"""

from __future__ import annotations

import ast
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from xrefdoc.analyze.rules import Rule
from xrefdoc.analyze.wording import code, listed, plural
from xrefdoc.core.model import Finding
from xrefdoc.extract.ast_nodes import child_nodes, walk_nodes
from xrefdoc.extract.python import is_main_guard

# --- the rules -------------------------------------------------------------------------

EVAL = Rule("security.eval", "eval() or exec() of a string")
SHELL = Rule("security.shell", "a command run through a shell (shell=True, os.system)")
UNSAFE_LOAD = Rule("security.unsafe-load", "pickle, marshal, shelve or torch.load of data")
YAML_LOAD = Rule("security.yaml-load", "yaml.load without a safe loader")
MKTEMP = Rule("security.mktemp", "tempfile.mktemp, whose name another process can take")
WEAK_RANDOM = Rule("security.weak-random", "the random module used for a token or secret")
TLS_OFF = Rule("security.tls-off", "TLS certificate or host name verification turned off")
CREDENTIAL = Rule("security.credential", "a credential written in the code")
SQL_FORMAT = Rule("security.sql-format", "SQL built by string formatting")
CACHE = Rule("performance.cache", "a function whose results are cached")
COMPILE = Rule("performance.compile", "code compiled by torch.compile, jit, numba or jax")
CONCURRENCY = Rule("performance.concurrency", "processes, threads or executors started")
SUBPROCESS = Rule("performance.subprocess", "a process started")
LOOP_IO = Rule("performance.loop-io", "the same file or URL opened on every pass of a loop")
LARGE_LITERAL = Rule("performance.large-literal", "a literal of 1,000 items or 10,000 characters")
DATACLASS = Rule("pattern.dataclass", "dataclasses, attrs classes, named tuples")
ABSTRACT = Rule("pattern.abstract", "abstract base classes and protocols")
CONTEXT_MANAGER = Rule("pattern.context-manager", "context managers")
DECORATOR = Rule("pattern.decorator", "decorators defined in the file")
GENERATOR = Rule("pattern.generator", "generator functions")
ASYNC = Rule("pattern.async", "coroutines (async def)")
TYPED_API = Rule("pattern.typed-api", "the share of public functions fully annotated")
EXPORTS = Rule("pattern.exports", "the names __all__ exports")
FIXTURE = Rule("purpose.fixture", "a pytest fixture defined")
SCRIPT = Rule("purpose.script", 'an if __name__ == "__main__": block, and what it calls')

PYTHON_RULES = (
    *(EVAL, SHELL, UNSAFE_LOAD, YAML_LOAD, MKTEMP, WEAK_RANDOM, TLS_OFF, CREDENTIAL, SQL_FORMAT),
    *(CACHE, COMPILE, CONCURRENCY, SUBPROCESS, LOOP_IO, LARGE_LITERAL),
    *(DATACLASS, ABSTRACT, CONTEXT_MANAGER, DECORATOR, GENERATOR, ASYNC, TYPED_API, EXPORTS),
    *(FIXTURE, SCRIPT),
)

_SUBPROCESS_CALLS = {
    f"subprocess.{name}"
    for name in ("run", "call", "check_call", "check_output", "Popen", "getoutput")
} | {"subprocess.getstatusoutput"}
_SHELL_ALWAYS = {
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
}
_PROCESS_CALLS = _SUBPROCESS_CALLS | _SHELL_ALWAYS | {"asyncio.create_subprocess_exec"}
_UNSAFE_LOADS = {
    f"{module}.{name}"
    for module in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal")
    for name in ("load", "loads", "Unpickler")
} | {"shelve.open", "joblib.load", "pandas.read_pickle", "torch.load"}
_SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_CACHE_DECORATORS = {"functools.cache", "functools.lru_cache", "functools.cached_property"}
_COMPILERS = {
    "torch.compile",
    "torch.jit.script",
    "torch.jit.trace",
    "numba.jit",
    "numba.njit",
    "numba.vectorize",
    "numba.cuda.jit",
    "jax.jit",
    "tensorflow.function",
}
_CONCURRENCY = {
    "multiprocessing.Pool",
    "multiprocessing.Process",
    "multiprocessing.pool.Pool",
    "multiprocessing.pool.ThreadPool",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.ThreadPoolExecutor",
    "threading.Thread",
}
_IO_CALLS = {
    "open",
    "io.open",
    "urllib.request.urlopen",
    *(f"requests.{verb}" for verb in ("get", "post", "put", "delete", "head", "request")),
    *(f"httpx.{verb}" for verb in ("get", "post", "put", "delete", "head", "request")),
}
_DATACLASS_DECORATORS = {
    "dataclasses.dataclass",
    "attr.s",
    "attr.attrs",
    "attr.define",
    "attr.frozen",
    "attrs.define",
    "attrs.frozen",
    "attrs.mutable",
}
_RECORD_BASES = {"typing.NamedTuple", "typing.TypedDict", "pydantic.BaseModel"}
_ABSTRACT_BASES = {"abc.ABC", "typing.Protocol", "typing_extensions.Protocol"}
_CONTEXT_DECORATORS = {"contextlib.contextmanager", "contextlib.asynccontextmanager"}
_FIXTURE_DECORATORS = {"pytest.fixture", "pytest_asyncio.fixture"}
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|secret|token|api_?key|access_?key|secret_?key|"
    r"private_?key|auth_?token|nonce|salt|otp|csrf)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(?:|[x*.\-_]+|change_?me|changeit|password|secret|token|dummy\w*|example\w*|test\w*|"
    r"fake\w*|your[_-]\w+|<[^>]*>|\$\{[^}]*\}|\{[^}]*\}|%\([^)]*\)s)$",
    re.IGNORECASE,
)
# The name of an environment variable or setting that holds the secret, not the secret.
_VARIABLE_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
# SQL statements: a verb and the word that must follow it, or (``SELECT … FROM``,
# ``UPDATE … SET``) come later. One pattern with ``.+`` between the two words read the rest
# of the text from every "SELECT" (quadratic): each later word is looked for once, after the
# first verb.
_SQL_PHRASE = re.compile(
    r"\b(?:INSERT\s++INTO|DELETE\s++FROM|CREATE\s++TABLE|DROP\s++TABLE|ALTER\s++TABLE)\b",
    re.IGNORECASE,
)
_SQL_PAIRS = tuple(
    (re.compile(rf"\b{verb}\s", re.IGNORECASE), re.compile(rf"\s{word}\b", re.IGNORECASE))
    for verb, word in (("SELECT", "FROM"), ("UPDATE", "SET"))
)
_SQL_METHODS = {"execute", "executemany", "executescript", "raw", "mogrify"}
LARGE_ITEMS = 1000
LARGE_TEXT = 10_000


# --- the walk --------------------------------------------------------------------------


@dataclass(slots=True)
class _Scope:
    """The function or class being walked: its name, and for a function whether its body
    yields (a generator)."""

    name: str
    yields: bool = False


@dataclass(slots=True)
class _Walk:
    """State of one file's walk: the names its imports bind, the scopes around the node,
    the loops around it (with the names each binds) and what was found."""

    imports: dict[str, str]
    defined: set[str]
    scopes: list[_Scope] = field(default_factory=lambda: [_Scope("")])
    loops: list[ast.For | ast.AsyncFor | ast.While] = field(default_factory=list)
    found: list[Finding] = field(default_factory=list)
    decorators_used: Counter[str] = field(default_factory=Counter)
    decorators_defined: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)

    def add(self, rule: Rule, node: ast.AST, message: str) -> None:
        self.found.append(rule.at(getattr(node, "lineno", 1), message))

    def where(self) -> str:
        """`` in `name``` for the innermost named scope, else nothing (module level)."""
        for scope in reversed(self.scopes):
            if scope.name:
                return f" in `{scope.name}`"
        return ""

    def dotted(self, node: ast.AST) -> str | None:
        """The dotted name an expression stands for, its first part taken through the
        file's imports (``sp.run`` → ``subprocess.run``); None for anything else."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        first = self.imports.get(node.id, node.id)
        return ".".join([first, *reversed(parts)])

    def builtin(self, node: ast.AST, name: str) -> bool:
        """``node`` is the builtin ``name``, not a name the file defines or imports."""
        return isinstance(node, ast.Name) and node.id == name and name not in self.defined


def _all_statements(statements: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    for statement in statements:
        yield statement
        yield from _all_statements(_child_statements(statement))


def _import_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Local name → dotted origin for every import of the file, and the names the file binds
    itself by a definition or an assignment, which shadow builtins such as ``eval``."""
    imports: dict[str, str] = {}
    defined: set[str] = set()
    for node in _all_statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    imports[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
            if not isinstance(node, ast.ClassDef):
                arguments = node.args
                every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
                defined |= {argument.arg for argument in every}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                defined |= _names_in(target)
    return imports, defined


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_constant(node: ast.expr | None, value: object) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in walk_nodes(node) if isinstance(n, ast.Name)}


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


# --- rules on calls ----------------------------------------------------------------------


def _call_rules(walk: _Walk, call: ast.Call) -> None:
    name = walk.dotted(call.func)
    where = walk.where()
    if walk.builtin(call.func, "eval") or walk.builtin(call.func, "exec"):
        function = call.func.id  # type: ignore[attr-defined]
        if call.args and not isinstance(call.args[0], ast.Constant):
            walk.add(EVAL, call, f"`{function}()`{where} runs a computed string as Python code")
    if name is None:
        _method_rules(walk, call)
        return
    if name in _SHELL_ALWAYS or (
        name in _SUBPROCESS_CALLS and _is_constant(_keyword(call, "shell"), True)
    ):
        shown = f"{name}(..., shell=True)" if name in _SUBPROCESS_CALLS else f"{name}()"
        walk.add(SHELL, call, f"`{shown}`{where} runs its command through a shell")
    if name in _PROCESS_CALLS:
        walk.add(SUBPROCESS, call, f"`{name}()`{where} starts a process")
    if name in _UNSAFE_LOADS and not (
        (name == "torch.load" and _is_constant(_keyword(call, "weights_only"), True))
        or _round_trip(walk, call)
    ):
        walk.add(UNSAFE_LOAD, call, f"`{name}()`{where} can run code hidden in the data it loads")
    if name in ("numpy.load",) and _is_constant(_keyword(call, "allow_pickle"), True):
        walk.add(UNSAFE_LOAD, call, f"`numpy.load(allow_pickle=True)`{where} unpickles its data")
    if name in ("yaml.load", "yaml.load_all") and not _safe_yaml(walk, call):
        walk.add(YAML_LOAD, call, f"`{name}()`{where} without a safe loader can build any object")
    if name in ("yaml.unsafe_load", "yaml.unsafe_load_all"):
        walk.add(YAML_LOAD, call, f"`{name}()`{where} can build any object")
    if name == "tempfile.mktemp":
        walk.add(MKTEMP, call, f"`tempfile.mktemp()`{where}: another process can take the name")
    if name == "ssl._create_unverified_context":
        walk.add(TLS_OFF, call, f"an unverified TLS context{where}")
    if name in _COMPILERS:
        walk.add(COMPILE, call, f"`{name}()`{where} compiles code")
    if name in _CONCURRENCY:
        walk.add(CONCURRENCY, call, f"`{name}`{where} runs work concurrently")
    if name in _IO_CALLS and walk.loops:
        _loop_io(walk, call, name)
    verify = _keyword(call, "verify")
    if _is_constant(verify, False):
        walk.add(TLS_OFF, call, f"`{name}(..., verify=False)`{where} skips certificate checks")
    _method_rules(walk, call)


def _method_rules(walk: _Walk, call: ast.Call) -> None:
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _SQL_METHODS
        and call.args
        and _formatted_sql(call.args[0])
    ):
        walk.add(
            SQL_FORMAT,
            call,
            f"`.{func.attr}()`{walk.where()} gets SQL built by string formatting; "
            "pass the values as parameters",
        )


def _round_trip(walk: _Walk, call: ast.Call) -> bool:
    """``pickle.loads(pickle.dumps(x))``: the data is what the code itself just wrote."""
    argument = call.args[0] if call.args else None
    if not isinstance(argument, ast.Call):
        return False
    dumped = walk.dotted(argument.func) or ""
    loader = walk.dotted(call.func) or ""
    module, _, function = dumped.rpartition(".")
    return function in ("dumps", "dump") and module == loader.rpartition(".")[0]


def _safe_yaml(walk: _Walk, call: ast.Call) -> bool:
    loader = _keyword(call, "Loader")
    if loader is None and len(call.args) > 1:
        loader = call.args[1]
    if loader is None:
        return False
    name = walk.dotted(loader) or ""
    return name.rpartition(".")[2] in _SAFE_YAML_LOADERS


def _formatted_sql(node: ast.expr) -> bool:
    """A string with SQL in it, built from values at run time (f-string, %, +, .format)."""
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
        dynamic = any(isinstance(part, ast.FormattedValue) for part in node.values)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        constants = [n.value for n in walk_nodes(node) if isinstance(n, ast.Constant)]
        text = " ".join(c for c in constants if isinstance(c, str))
        dynamic = any(not isinstance(n, ast.Constant) for n in (node.left, node.right))
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        text, dynamic = node.func.value.value, bool(node.args or node.keywords)
    else:
        return False
    return dynamic and _reads_as_sql(text)


def _reads_as_sql(text: str) -> bool:
    """Whether ``text`` holds an SQL statement's verb and the word it needs (see
    ``_SQL_PHRASE``); ``SELECT x FROM`` needs something between the two words."""
    if _SQL_PHRASE.search(text):
        return True
    for verb, word in _SQL_PAIRS:
        first = verb.search(text)
        if first is not None and word.search(text, first.end() + 1):
            return True
    return False


def _loop_io(walk: _Walk, call: ast.Call, name: str) -> None:
    """I/O whose arguments use nothing the loop changes: the same file or URL each pass."""
    changing = set().union(*map(_loop_changes, walk.loops))
    used = set().union(*(_names_in(arg) for arg in call.args)) if call.args else set()
    if call.args and not used & changing:
        walk.add(
            LOOP_IO,
            call,
            f"`{name}()`{walk.where()} opens the same target on every pass of its loop",
        )


# --- rules on definitions and statements -------------------------------------------------


# A decorator as written, and the dotted name it stands for ("" when it is no name).
_Decorator = tuple[ast.expr, str]


def _decorators(
    walk: _Walk, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
) -> list[_Decorator]:
    """The definition's decorators with their names, each named one counted as used: worked
    out once per definition for every rule that asks."""
    found = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = walk.dotted(target) or ""
        if name:
            walk.decorators_used[name] += 1
        found.append((decorator, name))
    return found


def _function_rules(
    walk: _Walk, node: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[_Decorator]
) -> None:
    label = f"`{node.name}`"
    for _, name in decorators:
        if name in _CACHE_DECORATORS:
            walk.add(CACHE, node, f"{label} keeps its results (`{name}`)")
        if name in _COMPILERS:
            walk.add(COMPILE, node, f"{label} is compiled by `{name}`")
        if name in _CONTEXT_DECORATORS:
            walk.add(CONTEXT_MANAGER, node, f"{label} is a context manager (`{name}`)")
    _fixture_rule(walk, node, decorators)
    # A fixture returning a factory is no decorator, though it looks like one.
    if _returns_inner_function(node) and not any(n.endswith("fixture") for _, n in decorators):
        walk.decorators_defined.append(node)


def _fixture_rule(
    walk: _Walk, node: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[_Decorator]
) -> None:
    """A pytest fixture, with the scope and autouse its decorator gives (the defaults are
    not said)."""
    for decorator, decorator_name in decorators:
        if decorator_name not in _FIXTURE_DECORATORS:
            continue
        call = decorator if isinstance(decorator, ast.Call) else None
        details = []
        scope = _keyword(call, "scope") if call else None
        if (
            isinstance(scope, ast.Constant)
            and isinstance(scope.value, str)
            and scope.value != "function"
        ):
            details.append(f"scope {code(scope.value)}")
        if call is not None and _is_constant(_keyword(call, "autouse"), True):
            details.append("used by every test in its reach without being asked for")
        name = _keyword(call, "name") if call else None
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            details.insert(0, f"requested as {code(name.value)}")
        said = f" ({', '.join(details)})" if details else ""
        walk.add(FIXTURE, node, f"`{node.name}` is a pytest fixture{said}")
        return


def _script_rule(walk: _Walk, tree: ast.Module) -> None:
    """What a module run as a script does: the functions its main block calls."""
    for node in tree.body:
        if not is_main_guard(node):
            continue
        called: list[str] = []
        for child in walk_nodes(node):
            if isinstance(child, ast.Call):
                name = walk.dotted(child.func)
                if name and name not in called:
                    called.append(name)
        does = (
            f"calls {listed(called, 3)}"
            if called
            else f"runs {plural(len(node.body), 'statement')}"
        )
        walk.add(SCRIPT, node, f"Runs as a script: its `__main__` block {does}")
        return


def _returns_inner_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A decorator: it returns a function it defines that calls the function it was given
    (its first parameter) or is marked ``@wraps``; or, as a decorator factory, returns a
    function that is such a decorator itself."""
    parameters = [*node.args.posonlyargs, *node.args.args]
    if parameters and parameters[0].arg in ("self", "cls"):
        parameters = parameters[1:]
    given = parameters[0].arg if parameters else None
    returned = {
        child.value.id
        for child in node.body
        if isinstance(child, ast.Return) and isinstance(child.value, ast.Name)
    }
    for inner in node.body:
        if not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if inner.name not in returned:
            continue
        wraps = any(
            isinstance(d, ast.Call)
            and getattr(d.func, "attr", getattr(d.func, "id", "")) == "wraps"
            for d in inner.decorator_list
        )
        calls_given = given is not None and any(
            isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == given
            for call in walk_nodes(inner)
        )
        if wraps or calls_given or _returns_inner_function(inner):
            return True
    return False


def _class_rules(walk: _Walk, node: ast.ClassDef) -> None:
    label = f"`{node.name}`"
    for _, name in _decorators(walk, node):
        if name in _DATACLASS_DECORATORS or name.rpartition(".")[2] == "dataclass":
            walk.add(DATACLASS, node, f"{label} is a data class (`@{name}`)")
    bases = [walk.dotted(base) or "" for base in node.bases]
    for base in bases:
        if base in _RECORD_BASES:
            walk.add(DATACLASS, node, f"{label} is a record class (`{base}`)")
        if base in _ABSTRACT_BASES:
            kind = "a protocol" if base.endswith("Protocol") else "an abstract base class"
            walk.add(ABSTRACT, node, f"{label} is {kind}{_abstract_count(walk, node)}")
    metaclass = _keyword_of_class(node, "metaclass")
    if metaclass is not None and walk.dotted(metaclass) == "abc.ABCMeta":
        count = _abstract_count(walk, node)
        walk.add(ABSTRACT, node, f"{label} is an abstract base class{count}")
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    methods = {child.name for child in node.body if isinstance(child, functions)}
    if {"__enter__", "__exit__"} <= methods or {"__aenter__", "__aexit__"} <= methods:
        kind = "an asynchronous" if "__aenter__" in methods else "a"
        walk.add(CONTEXT_MANAGER, node, f"{label} is {kind} context manager")


def _keyword_of_class(node: ast.ClassDef, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _abstract_count(walk: _Walk, node: ast.ClassDef) -> str:
    count = sum(
        1
        for child in node.body
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any((walk.dotted(d) or "").endswith("abstractmethod") for d in child.decorator_list)
    )
    return f" with {count} abstract method{'s' if count != 1 else ''}" if count else ""


def _assignment_rules(walk: _Walk, targets: list[ast.expr], value: ast.expr | None) -> None:
    if value is None:
        return
    names = [
        t.id if isinstance(t, ast.Name) else t.attr
        for t in targets
        if isinstance(t, (ast.Name, ast.Attribute))
    ]
    for name in names:
        if name == "__all__" and isinstance(value, (ast.List, ast.Tuple)):
            count = len(value.elts)
            walk.add(EXPORTS, value, f"`__all__` exports {count} name{'s' if count != 1 else ''}")
        if _SECRET_NAME.search(name):
            _secret_value(walk, value, name)
        if name == "check_hostname" and _is_constant(value, False):
            walk.add(TLS_OFF, value, f"host name checking turned off{walk.where()}")
        if name == "verify_mode" and walk.dotted(value) == "ssl.CERT_NONE":
            walk.add(TLS_OFF, value, f"certificate verification turned off{walk.where()}")


def _secret_value(walk: _Walk, value: ast.expr, name: str) -> None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        text = value.value
        if (
            len(text) >= 8
            and not any(c.isspace() for c in text)
            and not _PLACEHOLDER.match(text)
            and not _VARIABLE_NAME.match(text)
            and "://" not in text
            and _entropy(text) >= 3.0
        ):
            walk.add(CREDENTIAL, value, f"`{name}` is set to a literal that looks like a secret")
        return
    for call in (n for n in walk_nodes(value) if isinstance(n, ast.Call)):
        called = walk.dotted(call.func) or ""
        if called.startswith("random."):
            walk.add(
                WEAK_RANDOM,
                value,
                f"`{name}` comes from `{called}()`, which is predictable; use `secrets`",
            )
            return


def _literal_rule(walk: _Walk, node: ast.expr) -> None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        size = len(node.elts)
    elif isinstance(node, ast.Dict):
        size = len(node.keys)
    else:
        return
    if size >= LARGE_ITEMS:
        walk.add(LARGE_LITERAL, node, f"a literal of {size:,} items{walk.where()}")


# --- the walk itself ---------------------------------------------------------------------
#
# Visiting every node of every file doubled extraction's time, so the walk visits the
# statements (definitions, assignments, loops: the structure) and looks inside a statement's
# expressions only when its lines hold a word some rule reacts to (a name the file imported
# from a module a rule knows, ``eval``, ``open``, ``yield``, a secret's name...) or the
# statement is large enough to hold a large literal.

# Words that rules react to wherever they stand, whatever the imports.
_TRIGGER_WORDS = (
    "eval|exec|open|yield|execute|executemany|executescript|mogrify|raw|verify|"
    "password|passwd|pwd|secret|token|api_?key|access_?key|secret_?key|private_?key|"
    "auth_?token|nonce|salt|otp|csrf"
)
# Modules whose functions rules know: a name the file binds to one of them is a trigger.
_KNOWN_MODULES = frozenset(
    name.partition(".")[0]
    for name in (
        *_SHELL_ALWAYS,
        *_PROCESS_CALLS,
        *_UNSAFE_LOADS,
        *_COMPILERS,
        *_CONCURRENCY,
        *_IO_CALLS,
    )
    if "." in name
) | {"yaml", "tempfile", "ssl", "random", "numpy"}
# A statement of this many characters may hold a large literal: looked inside.
_LARGE_STATEMENT = 2000
_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass(slots=True)
class _Lines:
    """Which lines hold a trigger word, and the text size of any span of lines."""

    triggers: list[int]
    ends: list[int]  # characters up to the end of each line

    def interesting(self, first: int, last: int) -> bool:
        at = bisect_left(self.triggers, first)
        if at < len(self.triggers) and self.triggers[at] <= last:
            return True
        last = min(last, len(self.ends))
        before = self.ends[first - 2] if first >= 2 else 0
        return last >= first and self.ends[last - 1] - before >= _LARGE_STATEMENT


def _lines_of(text: str, imports: dict[str, str]) -> _Lines:
    aliases = [re.escape(local) for local, origin in imports.items()
               if origin.partition(".")[0] in _KNOWN_MODULES]  # fmt: skip
    trigger = re.compile(rf"\b(?:{'|'.join([_TRIGGER_WORDS, *aliases])})\b")
    ends = list(accumulate(len(line) + 1 for line in text.split("\n")))
    triggers = sorted(
        {bisect_left(ends, found.start() + 1) + 1 for found in trigger.finditer(text)}
    )
    return _Lines(triggers, ends)


_COMPOUND = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.AsyncFor, ast.While,
    ast.If, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match,
)  # fmt: skip


def _child_statements(node: ast.AST) -> Iterator[ast.stmt]:
    if not isinstance(node, _COMPOUND):
        return
    for name in _STATEMENT_LISTS:
        for child in getattr(node, name, ()):
            if isinstance(child, (ast.ExceptHandler, ast.match_case)):
                yield from child.body
            elif isinstance(child, ast.stmt):
                yield child


def _header_end(statement: ast.stmt) -> int:
    """The last line of a statement's own expressions: before its first inner statement."""
    last = statement.end_lineno or statement.lineno
    if not isinstance(statement, _COMPOUND):
        return last
    inner = next(_child_statements(statement), None)
    return max(statement.lineno, inner.lineno - 1) if inner is not None else last


def _shape_rules(
    walk: _Walk,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    yields: bool,
    decorators: list[_Decorator],
) -> None:
    """Generator or coroutine, once the body is known. A generator that a decorator turns
    into something else (a context manager, a pytest fixture) is said to be that instead."""
    asynchronous = isinstance(node, ast.AsyncFunctionDef)
    label = f"`{node.name}`"
    if yields:
        if any(n in _CONTEXT_DECORATORS or n.endswith("fixture") for _, n in decorators):
            return
        kind = "an asynchronous generator" if asynchronous else "a generator"
        walk.add(GENERATOR, node, f"{label} is {kind}")
    elif asynchronous:
        walk.add(ASYNC, node, f"{label} is a coroutine (`async def`)")


def _visit_statements(walk: _Walk, lines: _Lines, statements: Iterator[ast.stmt]) -> None:
    for statement in statements:
        _visit_statement(walk, lines, statement)


def _visit_statement(walk: _Walk, lines: _Lines, node: ast.stmt) -> None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        decorators = _decorators(walk, node)
        _function_rules(walk, node, decorators)
        scope = _Scope(node.name)
        walk.scopes.append(scope)
        saved_loops, walk.loops = walk.loops, []
        _visit_statements(walk, lines, _child_statements(node))
        walk.loops = saved_loops
        walk.scopes.pop()
        _shape_rules(walk, node, scope.yields, decorators)
        return
    if isinstance(node, ast.ClassDef):
        _class_rules(walk, node)
        walk.scopes.append(_Scope(node.name))
        _visit_statements(walk, lines, _child_statements(node))
        walk.scopes.pop()
        return
    if isinstance(node, ast.Assign):
        _assignment_rules(walk, node.targets, node.value)
    elif isinstance(node, ast.AnnAssign):
        _assignment_rules(walk, [node.target], node.value)
    if lines.interesting(node.lineno, _header_end(node)):
        for child in child_nodes(node):
            if not isinstance(child, (ast.stmt, ast.ExceptHandler, ast.match_case)):
                _visit_expression(walk, child)
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        walk.loops.append(node)
        _visit_statements(walk, lines, iter(node.body))
        walk.loops.pop()
        _visit_statements(walk, lines, iter(node.orelse))
        return
    _visit_statements(walk, lines, _child_statements(node))


def _loop_changes(node: ast.For | ast.AsyncFor | ast.While) -> set[str]:
    """The names a loop changes: its target and every name assigned in its body."""
    changing = _names_in(node.target) if isinstance(node, (ast.For, ast.AsyncFor)) else set()
    for statement in node.body:
        for child in walk_nodes(statement):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                changing.add(child.id)
    return changing


def _visit_expression(walk: _Walk, node: ast.AST) -> None:
    if isinstance(node, ast.Lambda):
        walk.scopes.append(_Scope(""))
        _visit_expression(walk, node.body)
        walk.scopes.pop()
        return
    if isinstance(node, (ast.Yield, ast.YieldFrom)):
        walk.scopes[-1].yields = True
    elif isinstance(node, ast.Call):
        _call_rules(walk, node)
    elif isinstance(node, ast.keyword) and node.arg and _SECRET_NAME.search(node.arg):
        _secret_value(walk, node.value, node.arg)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        _literal_rule(walk, node)
    elif (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (str, bytes))
        and len(node.value) >= LARGE_TEXT
    ):
        kind = "string" if isinstance(node.value, str) else "bytes literal"
        size = f"{len(node.value):,} characters"
        walk.add(LARGE_LITERAL, node, f"a {kind} of {size}{walk.where()}")
    for child in child_nodes(node):
        _visit_expression(walk, child)


def _typed_api(tree: ast.Module) -> Iterator[Finding]:
    """Of the public functions and methods, how many annotate every parameter and the
    return (``self`` and ``cls`` need none)."""
    public: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    bodies: list[list[ast.stmt]] = [tree.body]
    while bodies:
        for child in bodies.pop():
            if isinstance(child, ast.ClassDef) and not child.name.startswith("_"):
                bodies.append(child.body)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                not child.name.startswith("_") or child.name == "__init__"
            ):
                public.append(child)
    if not public:
        return
    typed = sum(1 for function in public if _fully_annotated(function))
    yield TYPED_API.at(
        public[0].lineno,
        "Fully annotated (every parameter and the return): "
        f"{typed} of {plural(len(public), 'public function')}",
    )


def _fully_annotated(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    parameters += [p for p in (arguments.vararg, arguments.kwarg) if p is not None]
    needed = [p for p in parameters if p.arg not in ("self", "cls")]
    returns_ok = function.returns is not None or function.name == "__init__"
    return returns_ok and all(p.annotation is not None for p in needed)


def python_findings(tree: ast.Module, text: str) -> list[Finding]:
    """Every finding of the rules in one file's tree (before markers and settings)."""
    imports, defined = _import_names(tree)
    walk = _Walk(imports, defined)
    _visit_statements(walk, _lines_of(text, imports), iter(tree.body))
    for node in walk.decorators_defined:
        uses = walk.decorators_used[node.name]
        used = f"; used {plural(uses, 'time')} in this file" if uses else ""
        walk.add(
            DECORATOR, node, f"`{node.name}` is a decorator: it returns a wrapping function{used}"
        )
    walk.found.extend(_typed_api(tree))
    _script_rule(walk, tree)
    return walk.found
