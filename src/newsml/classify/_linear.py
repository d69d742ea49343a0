"""Linear-model helpers shared by the classifiers: sigmoid/softmax and one logistic-regression head.

One copy of the one-vs-rest / multinomial logistic-regression loop used by ``embedding``,
``setfit``, ``tagger`` and (for its ``logreg`` model) ``tfidf``.

Examples
--------
>>> import numpy as np
>>> sigmoid(np.array([0.0])).tolist()
[0.5]
>>> X = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]])
>>> Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], dtype=float)
>>> coef, b = fit_logreg_head(X, Y, multi_label=True, C=10.0)
>>> (head_proba(X, coef, b, multi_label=True)[:, 0] > 0.5).tolist()
[True, False, True, False]
"""

from __future__ import annotations

import numpy as np

#: logit given to a class that a training set never (or always) shows
_ABSENT = 50.0


def sigmoid(z):
    """Logistic function, clipped so that large logits do not overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def softmax(Z):
    """Row-wise softmax."""
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def fit_temperature(Z: np.ndarray, Y: np.ndarray, grid: np.ndarray | None = None) -> float:
    """The scale ``s`` that minimises the log-loss of ``softmax(s * Z)`` on one-hot ``Y`` (temperature scaling).

    One scale for all classes keeps the argmax of the raw scores, so calibrated probabilities pick
    the same class as the linear model itself.

    >>> Z = np.array([[2.0, -2.0], [-1.0, 1.0], [0.5, -0.5]])
    >>> fit_temperature(Z, np.eye(2)[[0, 1, 0]]) > 1.0
    True
    """
    grid = np.logspace(-1, 2, 61) if grid is None else grid
    y = np.asarray(Y).argmax(1)
    rows = np.arange(len(y))

    def nll(s: float) -> float:
        return float(-np.log(softmax(Z * s)[rows, y] + 1e-12).mean())

    return float(min(grid, key=nll))


def fit_binary(make_model, X, y: np.ndarray, sample_weight=None) -> tuple[np.ndarray, float]:
    """Fit ``make_model()`` on a binary target; a constant target gives a constant +-50 logit."""
    y = np.asarray(y) > 0
    if y.all() or not y.any():
        return np.zeros(X.shape[1], dtype=np.float32), (_ABSENT if y.all() else -_ABSENT)
    m = make_model()
    if sample_weight is None:
        m.fit(X, y.astype(int))
    else:
        m.fit(X, y.astype(int), sample_weight=sample_weight)
    return np.asarray(m.coef_[0], dtype=np.float32), float(m.intercept_[0])


def fit_one_vs_rest(make_model, X, Y: np.ndarray, sample_weight=None) -> tuple[np.ndarray, np.ndarray]:
    """One binary linear model per column of ``Y``; returns ``(coef, intercept)`` with a row per class."""
    coef = np.zeros((Y.shape[1], X.shape[1]), dtype=np.float32)
    intercept = np.zeros(Y.shape[1], dtype=np.float32)
    for j in range(Y.shape[1]):
        coef[j], intercept[j] = fit_binary(make_model, X, Y[:, j], sample_weight)
    return coef, intercept


def fit_multinomial(make_model, X, Y: np.ndarray, sample_weight=None) -> tuple[np.ndarray, np.ndarray]:
    """Softmax model on ``Y.argmax(1)``; classes absent from ``Y`` get a -50 intercept.

    A two-class problem is written as two rows ``-w/2, +w/2`` so that the softmax equals the sigmoid.
    """
    n_classes = Y.shape[1]
    coef = np.zeros((n_classes, X.shape[1]), dtype=np.float32)
    intercept = np.full(n_classes, -_ABSENT, dtype=np.float32)
    y = Y.argmax(1)
    present = np.unique(y)
    if len(present) == 1:
        intercept[present[0]] = _ABSENT
        return coef, intercept
    m = make_model()
    if sample_weight is None:
        m.fit(X, y)
    else:
        m.fit(X, y, sample_weight=sample_weight)
    if len(present) == 2:
        w, b = np.asarray(m.coef_[0]), float(m.intercept_[0])
        coef[present[0]], coef[present[1]] = -w / 2, w / 2
        intercept[present[0]], intercept[present[1]] = -b / 2, b / 2
    else:
        coef[present] = m.coef_
        intercept[present] = m.intercept_
    return coef, intercept


def fit_logreg_head(X, Y: np.ndarray, multi_label: bool, C: float, class_weight=None, max_iter: int = 3000,
                    sample_weight=None) -> tuple[np.ndarray, np.ndarray]:
    """Logistic-regression head; returns ``(coef, intercept)`` with one row per class.

    Single-label: multinomial softmax. Multi-label: one binary model per label (sigmoid).
    """
    from sklearn.linear_model import LogisticRegression

    def make():
        return LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter)

    fit = fit_one_vs_rest if multi_label else fit_multinomial
    return fit(make, X, Y, sample_weight)


def head_proba(X, coef, intercept, multi_label: bool) -> np.ndarray:
    """Probabilities of a head from :func:`fit_logreg_head` (sigmoid or softmax)."""
    Z = np.asarray(X @ coef.T) + intercept
    return sigmoid(Z) if multi_label else softmax(Z)
