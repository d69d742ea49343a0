"""One evaluation harness: metrics, bootstrap confidence intervals, paired comparisons, reports."""

from __future__ import annotations

from newsml.evaluate.bootstrap import bootstrap_ci, paired_bootstrap

__all__ = ["bootstrap_ci", "paired_bootstrap"]
