"""Topic classifiers behind one scikit-learn-style interface, built by name from a registry.

Built-ins are registered as import strings so that ``list_classifiers()`` imports nothing heavy.

Examples
--------
>>> import newsml
>>> "tfidf" in newsml.list_classifiers()
True
"""

from __future__ import annotations

from newsml.registry import classifiers

# name -> "module:Class"; the classes import torch/transformers only when built
_BUILTINS = {
    "keyword": "newsml.classify.keyword:KeywordClassifier",
    "tfidf": "newsml.classify.tfidf:TfidfClassifier",
    "embedding": "newsml.classify.embedding:EmbeddingClassifier",
    "zero-shot": "newsml.classify.zeroshot:ZeroShotClassifier",
    "tagger": "newsml.classify.tagger:NewsEventTagger",
    "nli": "newsml.classify.nli:NLIZeroShotClassifier",
    "transformer": "newsml.classify.transformer:TransformerClassifier",
    "setfit": "newsml.classify.setfit:SetFitClassifier",
}
#: the library's default tagger (``name: default`` in configs, ``newsml classify`` without ``--model``)
DEFAULT_CLASSIFIER = "tagger"

_ALIASES = {"zero-shot": ("zeroshot", "zero_shot"), "nli": ("zero-shot-nli", "nli-zero-shot")}

for _name, _target in _BUILTINS.items():
    classifiers.register(_name, _target, aliases=_ALIASES.get(_name, ()))


def get_classifier(name: str, **params):
    """Build the classifier registered as ``name`` with keyword ``params``."""
    return classifiers.build(name, **params)


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
