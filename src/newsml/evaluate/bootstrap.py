"""Bootstrap confidence intervals and paired bootstrap tests.

A metric is any function ``metric(indices) -> float`` over a resample of document indices, so one
routine serves per-document scores (ROUGE), corpus metrics (macro-F1) and paired comparisons.

Examples
--------
>>> import numpy as np
>>> ci = bootstrap_ci(np.array([1.0, 0.0, 1.0, 1.0]), n_boot=200, seed=0)
>>> round(ci.value, 2), ci.low <= ci.value <= ci.high
(0.75, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from newsml.errors import InputError, InputTypeError


@dataclass(frozen=True)
class CI:
    """A point estimate with a percentile bootstrap interval."""

    value: float
    low: float
    high: float
    level: float = 0.95
    n: int = 0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.value:.4f} [{self.low:.4f}, {self.high:.4f}]"


def _as_metric(data) -> tuple[Callable[[np.ndarray], float], int]:
    if callable(data):
        raise InputTypeError("pass (metric, n) for a callable metric")
    arr = np.asarray(data, dtype=np.float64)
    return (lambda idx: float(arr[idx].mean())), len(arr)


def bootstrap_ci(data, n: int | None = None, *, n_boot: int = 1000, level: float = 0.95,
                 seed: int = 0) -> CI:
    """Percentile bootstrap CI.

    ``data`` is either per-item scores (the metric is their mean) or a callable
    ``metric(indices) -> float`` together with ``n`` items.
    """
    if callable(data):
        if n is None:
            raise InputTypeError("bootstrap_ci(metric, n): n is required with a callable metric")
        metric = data
    else:
        metric, n = _as_metric(data)
    if n == 0:
        return CI(float("nan"), float("nan"), float("nan"), level, 0)
    rng = np.random.default_rng(seed)
    full = metric(np.arange(n))
    stats = np.array([metric(rng.integers(0, n, n)) for _ in range(n_boot)])
    alpha = (1 - level) / 2
    lo, hi = np.nanquantile(stats, [alpha, 1 - alpha])
    return CI(float(full), float(lo), float(hi), level, int(n))


@dataclass(frozen=True)
class PairedResult:
    """Difference A - B with its CI and a two-sided bootstrap p-value."""

    diff: CI
    p_value: float

    def to_dict(self) -> dict:
        return {"diff": self.diff.to_dict(), "p_value": self.p_value}


def paired_bootstrap(metric_a, metric_b, n: int | None = None, *, n_boot: int = 1000,
                     level: float = 0.95, seed: int = 0) -> PairedResult:
    """Paired bootstrap of ``A - B`` on the same documents (same resamples for both systems).

    Each of ``metric_a``/``metric_b`` is per-item scores or a callable over indices. The p-value
    is two-sided: twice the share of resampled differences on the other side of zero.
    """
    fa, na = (metric_a, n) if callable(metric_a) else _as_metric(metric_a)
    fb, nb = (metric_b, n) if callable(metric_b) else _as_metric(metric_b)
    if na != nb or na is None:
        raise InputError(f"paired_bootstrap: systems scored on different numbers of items ({na} vs {nb})")
    rng = np.random.default_rng(seed)
    full = fa(np.arange(na)) - fb(np.arange(na))
    diffs = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, na, na)
        diffs[b] = fa(idx) - fb(idx)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(diffs, [alpha, 1 - alpha])
    if full >= 0:
        p = 2 * float(np.mean(diffs <= 0))
    else:
        p = 2 * float(np.mean(diffs >= 0))
    return PairedResult(CI(float(full), float(lo), float(hi), level, int(na)), min(1.0, p))


def bootstrap_weights(n: int, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """Resample counts, shape ``(n_boot, n)``: row ``b`` counts how often each item is drawn.

    The draws are exactly those of :func:`bootstrap_ci` with the same ``seed``, so a metric
    computed from weights (``W @ per_item_counts``) gives the same interval as the loop over
    index resamples, only vectorised.

    Examples
    --------
    >>> W = bootstrap_weights(4, n_boot=3, seed=0)
    >>> W.shape, W.sum(axis=1).tolist()
    ((3, 4), [4.0, 4.0, 4.0])
    """
    rng = np.random.default_rng(seed)
    W = np.zeros((n_boot, n), dtype=np.float64)
    for b in range(n_boot):
        W[b] = np.bincount(rng.integers(0, n, n), minlength=n)
    return W


def ci_from_samples(value: float, samples: np.ndarray, *, level: float = 0.95, n: int = 0) -> CI:
    """Percentile interval of bootstrap ``samples`` around the full-data ``value``.

    Examples
    --------
    >>> ci_from_samples(0.5, np.linspace(0, 1, 101)).high
    0.975
    """
    samples = np.asarray(samples, dtype=np.float64)
    alpha = (1 - level) / 2
    if samples.size == 0 or np.all(np.isnan(samples)):
        return CI(float(value), float("nan"), float("nan"), level, int(n))
    lo, hi = np.nanquantile(samples, [alpha, 1 - alpha])
    return CI(float(value), float(lo), float(hi), level, int(n))


def permutation_test(scores_a, scores_b, *, n_perm: int = 10000, seed: int = 0) -> float:
    """Two-sided paired permutation (sign-flip) test of ``mean(a - b) == 0`` on the same items.

    Each item's pair of scores is swapped at random; the p-value is the share of permuted mean
    differences at least as extreme as the observed one (with the +1 correction, so never 0).

    Examples
    --------
    >>> p = permutation_test([0.9, 0.8, 0.7, 0.9], [0.1, 0.2, 0.1, 0.3], n_perm=2000, seed=0)
    >>> p < 0.2
    True
    >>> permutation_test([0.5, 0.5], [0.5, 0.5])
    1.0
    """
    a = np.asarray(scores_a, dtype=np.float64)
    b = np.asarray(scores_b, dtype=np.float64)
    if a.shape != b.shape:
        raise InputError(f"permutation_test: systems scored on different numbers of items ({a.size} vs {b.size})")
    d = a - b
    if d.size == 0:
        return float("nan")
    observed = abs(d.mean())
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n_perm, d.size))
    perm = np.abs((signs * d).mean(axis=1))
    return float((1 + np.sum(perm >= observed - 1e-12)) / (n_perm + 1))
