"""Helpers shared by the classification and summarisation metrics."""

from __future__ import annotations

import numpy as np

from newsml.evaluate.bootstrap import CI


def safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` elementwise, 0 where ``b`` is 0 (scikit-learn's ``zero_division=0``).

    >>> safe_div(np.array([1.0, 2.0]), np.array([2.0, 0.0])).tolist()
    [0.5, 0.0]
    """
    out = np.zeros(np.broadcast(a, b).shape, dtype=np.float64)
    np.divide(a, b, out=out, where=b > 0)
    return out


def ci_dict(ci: CI) -> dict[str, float]:
    """A :class:`~newsml.evaluate.bootstrap.CI` as the dict the reports carry."""
    return {"value": ci.value, "low": ci.low, "high": ci.high, "level": ci.level, "n": ci.n}
