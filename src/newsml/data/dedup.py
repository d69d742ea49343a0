"""Exact and near-duplicate detection (datasketch MinHash LSH on word shingles).

Exact duplicates share the SHA-1 of their lower-cased, whitespace-collapsed text. Near duplicates have
an estimated Jaccard similarity of word 3-shingles of at least ``threshold`` (default 0.8), found with
MinHash LSH (128 permutations, candidate threshold 0.15 lower for recall) and confirmed with the
MinHash estimate. Groups are the connected
components of both relations; the first document of a group (input order) is its representative.

Examples
--------
>>> finder = DuplicateFinder()
>>> story = ("Rebels took the northern town of Kidal on Monday after two days of heavy fighting with army "
...          "troops and allied militias, forcing thousands of residents to flee towards the Algerian border")
>>> for i, t in enumerate([story + ", officials said.", story + ", residents said.", "Parliament passed the budget."]):
...     finder.add(str(i), t)
>>> [g["ids"] for g in finder.groups()]
[['0', '1']]
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

__all__ = ["DuplicateFinder"]

_WORD = re.compile(r"\w+")


class DuplicateFinder:
    """Incremental duplicate finder; memory is one small signature per document.

    Parameters
    ----------
    threshold : float, default 0.8
        Jaccard similarity (word ``shingle``-grams) above which two documents are near duplicates.
    num_perm : int, default 128
        MinHash permutations (the estimate's standard error is about 0.03 at 128).
    shingle : int, default 3
        Words per shingle (shorter texts use the whole text as one shingle).
    near : bool, default True
        Also look for near duplicates (exact ones are always found).
    seed : int, default 1
        MinHash seed.

    Examples
    --------
    >>> f = DuplicateFinder(near=False)
    >>> f.add("a", "Same text.")
    >>> f.add("b", "same   TEXT.")
    >>> f.groups()[0]["kind"]
    'exact'
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, shingle: int = 3, near: bool = True,
                 seed: int = 1):
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.near = near
        self.seed = seed
        self._ids: list[str] = []
        self._parent: list[int] = []
        self._kind: dict[int, str] = {}
        self._exact: dict[bytes, int] = {}
        self._lsh = None
        self._sigs: list[Any] = []
        self._perms = None
        self._scheme = None

    def _find(self, i: int) -> int:
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def _union(self, a: int, b: int, kind: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        lo, hi = min(ra, rb), max(ra, rb)
        self._parent[hi] = lo
        kinds = {self._kind.get(ra), self._kind.get(rb), kind} - {None}
        self._kind[lo] = "near" if "near" in kinds else "exact"

    def add(self, doc_id: str, text: str) -> None:
        """Add one document (call in input order)."""
        idx = len(self._ids)
        self._ids.append(str(doc_id))
        self._parent.append(idx)
        words = _WORD.findall(text.lower())
        key = hashlib.sha1(" ".join(words).encode("utf-8")).digest()
        if key in self._exact:
            self._union(self._exact[key], idx, "exact")
            self._sigs.append(None)
            return
        self._exact[key] = idx
        if not self.near or not words:
            self._sigs.append(None)
            return
        from datasketch import LeanMinHash, MinHash, MinHashLSH

        if self._lsh is None:
            self._lsh = MinHashLSH(threshold=max(0.05, self.threshold - 0.15), num_perm=self.num_perm)
            proto = MinHash(num_perm=self.num_perm, seed=self.seed)
            self._perms, self._scheme = proto.permutations, proto.scheme
        k = self.shingle
        shingles = {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}
        mh = MinHash(num_perm=self.num_perm, seed=self.seed, permutations=self._perms, scheme=self._scheme)
        mh.update_batch([s.encode("utf-8") for s in shingles])
        lean = LeanMinHash(mh)
        for other in self._lsh.query(lean):
            if lean.jaccard(self._sigs[other]) >= self.threshold:
                self._union(other, idx, "near")
        self._lsh.insert(idx, lean)
        self._sigs.append(lean)

    def group_ids(self) -> np.ndarray:
        """Group number of every document (its representative's index)."""
        return np.array([self._find(i) for i in range(len(self._ids))], dtype=np.int64)

    def groups(self) -> list[dict[str, Any]]:
        """Groups with more than one member: ``{"kind": "exact"|"near", "ids": [...], "indices": [...]}``."""
        members: dict[int, list[int]] = {}
        for i in range(len(self._ids)):
            members.setdefault(self._find(i), []).append(i)
        out = []
        for root, idx in sorted(members.items()):
            if len(idx) > 1:
                out.append({"kind": self._kind.get(root, "exact"), "ids": [self._ids[i] for i in idx],
                            "indices": idx})
        return out
