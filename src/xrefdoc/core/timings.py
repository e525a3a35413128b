"""Wall time and peak memory of each stage of a build, for ``bench/scale.py``.

Off unless the environment variable ``XREFDOC_TIMINGS`` names a file: then each stage, as
it ends, appends one JSON line ``{"stage", "seconds", "peak_mib", "own_mib"}`` to it
(the peak of this process and its workers, and of this process alone: on a cluster, the
client's). Stages are laps:
each runs from the end of the one before, so together they cover the whole build.
"""

from __future__ import annotations

import json
import os
import resource
import time

_ENVIRONMENT_VARIABLE = "XREFDOC_TIMINGS"
_last_lap = time.perf_counter()


def own_mib() -> float:
    """The peak resident memory of this process."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def peak_mib() -> float:
    """The peak resident memory of this process and of the workers it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own_mib(), children)


def start() -> None:
    """Start the first lap now (at the start of a build)."""
    global _last_lap
    _last_lap = time.perf_counter()


def lap(stage: str) -> None:
    """End ``stage``: record the time since the previous lap, when timings are on."""
    global _last_lap
    now = time.perf_counter()
    path = os.environ.get(_ENVIRONMENT_VARIABLE)
    if path:
        line = {
            "stage": stage,
            "seconds": round(now - _last_lap, 3),
            "peak_mib": peak_mib(),
            "own_mib": own_mib(),
        }
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
    _last_lap = now
