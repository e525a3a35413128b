"""Stops as facts of the process: a Ctrl-C that code swallows is raised again until the
command handles it, and a clean-up that handles it is left to finish."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xrefdoc.core import stopping


def test_a_swallowed_ctrl_c_is_raised_again_but_not_inside_the_clean_up_it_starts() -> None:
    code = """
import os, signal, time
from xrefdoc.core import stopping
stopping.install()
stopping.begin()
events = []
try:
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
    except KeyboardInterrupt:
        pass  # swallowed, as some libraries do
    events.append("swallowed")
    try:
        for _ in range(200):
            time.sleep(0.01)
        events.append("went on")
    except KeyboardInterrupt:
        events.append("raised again")
        time.sleep(0.5)  # a clean-up that handles the stop
        events.append("cleaned up")
        raise
except KeyboardInterrupt:
    stopping.settle()
    events.append("stopped" if stopping.requested() else "forgotten")
os.kill(os.getpid(), signal.SIGINT)  # after the outcome is settled: noted, not raised
print(" ".join(events))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "swallowed raised again cleaned up stopped\n", done.stderr
    assert done.returncode == 0, done.stderr


def test_an_error_raised_while_a_stop_unwinds_is_the_stop() -> None:
    # Sphinx's parallel tasks raise KeyError from their clean-up as a Ctrl-C passes.
    try:
        try:
            raise KeyboardInterrupt
        finally:
            {}[0]
    except KeyError as error:
        assert isinstance(stopping.stop_behind(error), KeyboardInterrupt)


@pytest.mark.parametrize("first_swallowed", [False, True], ids=["first stop", "second stop"])
def test_a_stop_inside_a_logging_handlers_constructor_leaves_no_traceback_at_exit(
    first_swallowed: bool,
) -> None:
    """SIGTERM landing in ``StreamHandler.__init__`` (Sphinx makes its handlers as it
    starts) leaves a handler logging has listed but that has no stream: logging flushes
    every listed handler at exit, and while the stop kept the frames it was raised through,
    this one was alive then, and Python printed a traceback after ``xrefdoc: interrupted``.
    The same for a second stop, after a first one a library swallowed."""
    code = f"""
import logging, os, signal, sys
from xrefdoc.commands import cli

class Half(logging.StreamHandler):
    def __init__(self):
        logging.Handler.__init__(self)  # listed by logging from here on
        os.kill(os.getpid(), signal.SIGTERM)  # the stop lands before the stream is set
        self.stream = sys.stderr

def command(argv):
    if {first_swallowed}:
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt:
            pass  # swallowed, as some libraries do
    Half()
    return 0

cli._command = command
sys.exit(cli.main([]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr == "xrefdoc: interrupted\n"
    assert done.returncode == 128 + (2 if first_swallowed else 15)  # the first stop noted


def test_sigterm_while_waiting_for_a_child_does_not_wait_for_ever() -> None:
    """A stop that lands in ``Popen``'s timed wait can leave the wait's lock held (CPython
    runs the handler between taking the lock and the ``try`` that gives it back). As
    ``subprocess.run`` unwinds from Ctrl-C (told by its type), ``Popen.__exit__`` waits a
    moment without blocking and goes on; SIGTERM, raised as a kind of
    ``KeyboardInterrupt``, made it wait for the child on that lock, for ever: a build
    stopped as it ran git (found by a test of stopped builds)."""
    code = """
import os, signal, subprocess, sys
from xrefdoc.commands import cli

def command(argv):
    with subprocess.Popen(["sleep", "0.1"]) as child:
        child._waitpid_lock.acquire()  # held, as a stop inside Popen.wait leaves it
        os.kill(os.getpid(), signal.SIGTERM)
    return 0

cli._command = command
sys.exit(cli.main([]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.stderr == "xrefdoc: interrupted\n"
    assert done.returncode == 128 + 15
