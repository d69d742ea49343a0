"""Shared behaviour of the classifiers that work out of the box from a topic taxonomy.

Such a classifier predicts without ``fit``: until it is fitted (or loaded), its learned attributes
(``classes_``, ``thresholds_``, ...) are *read* from a default state built once per parameter set on a
fresh copy (:meth:`TaxonomyBased._default_state`). Reading them never sets anything on the object,
so ``predict`` does not change state and ``fit`` simply shadows the defaults.

Examples
--------
>>> from newsml.classify.keyword import KeywordClassifier
>>> issubclass(KeywordClassifier, TaxonomyBased)
True
>>> clf = KeywordClassifier()
>>> "diplomatic_rupture" in clf.classes_, "classes_" in vars(clf)
(True, False)
"""

from __future__ import annotations

import json
from typing import Any

from newsml.taxonomy import load_taxonomy
from newsml.taxonomy.loader import Taxonomy

_DEFAULTS: dict[tuple, dict[str, Any]] = {}
_BUILDING = "_building_default_state"
_PARAM_NAMES: dict[type, tuple[str, ...]] = {}


class TaxonomyBased:
    """Mixin: the taxonomy named by ``self.taxonomy``; usable without fit (see module docs)."""

    taxonomy: str

    def __sklearn_is_fitted__(self) -> bool:  # usable without fit
        return True

    def _default_state(self) -> None:
        """Set the learned attributes of an unfitted classifier on ``self`` (called on a fresh copy)."""
        self._init_from_taxonomy()

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: fitted/loaded attributes always win
        if name.endswith("_") and not name.startswith("_") and not self.__dict__.get(_BUILDING):
            defaults = _defaults_of(self)
            if name in defaults:
                return defaults[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _taxonomy(self) -> Taxonomy:
        tax = self.__dict__.get("taxonomy_")
        return tax if tax is not None else load_taxonomy(self.taxonomy)

    def _init_from_taxonomy(self) -> Taxonomy:
        """Set ``taxonomy_``, ``classes_`` and ``multi_label_`` from the taxonomy; return it."""
        import numpy as np

        tax = self._taxonomy()
        self.taxonomy_ = tax
        self.classes_ = np.array(tax.ids, dtype=object)
        self.multi_label_ = bool(self.multi_label)
        return tax


def _defaults_of(obj: TaxonomyBased) -> dict[str, Any]:
    """The default learned state for ``obj``'s class and parameters (built once, cached)."""
    # == obj.get_params(deep=False), without sklearn's inspect.signature call on every attribute read
    cls = type(obj)
    names = _PARAM_NAMES.get(cls)
    if names is None:
        names = _PARAM_NAMES[cls] = tuple(cls._get_param_names())
    params = {k: getattr(obj, k) for k in names}
    key = (cls, json.dumps(params, sort_keys=True, default=repr))
    if key not in _DEFAULTS:
        fresh = type(obj)(**params)
        fresh.__dict__[_BUILDING] = True
        fresh._default_state()
        if len(_DEFAULTS) > 32:
            _DEFAULTS.clear()
        _DEFAULTS[key] = {k: v for k, v in vars(fresh).items() if k.endswith("_") and not k.startswith("_")}
    return _DEFAULTS[key]
