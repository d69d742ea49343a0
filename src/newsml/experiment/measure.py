"""Measuring helpers shared by the experiment runner and the benchmark scripts in ``experiments/``.

One definition of "peak memory", "seconds" and "machine load" keeps every reported number comparable.

Examples
--------
>>> from newsml.experiment.measure import measured, peak_memory_mib
>>> peak_memory_mib(lambda: [0] * 1_000_000) > 5      # a list of a million pointers: about 7.6 MiB
True
>>> out = measured(lambda: sum(range(10)), memory=True)
>>> out.result, out.seconds >= 0, out.peak_mib >= 0
(45, True, True)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def peak_memory_mib(fn: Callable[[], Any]) -> float:
    """Peak Python heap (MiB, tracemalloc) while ``fn()`` runs; torch and ONNX Runtime memory is not seen."""
    return measured(fn, memory=True).peak_mib


@dataclass
class Measurement:
    """What :func:`measured` saw: ``fn``'s return value, wall seconds, and peak heap MiB (None: not traced)."""

    result: Any
    seconds: float
    peak_mib: float | None = None


def measured(fn: Callable[[], Any], *, memory: bool = False) -> Measurement:
    """Run ``fn()`` timing it (``time.perf_counter``) and, with ``memory``, tracing its peak Python heap.

    Tracing slows Python code down, so benchmarks time one run and measure memory in a separate one.
    """
    import tracemalloc

    started_here = memory and not tracemalloc.is_tracing()
    if memory:
        if started_here:
            tracemalloc.start()
        tracemalloc.reset_peak()
    t0 = time.perf_counter()
    try:
        result = fn()
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if memory else None
    finally:
        if started_here:
            tracemalloc.stop()
    return Measurement(result, seconds, peak)


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages (timings on a shared machine are noisy), or None where unknown.

    Examples
    --------
    >>> avg = load_average()
    >>> avg is None or len(avg) == 3
    True
    """
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def machine_summary() -> str:
    """One line for a results file: CPU, logical CPUs, Python, and the load average now."""
    from newsml.experiment.rundir import environment

    env = environment()
    load = load_average()
    return (f"{env['cpu']}, {env['cpu_count']} logical CPUs, Python {env['python']}, "
            f"load average {load[0] if load else 'unknown'}")
