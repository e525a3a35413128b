"""Each rule of the Python analysis, with code where it must fire and code where it must not."""

from __future__ import annotations

import ast
import textwrap

import pytest

from xrefdoc.analyze.python_rules import PYTHON_RULES, python_findings
from xrefdoc.analyze.rules import enabled, unsilenced
from xrefdoc.core.model import Finding


def findings(code: str) -> list[Finding]:
    text = textwrap.dedent(code)
    return list(unsilenced(python_findings(ast.parse(text), text), text))


def of(rule: str, code: str) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in findings(code) if f.rule == rule]


# (rule, code where it fires, the line and a part of its message, code where it must not)
CASES = [
    (
        "security.eval",
        """
        def evaluate(expression, namespace):
            return eval(expression, namespace)
        """,
        (3, "`eval()` in `evaluate` runs a computed string"),
        """
        def evaluate(node, eval):
            literal = ast.literal_eval(node)
            return eval(literal)  # a parameter named eval is not the builtin
        """,
    ),
    (
        "security.shell",
        """
        import subprocess as sp

        def archive(folder):
            sp.run(f"tar czf out.tgz {folder}", shell=True, check=True)
        """,
        (5, "`subprocess.run(..., shell=True)` in `archive` runs its command through a shell"),
        """
        import subprocess

        def archive(folder):
            subprocess.run(["tar", "czf", "out.tgz", folder], check=True)
        """,
    ),
    (
        "security.shell",
        """
        import os

        def clear():
            os.system("clear")
        """,
        (5, "`os.system()` in `clear`"),
        """
        import os

        def clear(path):
            os.remove(path)
        """,
    ),
    (
        "security.unsafe-load",
        """
        import pickle

        def restore(path):
            with open(path, "rb") as stream:
                return pickle.load(stream)
        """,
        (6, "`pickle.load()` in `restore` can run code hidden in the data"),
        """
        import json
        import pickle

        def restore(path):
            with open(path) as stream:
                return json.load(stream)

        def test_config_pickles(config):
            # A round trip loads what the code itself just dumped.
            assert pickle.loads(pickle.dumps(config)) == config
        """,
    ),
    (
        "security.unsafe-load",
        """
        import torch

        state = torch.load("model.pt")
        """,
        (4, "`torch.load()`"),
        """
        import torch

        state = torch.load("model.pt", weights_only=True)
        """,
    ),
    (
        "security.yaml-load",
        """
        import yaml

        def settings(text):
            return yaml.load(text)
        """,
        (5, "`yaml.load()` in `settings` without a safe loader"),
        """
        import yaml

        def settings(text):
            return yaml.load(text, Loader=yaml.SafeLoader)
        """,
    ),
    (
        "security.mktemp",
        """
        import tempfile

        scratch = tempfile.mktemp(suffix=".log")
        """,
        (4, "`tempfile.mktemp()`"),
        """
        import tempfile

        scratch = tempfile.mkstemp(suffix=".log")
        """,
    ),
    (
        "security.weak-random",
        """
        import random
        import string

        def new_session():
            session_token = "".join(random.choices(string.ascii_letters, k=32))
            return session_token
        """,
        (6, "`session_token` comes from `random.choices()`"),
        """
        import random
        import secrets

        def new_session():
            session_token = secrets.token_hex(16)
            jitter = random.random()
            return session_token, jitter
        """,
    ),
    (
        "security.tls-off",
        """
        import requests

        def fetch(url):
            return requests.get(url, verify=False, timeout=5)
        """,
        (5, "`requests.get(..., verify=False)` in `fetch` skips certificate checks"),
        """
        import requests

        def fetch(url, bundle):
            return requests.get(url, verify=bundle, timeout=5)
        """,
    ),
    (
        "security.credential",
        """
        DATABASE_HOST = "db.internal"
        API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
        """,
        (3, "`API_KEY` is set to a literal that looks like a secret"),
        """
        import os

        API_KEY = os.environ["API_KEY"]
        PASSWORD = "changeme"
        token_url = "https://auth.example.org/oauth/token"
        SECRET_KEY = "GITHUB_TOKEN"
        """,
    ),
    (
        "security.sql-format",
        """
        def find(cursor, name):
            cursor.execute(f"SELECT id FROM users WHERE name = '{name}'")
            return cursor.fetchone()
        """,
        (3, "`.execute()` in `find` gets SQL built by string formatting"),
        """
        def find(cursor, name):
            cursor.execute("SELECT id FROM users WHERE name = ?", (name,))
            return cursor.fetchone()
        """,
    ),
    (
        "performance.cache",
        """
        import functools

        @functools.lru_cache(maxsize=256)
        def parse_version(text):
            return tuple(int(part) for part in text.split("."))
        """,
        (5, "`parse_version` keeps its results (`functools.lru_cache`)"),
        """
        import functools

        @functools.wraps(print)
        def parse_version(text):
            return tuple(int(part) for part in text.split("."))
        """,
    ),
    (
        "performance.compile",
        """
        import torch

        def build(model):
            return torch.compile(model, mode="max-autotune")
        """,
        (5, "`torch.compile()` in `build` compiles code"),
        """
        import re

        PATTERN = re.compile(r"[a-z]+")
        """,
    ),
    (
        "performance.concurrency",
        """
        from concurrent.futures import ProcessPoolExecutor

        def convert_all(paths):
            with ProcessPoolExecutor() as pool:
                return list(pool.map(convert, paths))
        """,
        (5, "`concurrent.futures.ProcessPoolExecutor` in `convert_all`"),
        """
        def convert_all(paths):
            return [convert(path) for path in paths]
        """,
    ),
    (
        "performance.subprocess",
        """
        import subprocess

        def version():
            return subprocess.check_output(["git", "describe"], text=True)
        """,
        (5, "`subprocess.check_output()` in `version` starts a process"),
        """
        import subprocess

        def version(result: subprocess.CompletedProcess) -> str:
            return result.stdout
        """,
    ),
    (
        "performance.loop-io",
        """
        def record(events):
            for event in events:
                with open("events.log", "a") as log:
                    log.write(event)
        """,
        (4, "`open()` in `record` opens the same target on every pass of its loop"),
        """
        def record(paths):
            for path in paths:
                with open(path) as stream:
                    print(stream.read())
        """,
    ),
    (
        "performance.large-literal",
        "TABLE = [" + ", ".join(str(n) for n in range(1200)) + "]\n",
        (1, "a literal of 1,200 items"),
        "TABLE = [" + ", ".join(str(n) for n in range(50)) + "]\n",
    ),
    (
        "pattern.dataclass",
        """
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Point:
            x: float
            y: float
        """,
        (5, "`Point` is a data class (`@dataclasses.dataclass`)"),
        """
        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y
        """,
    ),
    (
        "pattern.abstract",
        """
        from abc import ABC, abstractmethod

        class Store(ABC):
            @abstractmethod
            def get(self, key): ...

            @abstractmethod
            def put(self, key, value): ...
        """,
        (4, "`Store` is an abstract base class with 2 abstract methods"),
        """
        class Store(dict):
            def get(self, key):
                return self[key]
        """,
    ),
    (
        "pattern.context-manager",
        """
        class Timer:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False
        """,
        (2, "`Timer` is a context manager"),
        """
        class Timer:
            def start(self):
                return self
        """,
    ),
    (
        "pattern.decorator",
        """
        import functools

        def traced(function):
            @functools.wraps(function)
            def wrapper(*args, **kwargs):
                print("calling", function.__name__)
                return function(*args, **kwargs)
            return wrapper

        @traced
        def run():
            pass
        """,
        (4, "`traced` is a decorator: it returns a wrapping function; used 1 time in this file"),
        """
        import pytest

        def make_counter(start):
            def counter():
                return start + 1
            return counter

        @pytest.fixture
        def make_app(tmp_path):
            def _make_app(**kwargs):
                return build(tmp_path, **kwargs)
            return _make_app
        """,
    ),
    (
        "pattern.generator",
        """
        def chunks(items, size):
            for start in range(0, len(items), size):
                yield items[start : start + size]
        """,
        (2, "`chunks` is a generator"),
        """
        import contextlib
        import pytest

        def chunks(items, size):
            return [items[start : start + size] for start in range(0, len(items), size)]

        @contextlib.contextmanager
        def opened(path):
            with open(path) as stream:
                yield stream

        @pytest.fixture
        def database(tmp_path):
            yield connect(tmp_path)
        """,
    ),
    (
        "pattern.async",
        """
        async def fetch(session, url):
            async with session.get(url) as response:
                return await response.text()
        """,
        (2, "`fetch` is a coroutine (`async def`)"),
        """
        def fetch(session, url):
            return session.get(url).text

        async def pages(session, urls):
            for url in urls:
                yield await fetch(session, url)
        """,
    ),
    (
        "pattern.typed-api",
        """
        def area(width: float, height: float) -> float:
            return width * height

        def perimeter(width, height):
            return 2 * (width + height)

        def _helper(x):
            return x
        """,
        (2, "Fully annotated (every parameter and the return): 1 of 2 public functions"),
        """
        def _helper(x):
            return x
        """,
    ),
    (
        "pattern.exports",
        """
        from .core import Engine, run

        __all__ = ["Engine", "run"]
        """,
        (4, "`__all__` exports 2 names"),
        """
        from .core import Engine, run
        """,
    ),
    (
        "purpose.fixture",
        """
        import pytest

        @pytest.fixture(scope="session", autouse=True)
        def database(tmp_path_factory):
            yield connect(tmp_path_factory.mktemp("db"))
        """,
        (5, "`database` is a pytest fixture (scope `session`, used by every test in its reach"),
        """
        import pytest

        @pytest.mark.parametrize("size", [1, 2])
        def test_sizes(size):
            assert size

        def fixture(value):  # a function named fixture is not pytest's
            return value

        @fixture
        def not_a_fixture():
            return 1
        """,
    ),
    (
        "purpose.script",
        """
        import sys

        def main(argv):
            return 0

        if __name__ == "__main__":
            sys.exit(main(sys.argv[1:]))
        """,
        (7, "Runs as a script: its `__main__` block calls `sys.exit`, `main`"),
        """
        import sys

        def main(argv):
            if __name__ != "__main__":  # not the guard
                return 1
            return 0

        def run():
            if __name__ == "__main__":  # not at module level
                main([])
        """,
    ),
]


def test_every_rule_has_a_case() -> None:
    assert {rule.id for rule in PYTHON_RULES} == {case[0] for case in CASES}


@pytest.mark.parametrize(("rule", "fires", "expected", "quiet"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_on_the_line_it_concerns_and_not_on_safe_code(
    rule: str, fires: str, expected: tuple[int, str], quiet: str
) -> None:
    found = of(rule, fires)
    line, message = expected
    assert [found_line for found_line, _ in found] == [line], found
    assert message in found[0][1]
    assert of(rule, quiet) == []


def test_a_marker_silences_a_line_for_every_rule_or_the_rules_it_names() -> None:
    code = """
        import pickle, subprocess

        data = pickle.loads(blob)  # xrefdoc: ignore
        subprocess.run(command, shell=True)  # xrefdoc: ignore[security.shell]
        subprocess.run(other, shell=True)  # xrefdoc: ignore[performance]
    """
    rules = sorted((f.line, f.rule) for f in findings(code))
    assert rules == [(5, "performance.subprocess"), (6, "security.shell")]


def test_rules_and_categories_can_be_turned_off() -> None:
    found = findings(
        """
        import pickle

        def load(blob):
            yield pickle.loads(blob)
        """
    )
    assert {f.rule for f in found} == {
        "security.unsafe-load",
        "pattern.generator",
        "pattern.typed-api",
    }
    assert {f.rule for f in enabled(found, ["pattern"])} == {"security.unsafe-load"}
    assert {f.rule for f in enabled(found, ["security.unsafe-load"])} == {
        "pattern.generator",
        "pattern.typed-api",
    }
