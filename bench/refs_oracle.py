"""Precision and recall of xrefdoc's Python references against an independent oracle, jedi.

    python bench/refs_oracle.py [--sample N] [--seed S] [--disagreements FILE] SRC [SRC ...]

The universe is the name tokens of each tree's ``.py`` files (not keywords, not where a name
is bound) whose text is the name of a definition of the tree: only those can mean one. A
seeded sample of them is sent to ``jedi.Script.goto`` (imports followed); jedi's answer is
kept when it lands on a definition of ours (same file, same name, its line within the
definition). Per tree it prints the precision of xrefdoc's exact links, exact and total
(exact or textual) recall, the share of textual links among all of xrefdoc's name links
(whole tree), and the time of each side; exits 1 when a tree misses a target of issue 21.
``--disagreements FILE`` writes each disagreement, grouped by kind and rough category.
"""

from __future__ import annotations

import argparse
import ast
import io
import keyword
import random
import re
import sys
import time
import tokenize
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xrefdoc.core.settings import make_settings
from xrefdoc.extract.file_record import extract_bytes
from xrefdoc.extract.hooks import Hooks
from xrefdoc.extract.reading import read_file
from xrefdoc.walk.tree import walk
from xrefdoc.xref.index import Index, Use, build_index
from xrefdoc.xref.resolve import Definition

TARGETS = {"precision": 0.98, "exact recall": 0.90, "total recall": 0.98, "textual": 0.10}
# Tokens after these are bound there, not used: ``def f``, ``import a as b``, ``global x``.
BINDING_KEYWORDS = frozenset({"def", "class", "as", "global", "nonlocal"})
UNANSWERED = frozenset({"none", "import", "binding", "compiled", "instance attribute"})
CALLABLE = frozenset({"class", "function"})
DEFINED_BY_DEF = frozenset({"class", "function", "property"})
# How many lines above a rebinding a ``global`` statement is looked for.
GLOBAL_REACH = 30
# The end of ``self.`` before an attribute's name.
SELF_ATTRIBUTE = re.compile(r"\b(?:self|cls)\s*\.\s*$")


@dataclass(frozen=True, slots=True)
class Token:
    """A name token: where it is (``column`` in characters, as jedi counts; ``byte_column``
    in UTF-8 bytes, as ``ast`` and xrefdoc count) and its line's text."""

    path: str
    line: int
    column: int
    byte_column: int
    name: str
    text: str

    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column + 1}"


def byte_column(line: str, column: int) -> int:
    """The UTF-8 byte offset of character ``column`` of ``line``."""
    return len(line[:column].encode("utf-8"))


def bound_sites(tree: ast.Module) -> set[tuple[int, int]]:
    """(line, byte column) of every name ``ast`` sees bound: assignment, loop and ``with``
    targets, attributes assigned, parameters; and keyword arguments' names, which name a
    parameter, never a definition."""
    sites: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            sites.add((node.lineno, node.col_offset))
        elif isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            if node.end_lineno is not None and node.end_col_offset is not None:
                start = node.end_col_offset - len(node.attr.encode("utf-8"))
                sites.add((node.end_lineno, start))
        elif isinstance(node, ast.arg) or (isinstance(node, ast.keyword) and node.arg):
            sites.add((node.lineno, node.col_offset))
    return sites


def name_tokens(path: str, text: str, wanted: Collection[str]) -> list[Token]:
    """The file's name tokens spelled as one of ``wanted``, except where a name is bound
    (see ``bound_sites``; a file ``ast`` cannot parse keeps its assignment targets)."""
    try:
        bound = bound_sites(ast.parse(text))
    except (SyntaxError, ValueError):
        bound = set()
    found: list[Token] = []
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            spelled, (line, column) = token.string, token.start
            if (
                token.type == tokenize.NAME
                and spelled in wanted
                and not keyword.iskeyword(spelled)
                and previous not in BINDING_KEYWORDS
            ):
                offset = byte_column(token.line, column)
                if (line, offset) not in bound:
                    found.append(Token(path, line, column, offset, spelled, token.line.rstrip()))
            previous = spelled
    except (tokenize.TokenError, SyntaxError):
        pass  # the tokens read so far stand
    return found


def sample_tokens(tokens: list[Token], size: int, seed: int) -> list[Token]:
    """``size`` tokens chosen at random (the same for the same seed), in file order."""
    chosen = tokens if len(tokens) <= size else random.Random(seed).sample(tokens, size)
    return sorted(chosen, key=lambda token: (token.path, token.line, token.column))


def index_tree(root: Path) -> Index:
    """The index ``xrefdoc build`` would make of ``root``, made here without the cache."""
    walked = walk(make_settings(root))
    hooks = Hooks()
    records = []
    for path in walked.files:
        data, digest = read_file(root, walked.on_disk(path))
        records.append(extract_bytes(path, data, digest, hooks))
    return build_index(records)


def use_at(uses: dict[tuple[int, str], list[Use]], token: Token) -> Use | None:
    """xrefdoc's use at the token: one at its column, or one of its name with no column."""
    candidates = uses.get((token.line, token.name), [])
    for use in candidates:
        if use.column == token.byte_column:
            return use
    return next((use for use in candidates if use.column < 0), None)


@dataclass(frozen=True, slots=True)
class Answer:
    """What jedi said of a token: the definitions of ours it means, and how it was read:
    ``definition`` (in the tree, or in a stub jedi carries of it: ``stubbed``),
    ``in-tree other`` (a parameter, a local, ``self.x = …``, a module),
    ``outside`` (standard library, site-packages), or no answer to judge by: ``import`` (an
    import it could not follow, landing on the import line), ``binding`` (the token binds
    the name: a target ``bound_sites`` missed, in a file ``ast`` cannot parse),
    ``compiled`` (a module of the tree jedi took for a compiled one: ``sphinx.util._io``
    for the builtin ``_io``), ``instance attribute`` (a ``self.name = …`` where xrefdoc
    may link the class body's declaration in a subclass or a base) or ``none``."""

    definitions: frozenset[Definition]
    kind: str
    said: str


def within(definition: Definition, name: Any) -> bool:
    """Whether jedi's name is the one ``definition`` binds: a class's or function's is on its
    first line (``ast``'s, the ``def`` line even when decorated), an assignment's anywhere in
    the statement; a parameter or a module is never one."""
    symbol, line = definition.symbol, int(name.line)
    if symbol.name != name.name or name.type in ("param", "module"):
        return False
    if symbol.kind in ("class", "function", "method"):
        return symbol.line == line and str(name.type) in DEFINED_BY_DEF
    return symbol.line <= line <= symbol.end_line


def in_tree(name: Any, root: Path) -> str | None:
    """The path in the tree of the file of a jedi name, or None when it is outside."""
    if name.module_path is None:
        return None
    resolved = Path(name.module_path).resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else None


def bases_of(index: Index, cls: Definition) -> list[Definition]:
    """The in-tree classes a class's bases may be, found by their names (rough, enough to
    match jedi's instance attributes)."""
    found = []
    for base in cls.symbol.bases:
        spelled = base.split("|")[0].rpartition(".")[2].lstrip("~")
        found += [d for d in index.definitions.get(spelled, ()) if d.symbol.kind == "class"]
    return found


@dataclass(frozen=True, slots=True)
class Tree:
    """A tree as both sides see it: its root, xrefdoc's index, and each class's subclasses."""

    root: Path
    index: Index
    subclasses: dict[Definition, list[Definition]]

    @classmethod
    def of(cls, root: Path, index: Index) -> Tree:
        subclasses: dict[Definition, list[Definition]] = defaultdict(list)
        for found in index.definitions.values():
            for d in found:
                if d.symbol.kind == "class":
                    for base in bases_of(index, d):
                        subclasses[base].append(d)
        return cls(root, index, subclasses)


def members(tree: Tree, path: str, line: int, name: str) -> set[Definition]:
    """The declarations of attribute ``name`` of the class around ``path:line``: in it or its
    nearest in-tree base that has one, and then in its subclasses, which may declare it
    again. None when neither it nor a base declares it (a subclass's declaration is
    another attribute then)."""
    around = [
        d
        for d in tree.index.definitions_in.get(path, ())
        if d.symbol.kind == "class" and d.symbol.line <= line <= d.symbol.end_line
    ]
    if not around:
        return set()
    start = max(around, key=lambda d: len(d.symbol.qualname))

    def declared(cls: Definition) -> set[Definition]:
        return {
            d
            for d in tree.index.definitions.get(name, ())
            if d.path == cls.path and d.symbol.parent == cls.symbol.qualname
        }

    found: set[Definition] = set()
    queue, seen = [start], {start}
    while queue and not found:  # up, breadth first, to the nearest declaration
        cls = queue.pop(0)
        found = declared(cls)
        queue += [base for base in bases_of(tree.index, cls) if base not in seen]
        seen.update(queue)
    queue, seen = ([start] if found else []), {start}
    while queue:  # down, every declaration that overrides it
        cls = queue.pop()
        found |= declared(cls)
        queue += [sub for sub in tree.subclasses.get(cls, ()) if sub not in seen]
        seen.update(queue)
    return found


def line_code(name: Any, before: int = 0) -> str:
    """The line of jedi's name and ``before`` lines above it; "" for a compiled name."""
    if name.line is None or name.column is None:
        return ""
    return str(name.get_line_code(before=before))


def ours(name: Any, tree: Tree) -> set[Definition]:
    """The definitions of ours a jedi name is: in its file, the innermost one it is
    ``within``. jedi places an instance attribute at a ``self.name = …``, which is ours when
    its class, a base or a subclass declares the name in its body; and a module variable
    that a function rebinds under ``global`` at that rebinding."""
    path = in_tree(name, tree.root)
    if path is None or name.line is None:
        return set()
    definitions = tree.index.definitions_in.get(path, ())
    found = [d for d in definitions if within(d, name)]
    if found:
        return {max(found, key=lambda d: d.symbol.line)}
    if SELF_ATTRIBUTE.search(line_code(name)[: name.column]):
        return members(tree, path, name.line, name.name)
    declared = re.compile(rf"^\s*global\s[^\n]*\b{re.escape(name.name)}\b", re.MULTILINE)
    if name.type == "statement" and declared.search(line_code(name, GLOBAL_REACH)):
        return {d for d in definitions if d.symbol.name == name.name and d.symbol.parent is None}
    return set()


def stubbed(name: Any, tree: Tree) -> set[Definition]:
    """The definitions of ours a jedi name in a stub file outside the tree stands for: those
    of its qualified name. jedi carries stubs of some projects (``django-stubs``) and answers
    with them, where the tree's own source is the definition."""
    path = name.module_path
    if path is None or not str(path).endswith(".pyi") or in_tree(name, tree.root) is not None:
        return set()
    return {d for d in tree.index.definitions.get(name.name, ()) if d.qualname == name.full_name}


def ask_jedi(script: Any, token: Token, tree: Tree) -> Answer:
    """jedi's answer for one token."""
    root, index = tree.root, tree.index
    names = script.goto(token.line, token.column, follow_imports=True)
    if not names:
        # goto finds no class or function used above its definition (a forward reference
        # in an annotation); infer does, as itself.
        inferred = script.infer(token.line, token.column)
        names = [n for n in inferred if n.name == token.name and n.type in CALLABLE]
    if not names:
        return Answer(frozenset(), "none", "nothing")
    here = (root / token.path, token.line, token.column)
    if any((n.module_path, n.line, n.column) == here for n in names):
        return Answer(frozenset(), "binding", "the name is bound here")
    matched = {d for name in names for d in ours(name, tree) or stubbed(name, tree)}
    said = "; ".join(sorted(describe_jedi(name, root) for name in names))
    if matched:
        return Answer(frozenset(matched), "definition", said)
    if all(is_compiled_from_tree(name, index) for name in names):
        return Answer(frozenset(), "compiled", said)
    if all(is_instance_attribute(name) for name in names):
        return Answer(frozenset(), "instance attribute", said)
    inside = [name for name in names if in_tree(name, root) is not None]
    if not inside:
        return Answer(frozenset(), "outside", said)
    if all(n.description.startswith(("from ", "import ")) for n in inside):
        return Answer(frozenset(), "import", said)
    return Answer(frozenset(), "in-tree other", said)


def is_compiled_from_tree(name: Any, index: Index) -> bool:
    """Whether jedi's name has no source but the qualified name of a definition of ours."""
    if name.module_path is not None:
        return False
    return any(d.qualname == name.full_name for d in index.definitions.get(name.name, ()))


def is_instance_attribute(name: Any) -> bool:
    """Whether jedi's name is a ``self.name = …`` that no class body declares."""
    return name.module_path is not None and bool(
        SELF_ATTRIBUTE.search(line_code(name)[: name.column])
    )


def describe_jedi(name: Any, root: Path) -> str:
    where = in_tree(name, root) or str(name.module_path or "builtin")
    return f"{name.type} {name.name} {where}:{name.line}"


def describe_use(use: Use | None, index: Index) -> str:
    if use is None:
        return "nothing"
    if use.definition is None:
        count = len(index.textual_definitions.get(use.name, ()))
        return f"textual ({count} candidates)"
    d = use.definition
    return f"{d.symbol.kind} {d.qualname} {d.path}:{d.symbol.line}"


Scope = dict[str, str]  # name → how it is bound: "import", "parameter (annotated)", …


def bindings(statements: Iterable[ast.AST]) -> Scope:
    """How each name the statements bind gets its value (nested functions included: this
    is for categories, which may be rough)."""
    found: Scope = {}
    for node in (child for statement in statements for child in ast.walk(statement)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.setdefault(node.name, "class" if isinstance(node, ast.ClassDef) else "def")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name.split(".")[0], "import")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            how = "bound by a call" if isinstance(node.value, ast.Call) else "assigned"
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, how)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            for name in ast.walk(node.target):
                if isinstance(name, ast.Name):
                    found.setdefault(name.id, "loop variable")
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            found.setdefault(node.optional_vars.id, "with target")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.setdefault(node.name, "except target")
    return found


def category(value: ast.expr, scopes: list[Scope]) -> str:
    """A rough category of an attribute use, from the expression before its dot."""
    if isinstance(value, ast.Call):
        is_super = isinstance(value.func, ast.Name) and value.func.id == "super"
        return "super()" if is_super else "call result"
    if isinstance(value, ast.Subscript):
        return "subscript (container element)"
    if isinstance(value, ast.Attribute):
        while isinstance(value, ast.Attribute):
            value = value.value
        chained = isinstance(value, ast.Name) and value.id in ("self", "cls")
        return "self attribute chain" if chained else "attribute chain"
    if not isinstance(value, ast.Name):
        return "attribute of an expression"
    if value.id in ("self", "cls"):
        return "self attribute"
    for depth, scope in enumerate(reversed(scopes)):
        how = scope.get(value.id)
        if how is None:
            continue
        if how.startswith("parameter"):
            return f"{how} attribute"
        where = "module-level" if depth == len(scopes) - 1 else "local"
        return "module attribute" if how == "import" else f"{where} {how}"
    return "attribute of an unbound name"


def categories_of(text: str) -> dict[tuple[int, int], str]:
    """(line, byte column) of each attribute name of a file → its ``category``."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    found: dict[tuple[int, int], str] = {}
    stack: list[tuple[ast.AST, list[Scope]]] = [(tree, [bindings(tree.body)])]
    while stack:
        node, scopes = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = bindings(node.body)
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                how = "annotated" if arg.annotation is not None else "unannotated"
                scope[arg.arg] = f"parameter ({how})"
            scopes = [*scopes, scope]
        elif isinstance(node, ast.Attribute) and node.end_col_offset is not None:
            start = node.end_col_offset - len(node.attr.encode("utf-8"))
            found[(node.end_lineno or node.lineno, start)] = category(node.value, scopes)
        stack.extend((child, scopes) for child in ast.iter_child_nodes(node))
    return found


@dataclass
class Tally:
    """One tree's counts."""

    universe: int = 0
    sampled: int = 0
    exact_answered: int = 0
    exact_agreed: int = 0
    same_qualname: int = 0  # of the rest: another definition of the same qualified name
    referenced: int = 0  # jedi sent the token to a definition of ours
    exact_found: int = 0
    found: int = 0
    uses: int = 0
    textual: int = 0
    xrefdoc_seconds: float = 0.0
    jedi_seconds: float = 0.0
    jedi_kinds: Counter[str] = field(default_factory=Counter)
    disagreements: list[tuple[str, str, Token, str, str]] = field(default_factory=list)

    def share(self, part: int, whole: int) -> float:
        return part / whole if whole else float("nan")

    def figures(self) -> dict[str, float]:
        return {
            "precision": self.share(self.exact_agreed, self.exact_answered),
            "exact recall": self.share(self.exact_found, self.referenced),
            "total recall": self.share(self.found, self.referenced),
            "textual": self.share(self.textual, self.uses),
        }


def measure(root: Path, size: int, seed: int) -> Tally:
    import jedi  # only this bench needs it: ``make bench-refs`` installs it

    tally = Tally()
    start = time.perf_counter()
    index = index_tree(root)
    tally.xrefdoc_seconds = time.perf_counter() - start
    tree = Tree.of(root, index)
    python = [path for path, r in index.records.items() if r.family == "python"]
    for path in python:
        tally.uses += len(index.uses_in[path])
        tally.textual += sum(use.definition is None for use in index.uses_in[path])
    names = {d.symbol.name for path in python for d in index.definitions_in[path] if d.symbol.name}
    texts = {path: (root / path).read_text("utf-8", "replace") for path in python}
    universe = [
        token
        for path in sorted(python)
        if path.endswith(".py")
        for token in name_tokens(path, texts[path], names)
    ]
    tally.universe = len(universe)
    sampled = sample_tokens(universe, size, seed)
    tally.sampled = len(sampled)
    sys_path = [str(root / "src")] if (root / "src").is_dir() else []
    sys_path += jedi.get_default_environment().get_sys_path()
    project = jedi.Project(root, sys_path=sys_path)
    by_file: dict[str, list[Token]] = defaultdict(list)
    for token in sampled:
        by_file[token.path].append(token)
    start = time.perf_counter()
    for path, tokens in by_file.items():
        script = jedi.Script(texts[path], path=root / path, project=project)
        uses: dict[tuple[int, str], list[Use]] = defaultdict(list)
        for each in index.uses_in[path]:
            uses[(each.line, each.name)].append(each)
        categories = categories_of(texts[path])
        for token in tokens:
            try:
                answer = ask_jedi(script, token, tree)
            except Exception as error:  # a fault of jedi's: no answer
                answer = Answer(frozenset(), "none", f"jedi failed: {error!r}")
            use = use_at(uses, token)
            category = categories.get((token.line, token.byte_column), "bare name")
            judge(tally, index, token, use, answer, category)
    tally.jedi_seconds = time.perf_counter() - start
    return tally


def judge(
    tally: Tally, index: Index, token: Token, use: Use | None, answer: Answer, category: str
) -> None:
    """Count one token, and keep it as a disagreement when the two sides differ."""
    tally.jedi_kinds[answer.kind] += 1
    linked = use.definition if use is not None else None
    exact, agreed = linked is not None, linked in answer.definitions
    if linked is not None and answer.kind in ("compiled", "instance attribute"):
        # Not judged, but listed, to read whether the choice not to was fair.
        kind = f"not judged: jedi's answer is a {answer.kind}"
        tally.disagreements.append((kind, category, token, describe_use(use, index), answer.said))
    if linked is not None and answer.kind not in UNANSWERED:
        tally.exact_answered += 1
        tally.exact_agreed += agreed
        if not agreed:
            kind = "precision: xrefdoc links elsewhere"
            if any(
                (d.path, d.qualname) == (linked.path, linked.qualname) for d in answer.definitions
            ):
                kind = "precision: another definition of the same qualified name"
                tally.same_qualname += 1
            said = describe_use(use, index)
            tally.disagreements.append((kind, category, token, said, answer.said))
    if not answer.definitions:
        return
    tally.referenced += 1
    if agreed:
        tally.exact_found += 1
        tally.found += 1
        return
    if exact:
        return  # kept above, as a precision fault
    candidates = index.textual_definitions.get(token.name, ()) if use is not None else ()
    if any(d in answer.definitions for d in candidates):
        tally.found += 1
        kind = "recall: textual where jedi is exact"
    else:
        kind = "recall: missed" if use is None else "recall: textual, jedi's not a candidate"
    tally.disagreements.append((kind, category, token, describe_use(use, index), answer.said))


def write_disagreements(out: Iterable[str], tallies: dict[str, Tally], file: Path) -> None:
    lines = list(out)
    for tree, tally in tallies.items():
        grouped: dict[tuple[str, str], list[tuple[Token, str, str]]] = defaultdict(list)
        for kind, category, token, ours_said, jedi_said in tally.disagreements:
            grouped[(kind, category)].append((token, ours_said, jedi_said))
        lines.append(f"# {tree}: {len(tally.disagreements)} disagreements and unjudged links\n")
        for (kind, category), rows in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"## {kind} / {category}: {len(rows)}\n")
            for token, ours_said, jedi_said in rows:
                lines.append(f"{token.where()} {token.name}\n    {token.text.strip()}")
                lines.append(f"    xrefdoc: {ours_said}\n    jedi:    {jedi_said}")
            lines.append("")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, help="trees (default: this one)")
    parser.add_argument("--sample", type=int, default=3000, help="tokens per tree")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--disagreements", type=Path, help="write each disagreement here")
    args = parser.parse_args(argv)
    sources = args.sources or [Path(__file__).resolve().parent.parent]
    tallies: dict[str, Tally] = {}
    for src in sources:
        if not src.is_dir():
            parser.error(f"{src} is not a directory")
        root = src.resolve()
        tallies[root.name] = tally = measure(root, args.sample, args.seed)
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.jedi_kinds.items()))
        print(
            f"{root.name}: {tally.universe} candidate tokens, {tally.sampled} sampled; "
            f"jedi: {kinds}; exact links jedi sends to another definition of the same "
            f"qualified name (an @overload stub, a redefinition): {tally.same_qualname}",
            flush=True,
        )
    print()
    print(
        "| tree | precision | exact recall | total recall | textual | checked | refs "
        "| xrefdoc s | jedi s |"
    )
    print("| --- | --: | --: | --: | --: | --: | --: | --: | --: |")
    missed = []
    for tree, tally in tallies.items():
        figures = tally.figures()
        shown = " | ".join(f"{value:.3f}" for value in figures.values())
        print(
            f"| {tree} | {shown} | {tally.exact_answered} | {tally.referenced} "
            f"| {tally.xrefdoc_seconds:.1f} | {tally.jedi_seconds:.1f} |"
        )
        for name, value in figures.items():
            wrong = value > TARGETS[name] if name == "textual" else value < TARGETS[name]
            if wrong:
                missed.append(f"{tree} {name} {value:.3f}")
    print(
        "\nchecked: exact links jedi answered for (precision's base); refs: tokens jedi "
        "sends to a definition of the tree (recall's base)"
    )
    if args.disagreements:
        write_disagreements(
            [f"seed {args.seed}, sample {args.sample}\n"], tallies, args.disagreements
        )
    if missed:
        print(f"missing a target: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
