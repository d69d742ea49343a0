"""Name -> component registries, built-ins registered here (lazily), plug-ins through entry points.

Built-in components are registered in this module, as ``"module:Class"`` strings, so that a registry is
complete the moment it exists (not after some package happens to be imported) and looking a name up does
not import torch or transformers; the class is imported only when the component is built. Third-party
packages add components with an entry point in the ``newsml.classifiers`` or ``newsml.summarizers``
group::

    [project.entry-points."newsml.classifiers"]
    my_model = "my_package.module:MyClassifier"

Examples
--------
>>> from newsml.registry import Registry
>>> reg = Registry("demo", entry_point_group=None)
>>> reg.register("counter", "collections:Counter")
>>> reg.names()
['counter']
>>> reg.build("counter").__class__.__name__
'Counter'
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from newsml.errors import ConfigError, RegistryError


class Registry:
    """A registry of named component factories.

    Parameters
    ----------
    kind:
        What the registry holds (``"classifier"``), used in error messages.
    entry_point_group:
        The ``importlib.metadata`` entry-point group scanned for plug-ins, or None.
    """

    def __init__(self, kind: str, entry_point_group: str | None) -> None:
        self.kind = kind
        self.entry_point_group = entry_point_group
        self._items: dict[str, str | type | Callable[..., Any]] = {}
        self._aliases: dict[str, str] = {}
        self._plugins_loaded = False

    def register(self, name: str, target: str | type | Callable[..., Any] | None = None, *,
                 aliases: tuple[str, ...] = ()):
        """Register ``target`` under ``name``; usable as a decorator when ``target`` is None."""

        def _do(obj):
            self._items[name] = obj
            for alias in aliases:
                self._aliases[alias] = name
            return obj

        if target is None:
            return _do
        _do(target)
        return None

    def _load_plugins(self) -> None:
        if self._plugins_loaded or self.entry_point_group is None:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=self.entry_point_group):
            if ep.name not in self._items:
                self._items[ep.name] = ep.value

    def names(self) -> list[str]:
        """Sorted names of every registered component (built-ins and plug-ins)."""
        self._load_plugins()
        return sorted(self._items)

    def canonical(self, name: str) -> str:
        self._load_plugins()
        key = name.strip().lower().replace("_", "-") if name not in self._items else name
        key = self._aliases.get(key, key)
        if key not in self._items:
            # accept both "zero-shot" and "zero_shot"
            alt = {n.replace("_", "-"): n for n in self._items}
            key = alt.get(key, key)
        if key not in self._items:
            raise RegistryError(
                f"unknown {self.kind} {name!r}; allowed: {', '.join(self.names())}"
            )
        return key

    def get_class(self, name: str):
        """Return the class (or factory) registered under ``name``, importing it if needed."""
        key = self.canonical(name)
        target = self._items[key]
        if isinstance(target, str):
            module_name, _, attr = target.partition(":")
            module = importlib.import_module(module_name)
            target = getattr(module, attr)
            self._items[key] = target
        return target

    def build(self, name: str, **params: Any):
        """Build the component ``name`` with keyword ``params``; unknown params name the key."""
        cls = self.get_class(name)
        check_params(cls, params, where=f"{self.kind} {name!r}")
        return cls(**params)


def check_params(cls: Any, params: dict[str, Any], where: str) -> None:
    """Raise :class:`ConfigError` naming any key that ``cls.__init__`` does not accept."""
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return
    if any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
        return
    allowed = [n for n, p in sig.parameters.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    for key in params:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown parameter {key!r}; allowed: {', '.join(allowed)}")


#: built-in classifiers: name -> ``"module:Class"`` (the class, with torch or transformers, is imported
#: only when built), and the other names each answers to
BUILTIN_CLASSIFIERS: dict[str, str] = {
    "keyword": "newsml.classify.keyword:KeywordClassifier",
    "tfidf": "newsml.classify.tfidf:TfidfClassifier",
    "embedding": "newsml.classify.embedding:EmbeddingClassifier",
    "zero-shot": "newsml.classify.zeroshot:ZeroShotClassifier",
    "tagger": "newsml.classify.tagger:NewsEventTagger",
    "nli": "newsml.classify.nli:NLIZeroShotClassifier",
    "transformer": "newsml.classify.transformer:TransformerClassifier",
    "setfit": "newsml.classify.setfit:SetFitClassifier",
}
CLASSIFIER_ALIASES: dict[str, tuple[str, ...]] = {
    "zero-shot": ("zeroshot", "zero_shot"),
    "nli": ("zero-shot-nli", "nli-zero-shot"),
}
#: built-in summarisers: name -> ``"module:Class"``
BUILTIN_SUMMARIZERS: dict[str, str] = {
    "lead": "newsml.summarize.lead:LeadSummarizer",
    "textrank": "newsml.summarize.graph:TextRankSummarizer",
    "lexrank": "newsml.summarize.graph:LexRankSummarizer",
    "centroid": "newsml.summarize.embedding:CentroidSummarizer",
    "mmr": "newsml.summarize.embedding:MMRSummarizer",
    "supervised": "newsml.summarize.supervised:SupervisedSummarizer",
    "seq2seq": "newsml.summarize.seq2seq:Seq2SeqSummarizer",
}

classifiers = Registry("classifier", "newsml.classifiers")
summarizers = Registry("summarizer", "newsml.summarizers")
for _name, _target in BUILTIN_CLASSIFIERS.items():
    classifiers.register(_name, _target, aliases=CLASSIFIER_ALIASES.get(_name, ()))
for _name, _target in BUILTIN_SUMMARIZERS.items():
    summarizers.register(_name, _target)
del _name, _target
