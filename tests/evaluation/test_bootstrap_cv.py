"""CI math (determinism, coverage, vectorised == loop), permutation tests and seeded cross-validation."""

from __future__ import annotations

import numpy as np
import pytest

from newsml.evaluate import (
    bootstrap_ci,
    bootstrap_weights,
    classification_report,
    cross_validate,
    cv_folds,
    iterative_stratified_folds,
    paired_bootstrap,
    permutation_test,
)


def test_bootstrap_is_deterministic_per_seed():
    x = np.random.default_rng(0).random(50)
    assert bootstrap_ci(x, seed=4) == bootstrap_ci(x, seed=4)
    assert bootstrap_ci(x, seed=4) != bootstrap_ci(x, seed=5)
    assert bootstrap_ci(x).value == pytest.approx(x.mean())


def test_weights_reproduce_the_index_loop():
    x = np.random.default_rng(1).random(40)
    W = bootstrap_weights(40, n_boot=500, seed=7)
    samples = W @ x / 40
    ci = bootstrap_ci(x, n_boot=500, seed=7)
    lo, hi = np.quantile(samples, [0.025, 0.975])
    assert (ci.low, ci.high) == pytest.approx((lo, hi))
    # and the classification report (weights) agrees with bootstrap_ci over per-item correctness
    gold = ["a", "b"] * 20
    pred = [g if i % 3 else "a" for i, g in enumerate(gold)]
    rep = classification_report(gold, pred, n_boot=500, seed=7)
    acc = bootstrap_ci(np.array([p == g for p, g in zip(pred, gold)], float), n_boot=500, seed=7)
    assert (rep["metrics"]["accuracy"]["low"], rep["metrics"]["accuracy"]["high"]) == pytest.approx((acc.low, acc.high))


def test_bootstrap_coverage_is_near_nominal():
    rng = np.random.default_rng(123)
    hits = 0
    for r in range(120):
        x = (rng.random(150) < 0.7).astype(float)
        ci = bootstrap_ci(x, n_boot=300, seed=r)
        hits += ci.low <= 0.7 <= ci.high
    assert 0.85 <= hits / 120 <= 1.0


def test_ci_width_shrinks_with_more_data():
    rng = np.random.default_rng(2)
    small = bootstrap_ci(rng.random(30), n_boot=400)
    large = bootstrap_ci(rng.random(1200), n_boot=400)
    assert (large.high - large.low) < (small.high - small.low) / 3


def test_paired_tests():
    rng = np.random.default_rng(5)
    a = rng.random(80)
    b = a - 0.05 + 0.01 * rng.standard_normal(80)
    res = paired_bootstrap(a, b, n_boot=500)
    assert res.diff.low > 0 and res.p_value < 0.01
    assert permutation_test(a, b, n_perm=2000) < 0.01
    noise = rng.standard_normal(80)
    assert permutation_test(noise, noise[::-1], n_perm=2000) > 0.05
    with pytest.raises(ValueError):
        permutation_test([1.0], [1.0, 2.0])


def test_iterative_folds_balance_labels():
    rng = np.random.default_rng(0)
    labels = [list(set(rng.choice(list("abcde"), rng.integers(1, 3), p=[0.5, 0.2, 0.15, 0.1, 0.05])))
              for _ in range(300)]
    folds = iterative_stratified_folds(labels, n_splits=5, seed=0)
    allidx = np.sort(np.concatenate(folds))
    assert allidx.tolist() == list(range(300))
    for lab in "abcde":
        counts = [sum(lab in labels[i] for i in f) for f in folds]
        assert max(counts) - min(counts) <= 2, (lab, counts)
    again = iterative_stratified_folds(labels, n_splits=5, seed=0)
    assert all((x == y).all() for x, y in zip(folds, again))


def test_cv_folds_single_label_stratified():
    y = ["a"] * 20 + ["b"] * 10
    folds = cv_folds(y, n_splits=5, seed=1)
    assert [sum(y[i] == "b" for i in f) for f in folds] == [2] * 5


def test_cross_validate_with_sklearn_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = [f"goal match team score {i}" for i in range(15)] + [f"shares market price bank {i}" for i in range(15)]
    labels = ["sport"] * 15 + ["markets"] * 15
    est = make_pipeline(TfidfVectorizer(), LogisticRegression())
    res = cross_validate(est, texts, labels, n_splits=3, seed=0, n_boot=100)
    assert len(res["folds"]) == 3 and sum(f["n_test"] for f in res["folds"]) == 30
    assert res["report"]["metrics"]["accuracy"]["value"] == 1.0
    assert not hasattr(est, "classes_")  # the estimator itself is never fitted (clones are)
