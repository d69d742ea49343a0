"""Cross-validation with fixed seeds: stratified folds, iterative stratification for multi-label.

Examples
--------
>>> folds = iterative_stratified_folds([["a"], ["a", "b"], ["b"], ["a"], ["b"], []], n_splits=2, seed=0)
>>> sorted(len(f) for f in folds)
[3, 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from newsml.errors import ConfigError


def iterative_stratified_folds(labels: Sequence[Sequence[str]], n_splits: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Split multi-label items into ``n_splits`` folds keeping each label's share even.

    Iterative stratification (Sechidis, Tsoumakas and Vlahavas, 2011): the rarest remaining
    label is placed first, each of its items going to the fold that most lacks that label (ties:
    the fold lacking most items, then a seeded random choice). Items without labels fill the
    emptiest folds.

    Parameters
    ----------
    labels:
        A list of labels per item.
    n_splits:
        Number of folds (at least 2).
    seed:
        Seed of the tie-breaking and item order.

    Returns
    -------
    list of numpy.ndarray
        Sorted item indices of each test fold; together they cover every item once.

    Examples
    --------
    >>> folds = iterative_stratified_folds([["x"]] * 4 + [["y"]] * 4, n_splits=2, seed=1)
    >>> [sorted(int(i) for i in f) == sorted(set(f.tolist())) for f in folds]
    [True, True]
    """
    if n_splits < 2:
        raise ConfigError(f"n_splits must be at least 2, got {n_splits}")
    rng = np.random.default_rng(seed)
    sets = [set(map(str, y)) for y in labels]
    n = len(sets)
    all_labels = sorted({x for s in sets for x in s})
    desired = np.full(n_splits, n / n_splits)
    per_label = {lab: np.full(n_splits, sum(lab in s for s in sets) / n_splits) for lab in all_labels}
    remaining = set(range(n))
    assign = np.full(n, -1)
    by_label = {lab: [i for i in range(n) if lab in sets[i]] for lab in all_labels}

    def choose(candidates: np.ndarray) -> int:
        best = np.flatnonzero(candidates == candidates.max())
        if len(best) > 1:
            sub = desired[best]
            best = best[sub == sub.max()]
        return int(rng.choice(best))

    while True:
        counts = {lab: sum(1 for i in by_label[lab] if i in remaining) for lab in all_labels}
        counts = {k: v for k, v in counts.items() if v > 0}
        if not counts:
            break
        lab = min(counts, key=lambda k: (counts[k], k))
        items = [i for i in by_label[lab] if i in remaining]
        for i in rng.permutation(items):
            j = choose(per_label[lab])
            assign[i] = j
            remaining.discard(int(i))
            desired[j] -= 1
            for other in sets[i]:
                per_label[other][j] -= 1
    for i in rng.permutation(sorted(remaining)):
        j = int(rng.choice(np.flatnonzero(desired == desired.max())))
        assign[i] = j
        desired[j] -= 1
    return [np.flatnonzero(assign == j) for j in range(n_splits)]


def cv_folds(labels: Sequence[Any], n_splits: int = 5, seed: int = 0, multi_label: bool | None = None) -> list[np.ndarray]:
    """Test-fold indices: StratifiedKFold (shuffled, seeded) or iterative stratification.

    Examples
    --------
    >>> [len(f) for f in cv_folds(["a", "b"] * 5, n_splits=5, seed=0)]
    [2, 2, 2, 2, 2]
    """
    labels = list(labels)
    if multi_label is None:
        multi_label = any(isinstance(y, (list, tuple, set)) for y in labels)
    if multi_label:
        return iterative_stratified_folds(labels, n_splits, seed)
    from sklearn.model_selection import KFold, StratifiedKFold

    y = np.array([str(v) for v in labels])
    _, counts = np.unique(y, return_counts=True)
    splitter = (StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed) if counts.min() >= n_splits
                else KFold(n_splits=n_splits, shuffle=True, random_state=seed))
    return [test for _, test in splitter.split(np.zeros(len(y)), y)]


def cross_validate(estimator, texts: Sequence[str], labels: Sequence[Any], *, n_splits: int = 5, seed: int = 0,
                   multi_label: bool | None = None, n_boot: int = 1000) -> dict[str, Any]:
    """K-fold cross-validation of a newsml (or scikit-learn text) classifier with fixed seeds.

    Each fold fits a fresh :func:`sklearn.base.clone` of ``estimator`` on the other folds and
    predicts its own; the pooled out-of-fold predictions are scored once with
    :func:`~newsml.evaluate.classification_report` (so the CIs are over documents), and the
    per-fold headline metrics are listed too.

    Parameters
    ----------
    estimator:
        An unfitted classifier with ``fit(texts, labels)`` and ``predict(texts)``.
    texts, labels:
        The data; labels are strings, or lists of strings for multi-label data.
    n_splits, seed:
        Folds and the seed of the fold assignment.
    multi_label:
        None detects it from ``labels``.
    n_boot:
        Bootstrap resamples for the pooled report.

    Returns
    -------
    dict
        ``report`` (pooled out-of-fold classification report), ``folds`` (per-fold size and
        headline metrics), ``predictions`` (out-of-fold, in input order), ``seed``, ``n_splits``.

    Examples
    --------
    >>> import newsml
    >>> texts = ["goal scored in the final", "shares fell sharply"] * 6
    >>> labels = ["sport", "markets"] * 6
    >>> res = cross_validate(newsml.get_classifier("tfidf"), texts, labels, n_splits=3)
    >>> res["report"]["metrics"]["accuracy"]["value"]
    1.0
    """
    from sklearn.base import clone

    from newsml.evaluate.classification import classification_report

    texts, labels = list(texts), list(labels)
    if multi_label is None:
        multi_label = any(isinstance(y, (list, tuple, set)) for y in labels)
    folds = cv_folds(labels, n_splits, seed, multi_label)
    preds: list[Any] = [None] * len(texts)
    fold_info = []
    for k, test in enumerate(folds):
        test_set = set(test.tolist())
        train = [i for i in range(len(texts)) if i not in test_set]
        model = clone(estimator)
        model.fit([texts[i] for i in train], [labels[i] for i in train])
        out = model.predict([texts[i] for i in test])
        for i, p in zip(test, out):
            preds[int(i)] = p
        rep = classification_report([labels[i] for i in test], list(out), multi_label=multi_label, n_boot=0)
        fold_info.append({"fold": k, "n_test": len(test),
                          "metrics": {m: v["value"] for m, v in rep["metrics"].items()}})
    report = classification_report(labels, preds, multi_label=multi_label, n_boot=n_boot, seed=seed)
    return {"report": report, "folds": fold_info, "predictions": preds, "seed": seed, "n_splits": n_splits}
