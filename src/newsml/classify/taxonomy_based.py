"""Shared behaviour of the classifiers that work out of the box from a topic taxonomy.

Examples
--------
>>> from newsml.classify.keyword import KeywordClassifier
>>> issubclass(KeywordClassifier, TaxonomyBased)
True
"""

from __future__ import annotations

from newsml.taxonomy import load_taxonomy
from newsml.taxonomy.loader import Taxonomy


class TaxonomyBased:
    """Mixin: the taxonomy named by ``self.taxonomy`` (cached in ``taxonomy_`` once used); no fit needed."""

    taxonomy: str

    def __sklearn_is_fitted__(self) -> bool:  # usable without fit
        return True

    def _taxonomy(self) -> Taxonomy:
        tax = getattr(self, "taxonomy_", None)
        return tax if tax is not None else load_taxonomy(self.taxonomy)

    def _init_from_taxonomy(self) -> Taxonomy:
        """Set ``taxonomy_``, ``classes_`` and ``multi_label_`` from the taxonomy; return it."""
        import numpy as np

        tax = self._taxonomy()
        self.taxonomy_ = tax
        self.classes_ = np.array(tax.ids, dtype=object)
        self.multi_label_ = bool(self.multi_label)
        return tax
