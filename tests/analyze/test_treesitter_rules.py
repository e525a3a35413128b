"""The rules of the languages read with tree-sitter: found in code, never in a comment, a
string or a method of the same name."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import extract_one

CASES = [
    (
        "app.js",
        """\
        function render(template, data) {
          return eval("`" + template + "`");
        }
        """,
        ("security.eval", 2, "`eval()` in `render` runs a computed string as code"),
        """\
        // never eval(input) here
        const found = /\\d+/.exec(text);
        const message = "do not eval(x)";
        sandbox.eval(code);
        """,
    ),
    (
        "build.ts",
        """\
        const compile = (body: string) => new Function("data", body);
        """,
        ("security.eval", 1, "`new Function()` builds code from a string"),
        """\
        const seen = new Map<string, number>();
        """,
    ),
    (
        "deploy.js",
        """\
        const child_process = require("child_process");
        function restart(host) {
          child_process.execSync(`ssh ${host} restart`);
        }
        """,
        ("security.shell", 3, "`child_process.execSync()` in `restart` runs its command"),
        """\
        const child_process = require("child_process");
        child_process.execFileSync("git", ["status"]);
        """,
    ),
    (
        "run.c",
        """\
        #include <stdlib.h>
        int restart(const char *host) {
            char command[256];
            snprintf(command, sizeof command, "ssh %s restart", host);
            return system(command);
        }
        """,
        ("security.shell", 5, "`system()` in `restart` runs its command through a shell"),
        """\
        /* system(command) is not used */
        int run_system(void) { return subsystem_start(); }
        """,
    ),
    (
        "tools/setup.sh",
        """\
        #!/bin/sh
        configure() {
            eval "$1=\\"$2\\""
        }
        """,
        ("security.eval", 3, "`eval` in `configure` runs a computed string as shell code"),
        """\
        #!/bin/sh
        echo "eval is not run here"
        """,
    ),
    (
        "cmd/run.go",
        """\
        package main

        import "os/exec"

        func restart(host string) error {
            return exec.Command("sh", "-c", "ssh "+host+" restart").Run()
        }
        """,
        ("security.shell", 6, "`exec.Command` with a shell in `restart`"),
        """\
        package main

        import "os/exec"

        func status() error {
            return exec.Command("git", "status").Run()
        }
        """,
    ),
    (
        "src/Restart.java",
        """\
        class Restart {
            void run(String host) throws Exception {
                Runtime.getRuntime().exec("ssh " + host + " restart");
            }
        }
        """,
        ("security.shell", 3, "`Runtime.getRuntime().exec()` in `run` runs a command"),
        """\
        class Match {
            boolean run(java.util.regex.Pattern pattern, String text) {
                return pattern.matcher(text).find();
            }
        }
        """,
    ),
]


@pytest.mark.parametrize(("path", "fires", "expected", "quiet"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_in_code_and_not_in_lookalikes(
    tmp_path: Path, path: str, fires: str, expected: tuple[str, int, str], quiet: str
) -> None:
    record = extract_one(tmp_path / "fires", path, fires)
    rule, line, message = expected
    assert [(f.rule, f.line) for f in record.findings] == [(rule, line)]
    assert message in record.findings[0].message
    assert extract_one(tmp_path / "quiet", path, quiet).findings == ()


def test_a_marker_in_the_languages_comment_silences_the_line(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path, "legacy.js", "const value = eval(source); // xrefdoc: ignore[security.eval]\n"
    )
    assert record.findings == ()


def test_a_language_without_rules_has_no_findings(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "lib.rs", 'fn main() { let _ = "eval(x) system(y)"; }\n')
    assert record.findings == ()
