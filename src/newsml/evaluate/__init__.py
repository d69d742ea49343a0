"""One evaluation harness: metrics, bootstrap confidence intervals, paired comparisons, reports.

Everything here is numpy / scikit-learn / rouge-score; the optional embedding similarity loads the
sentence encoder only when asked for.

Examples
--------
>>> from newsml.evaluate import classification_report
>>> rep = classification_report(["war", "sport", "war"], ["war", "war", "war"], n_boot=100)
>>> round(rep["metrics"]["accuracy"]["value"], 3)
0.667
"""

from __future__ import annotations

from newsml.evaluate.bootstrap import (
    CI,
    PairedResult,
    bootstrap_ci,
    bootstrap_weights,
    paired_bootstrap,
    permutation_test,
)
from newsml.evaluate.classification import (
    classification_report,
    compare_classifiers,
    expected_calibration_error,
)
from newsml.evaluate.splits import cross_validate, cv_folds, iterative_stratified_folds
from newsml.evaluate.summarization import (
    compare_summarizers,
    length_stats,
    novel_ngram_ratio,
    rouge_scores,
    summarization_report,
)

__all__ = [
    "CI",
    "PairedResult",
    "bootstrap_ci",
    "bootstrap_weights",
    "classification_report",
    "compare_classifiers",
    "compare_summarizers",
    "cross_validate",
    "cv_folds",
    "expected_calibration_error",
    "iterative_stratified_folds",
    "length_stats",
    "novel_ngram_ratio",
    "paired_bootstrap",
    "permutation_test",
    "rouge_scores",
    "summarization_report",
]
