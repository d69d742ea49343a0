"""newsml: turn piles of news articles into labelled, summarised, evaluated data.

``import newsml`` is light: torch and transformers load only when a component that needs them is
built.

Examples
--------
>>> import newsml
>>> sorted(newsml.list_summarizers())[:2]
['centroid', 'lead']
"""

from __future__ import annotations

from newsml._version import __version__
from newsml.classify import DEFAULT_CLASSIFIER, get_classifier, list_classifiers, load_classifier
from newsml.errors import ConfigError, InputError, NewsmlError
from newsml.summarize import (
    DEFAULT_SUMMARIZER,
    get_summarizer,
    list_summarizers,
    load_summarizer,
)


def __getattr__(name: str):
    # ``newsml.annotate`` (the corpus job) loads on first use, keeping ``import newsml`` light
    if name == "annotate":
        from newsml.corpus import annotate

        return annotate
    raise AttributeError(f"module 'newsml' has no attribute {name!r}")


__all__ = [
    "__version__",
    "annotate",
    "ConfigError",
    "InputError",
    "NewsmlError",
    "get_classifier",
    "get_summarizer",
    "list_classifiers",
    "list_summarizers",
    "load_classifier",
    "load_summarizer",
    "DEFAULT_CLASSIFIER",
    "DEFAULT_SUMMARIZER",
]
