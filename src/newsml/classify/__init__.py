"""Topic classifiers behind one scikit-learn-style interface, built by name from a registry.

Built-ins are registered in :mod:`newsml.registry` as import strings, so that ``list_classifiers()``
imports nothing heavy. ``DEFAULT_CLASSIFIER`` is the one used when none is named (the CLI without
``--model``, ``name: default`` in experiment configs).

Examples
--------
>>> import newsml
>>> "tfidf" in newsml.list_classifiers()
True
>>> from newsml.classify import DEFAULT_CLASSIFIER
>>> DEFAULT_CLASSIFIER
'tagger'
"""

from __future__ import annotations

from newsml.registry import classifiers

#: the classifier used when none is named (CLI and experiment configs): the stacked news_events tagger,
#: usable without training data (shipped weights)
DEFAULT_CLASSIFIER = "tagger"


def get_classifier(name: str | None = None, **params):
    """Build the classifier registered as ``name`` (None: :data:`DEFAULT_CLASSIFIER`) with ``params``."""
    return classifiers.build(name or DEFAULT_CLASSIFIER, **params)


def list_classifiers() -> list[str]:
    """Names of all registered classifiers (built-ins and plug-ins)."""
    return [n for n in classifiers.names() if _available(n)]


def _available(name: str) -> bool:
    target = classifiers._items.get(name)
    if not isinstance(target, str):
        return True
    import importlib.util

    return importlib.util.find_spec(target.partition(":")[0]) is not None


def load_classifier(path):
    """Load a classifier saved with ``save(dir)``."""
    from newsml.classify.base import load_classifier as _load

    return _load(path)


__all__ = ["DEFAULT_CLASSIFIER", "classifiers", "get_classifier", "list_classifiers", "load_classifier"]
