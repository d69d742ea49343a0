"""Both tasks' metrics in one namespace (kept for imports written before the split).

The code lives in :mod:`newsml.evaluate.classification` and :mod:`newsml.evaluate.summarization`;
``newsml.evaluate`` exports the public names of both.

Examples
--------
>>> from newsml.evaluate.metrics import classification_report, summarization_report
>>> classification_report.__module__, summarization_report.__module__
('newsml.evaluate.classification', 'newsml.evaluate.summarization')
"""

from __future__ import annotations

from newsml.evaluate.classification import (  # noqa: F401 - re-exported
    ECE_BINS,
    _weighted_ranking,
    classification_report,
    compare_classifiers,
    expected_calibration_error,
)
from newsml.evaluate.summarization import (  # noqa: F401 - re-exported
    ROUGE_TYPES,
    compare_summarizers,
    length_stats,
    novel_ngram_ratio,
    rouge_scores,
    summarization_report,
)
