"""Exact and near-duplicate detection (datasketch MinHash LSH on word shingles).

Exact duplicates share the SHA-1 of their lower-cased, whitespace-collapsed text. Near duplicates have
an estimated Jaccard similarity of word 3-shingles of at least ``threshold`` (default 0.8), found with
MinHash LSH (128 permutations, candidate threshold 0.15 lower for recall) and confirmed with the
MinHash estimate. Groups are the connected
components of both relations; the first document of a group (input order) is its representative.

Memory: while documents are added only a compact record is kept per document, about 0.6 KB plus its id:
the 128 MinHash values as ``uint32`` (512 bytes) in preallocated numpy blocks and 8 bytes of the exact-text
hash. The LSH bands are built once, with numpy sorts, when the groups are asked for. (The datasketch LSH
index used before held about 7 KB per document.) Grouping adds 128 bytes per document for the band hashes.

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


def _band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) as datasketch's ``MinHashLSH`` picks them for ``threshold``."""
    try:
        from datasketch.lsh import _optimal_param

        return tuple(int(x) for x in _optimal_param(threshold, num_perm, 0.5, 0.5))  # type: ignore[return-value]
    except ImportError:  # pragma: no cover - older/newer datasketch layout
        r = 8 if num_perm >= 64 else 4
        return num_perm // r, r


class _Blocks:
    """A growable 2-D numpy array kept in fixed-size blocks (no copy on growth, no Python object per row)."""

    def __init__(self, width: int, dtype, block: int = 8192) -> None:
        self.width, self.dtype, self.block = width, dtype, block
        self.blocks: list[np.ndarray] = []
        self.n = 0

    def append(self, row) -> None:
        if self.n % self.block == 0:
            self.blocks.append(np.zeros((self.block, self.width), dtype=self.dtype))
        self.blocks[-1][self.n % self.block] = row
        self.n += 1

    def rows(self, index: np.ndarray) -> np.ndarray:
        """The rows at ``index`` (a copy of just those rows)."""
        index = np.asarray(index, dtype=np.int64)
        out = np.empty((len(index), self.width), dtype=self.dtype)
        for k in np.unique(index // self.block):
            sel = index // self.block == k
            out[sel] = self.blocks[int(k)][index[sel] - k * self.block]
        return out

    def array(self) -> np.ndarray:
        if not self.blocks:
            return np.zeros((0, self.width), dtype=self.dtype)
        return np.concatenate(self.blocks)[: self.n]


class DuplicateFinder:
    """Incremental duplicate finder; memory is one small signature per document (about 0.6 KB).

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
        self._exact = _Blocks(1, np.uint64)
        self._sigs = _Blocks(num_perm, np.uint32)
        self._has_sig = _Blocks(1, np.bool_)
        self._perms = None
        self._scheme = None
        self._result: tuple[np.ndarray, dict[int, str]] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, doc_id: str, text: str) -> None:
        """Add one document (call in input order)."""
        self._result = None
        self._ids.append(str(doc_id))
        words = _WORD.findall(text.lower())
        key = hashlib.sha1(" ".join(words).encode("utf-8")).digest()
        self._exact.append(int.from_bytes(key[:8], "little"))
        if not self.near or not words:
            self._sigs.append(0)
            self._has_sig.append(False)
            return
        from datasketch import MinHash

        if self._perms is None:
            proto = MinHash(num_perm=self.num_perm, seed=self.seed)
            self._perms, self._scheme = proto.permutations, proto.scheme
        k = self.shingle
        shingles = {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}
        mh = MinHash(num_perm=self.num_perm, seed=self.seed, permutations=self._perms, scheme=self._scheme)
        mh.update_batch([s.encode("utf-8") for s in shingles])
        self._sigs.append(mh.hashvalues.astype(np.uint32))
        self._has_sig.append(True)

    # ----------------------------------------------------------------------------- grouping
    def _compute(self) -> tuple[np.ndarray, dict[int, str]]:
        if self._result is not None:
            return self._result
        n = len(self._ids)
        parent = np.arange(n, dtype=np.int64)
        kind: dict[int, str] = {}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = int(parent[i])
            return i

        def union(a: int, b: int, how: str) -> None:
            ra, rb = find(a), find(b)
            if ra == rb:
                return
            lo, hi = min(ra, rb), max(ra, rb)
            parent[hi] = lo
            kinds = {kind.pop(ra, None), kind.pop(rb, None), how} - {None}
            kind[lo] = "near" if "near" in kinds else "exact"

        exact = self._exact.array()[:, 0]
        first = np.ones(n, dtype=bool)  # first document (input order) of its exact-text key
        for run in _equal_runs(exact):
            first[run[1:]] = False
            for j in run[1:]:
                union(int(run[0]), int(j), "exact")
        if self.near and n:
            self._near(first, find, union)
        roots = parent.copy()
        while True:  # full path compression, vectorised
            nxt = roots[roots]
            if np.array_equal(nxt, roots):
                break
            roots = nxt
        self._result = (roots, {int(r): k for r, k in kind.items()})
        return self._result

    def _near(self, first: np.ndarray, find, union) -> None:
        """Candidate pairs share an LSH band; a pair is joined when its MinHash Jaccard reaches the threshold.

        Band hashes are computed block by block (no copy of the signatures is made), so the peak adds only
        ``bands * 8`` bytes per document to what :meth:`add` keeps.
        """
        rows = np.flatnonzero(first & self._has_sig.array()[:, 0])
        if len(rows) < 2:
            return
        b, r = _band_params(max(0.05, self.threshold - 0.15), self.num_perm)
        hashes = np.empty((len(rows), b), dtype=np.uint64)
        size = self._sigs.block
        pos = 0
        for k, block in enumerate(self._sigs.blocks):
            local = rows[(rows >= k * size) & (rows < (k + 1) * size)] - k * size
            sub = block[local]
            for band in range(b):
                h = np.zeros(len(local), dtype=np.uint64)
                for j in range(band * r, (band + 1) * r):  # FNV-style mix of the band's values (wraps mod 2**64)
                    h = (h * np.uint64(1099511628211)) ^ sub[:, j].astype(np.uint64)
                hashes[pos:pos + len(local), band] = h
            pos += len(local)
        for band in range(b):
            for run in _equal_runs(hashes[:, band]):
                members = rows[run]
                sigs = self._sigs.rows(members)
                for k in range(len(members) - 1):
                    sim = (sigs[k + 1:] == sigs[k]).mean(axis=1)
                    for other in members[k + 1:][sim >= self.threshold]:
                        union(int(members[k]), int(other), "near")

    def group_ids(self) -> np.ndarray:
        """Group number of every document (its representative's index)."""
        return self._compute()[0].copy()

    def groups(self) -> list[dict[str, Any]]:
        """Groups with more than one member: ``{"kind": "exact"|"near", "ids": [...], "indices": [...]}``."""
        roots, kind = self._compute()
        if len(roots) == 0:
            return []
        order = np.argsort(roots, kind="stable")
        out = []
        for run in _equal_runs(roots[order], presorted=True):
            idx = sorted(int(i) for i in order[run])
            out.append({"kind": kind.get(int(roots[idx[0]]), "exact"), "ids": [self._ids[i] for i in idx],
                        "indices": idx})
        out.sort(key=lambda g: g["indices"][0])
        return out


def _equal_runs(values: np.ndarray, presorted: bool = False) -> list[np.ndarray]:
    """Index arrays (ascending) of the positions sharing a value, for every value held more than once."""
    if len(values) < 2:
        return []
    order = np.arange(len(values)) if presorted else np.argsort(values, kind="stable")
    v = values[order]
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    ends = np.r_[starts[1:], len(v)]
    return [order[s:e] for s, e in zip(starts, ends) if e - s > 1]
