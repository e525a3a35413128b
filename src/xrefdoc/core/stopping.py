"""Ctrl-C and SIGTERM noted as a fact of the process, not only raised as an exception: a stop
that lands where a library swallows it, or turns it into another error, still stops the
command, at once, and is reported as a stop.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be, and some code
there loses it: CPython's ``PyCapsule_Import`` turns it into an ``ImportError`` that
``xml.etree.ElementTree`` catches (a Ctrl-C while Sphinx was imported was lost, and the build
went on to exit 0); Python 3.11 turns it into a ``RuntimeError`` inside ``__set_name__``;
Sphinx's parallel tasks turn it into a ``KeyError`` as they clean up; a finaliser prints and
drops it. So the handler notes the stop before raising it; until the command settles, the
main thread looks every few hundredths of a second (a timer's SIGALRM, so no thread is
needed) whether it is handling the stop, and raises it again when it is not; and the command
asks ``requested()`` rather than trusting the exception to reach it.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from typing import Any

# The signals whose handlers raise a stop in the main thread: Ctrl-C, SIGTERM, and the timer
# that raises a lost stop again.
SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGALRM})

# How often the main thread looks whether it handles a noted stop, and how many looks in a
# row must find it not doing so before the stop is raised again: the exception is not on
# the stack for an instant as it passes from one handler to the next.
_LOOK_EVERY = 0.05
_LOOKS = 3


@dataclass
class _Command:
    """The stop state of this process. ``running``: a command is between ``begin`` and
    ``settle`` (outside one, the signals raise as Python's own handlers do); ``stop``: the
    first stop noted while it ran; ``settled``: its outcome is decided, a later stop is noted
    only; ``unhandled``: the looks in a row that found the stop not being handled."""

    owner: int = 0
    running: bool = False
    stop: KeyboardInterrupt | None = None
    stopped_by: signal.Signals = signal.SIGINT  # the signal ``stop`` came by
    settled: bool = False
    unhandled: int = 0


_command = _Command()


def install() -> None:
    """For the main thread of a command's process, once: SIGINT and SIGTERM (a CI job
    cancelled, ``timeout``, ``kill``) each raise ``KeyboardInterrupt``, noted with the
    signal; a stop Python would print as an error it ignores (in a finaliser) is not
    printed, as it is raised again. A process forked from this one (a worker) leaves
    Ctrl-C to this one, and ends on SIGTERM as any process does."""
    if _command.owner:
        return
    _command.owner = os.getpid()
    signal.signal(signal.SIGINT, _on_stop)
    signal.signal(signal.SIGTERM, _on_stop)
    signal.signal(signal.SIGALRM, _look)
    printed = sys.unraisablehook

    def unraisable(found: Any) -> None:
        if not (isinstance(found.exc_value, KeyboardInterrupt) and _raised_again()):
            printed(found)

    sys.unraisablehook = unraisable


def begin() -> None:
    """A command starts: no stop noted yet."""
    _command.running = True
    _command.stop = None
    _command.stopped_by = signal.SIGINT
    _command.settled = False


def settle() -> None:
    """The command's outcome is being decided: a stop noted from now on is not raised (it
    would interrupt the report of the outcome, or the clean-up after it), and a lost one is
    not raised again. With no stop noted, the signals raise as usual again."""
    _command.settled = True
    if _command.stop is None:
        _command.running = False
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


def requested() -> KeyboardInterrupt | None:
    """The stop noted during the command, whatever became of its exception."""
    return _command.stop


def stop_behind(error: BaseException) -> KeyboardInterrupt | None:
    """The stop noted during the command, else the ``KeyboardInterrupt`` that ``error`` is
    or was raised while handling (a library's clean-up failing as a Ctrl-C unwinds it)."""
    return _command.stop or _stop_in(error)


def signal_of(stop: KeyboardInterrupt) -> signal.Signals:
    """The signal ``stop`` came by: the noted stop's, else Ctrl-C (Python's own)."""
    return _command.stopped_by if stop is _command.stop else signal.SIGINT


def _on_stop(number: int, frame: object) -> None:
    if os.getpid() != _command.owner:
        # A process forked from this one before it set itself up as a worker: Ctrl-C is
        # the main process's to handle; SIGTERM ends it.
        if number == signal.SIGTERM:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        return
    # SIGTERM is raised as Ctrl-C is, a ``KeyboardInterrupt`` and not a kind of one: the
    # standard library tells Ctrl-C apart by its type alone. As ``subprocess.run`` unwinds
    # from Ctrl-C, ``Popen.__exit__`` gives the child a moment and goes on; from any other
    # error it waits for the child, taking the lock its waits share, and a stop that lands
    # in a timed wait (or ``poll``) between taking that lock and the ``try`` that gives it
    # back leaves it held (CPython): a SIGTERM then waited for ever (a build stopped while
    # it ran git).
    if _command.running:
        if _command.stop is None:
            # The signal first: the stop counts as noted once it is set, and a second
            # signal may land between the two. Noted as a stop of its own, never raised:
            # a raised one carries the frames it passes through, and held to the process's
            # exit they kept what those frames held (a logging handler the stop cut short
            # in its constructor, listed by logging with no stream: logging flushes it at
            # exit, fails, and prints a traceback after the one line the stop is told by).
            _command.stopped_by = signal.Signals(number)
            _command.stop = KeyboardInterrupt()
            _command.unhandled = 0
            signal.setitimer(signal.ITIMER_REAL, _LOOK_EVERY, _LOOK_EVERY)
        if _command.settled:
            return
    # Not named here: its traceback holds this frame, and a name for it would make a cycle
    # that only the collector frees, keeping the same frames alive.
    raise KeyboardInterrupt()


def _look(number: int, frame: object) -> None:
    """Raises the noted stop again where the main thread is, unless it is handling it (a
    ``KeyboardInterrupt`` among the errors of the ``except`` and ``finally`` blocks and the
    context managers' exits it is in)."""
    if not _raised_again():
        return
    if _stop_in(sys.exc_info()[1]) is not None:
        _command.unhandled = 0
        return
    _command.unhandled += 1
    if _command.unhandled >= _LOOKS:
        _command.unhandled = 0
        raise KeyboardInterrupt()


def _raised_again() -> bool:
    """Whether a noted stop that is lost will be raised again."""
    return (
        os.getpid() == _command.owner
        and _command.running
        and not _command.settled
        and _command.stop is not None
    )


def _stop_in(error: BaseException | None) -> KeyboardInterrupt | None:
    """``error`` if it is a stop, else a stop it was raised from or while handling."""
    waiting = [error]
    seen: set[int] = set()
    while waiting:
        found = waiting.pop()
        if found is None or id(found) in seen:
            continue
        if isinstance(found, KeyboardInterrupt):
            return found
        seen.add(id(found))
        waiting += [found.__cause__, found.__context__]
    return None
