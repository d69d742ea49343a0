"""The one process-wide sentence-vector cache shared by the embedding-based classifiers.

``embedding``, ``setfit``, ``zero-shot`` and ``tagger`` all read sentence vectors through
:data:`CACHE`, so ``explain`` after ``predict`` (or a second classifier on the same texts) encodes
nothing twice. Benchmarks may persist it with :meth:`SentenceVectorCache.save_npz`.

Examples
--------
>>> cache = SentenceVectorCache(max_items=10)
>>> len(cache)
0
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np


def cache_key(encoder: str | None, backend: str = "torch", quantize: bool = False) -> str:
    """Cache key of an encoder set-up: torch vectors keep the plain name (``"None"`` = default encoder).

    >>> cache_key(None), cache_key(None, "auto", True)
    ('None', 'None|auto-int8')
    """
    if backend == "torch":
        return str(encoder)
    return f"{encoder}|{backend}{'-int8' if quantize else ''}"


class SentenceVectorCache:
    """A bounded in-memory map ``(encoder, sentence) -> vector``; encodes only what is missing.

    Parameters
    ----------
    max_items : int
        Least recently used vectors are dropped beyond this many.
    """

    def __init__(self, max_items: int = 200_000) -> None:
        self.max_items = max_items
        self._data: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def get_many(self, sentences: list[str], encoder: str | None, batch_size: int | None = 64,
                 backend: str = "torch", quantize: bool = False) -> np.ndarray | None:
        """Vectors of ``sentences`` (rows in input order); None for an empty list.

        ``backend``/``quantize`` are passed to :func:`newsml.encoders.encode`; vectors of different
        backends are kept apart (see :func:`cache_key`).
        """
        from newsml.encoders import encode

        key = cache_key(encoder, backend, quantize)
        missing = list(dict.fromkeys(s for s in sentences if (key, s) not in self._data))
        if missing:
            vecs = encode(missing, encoder, batch_size=batch_size, backend=backend, quantize=quantize)
            for s, v in zip(missing, vecs):
                self._data[(key, s)] = v
        out = np.stack([self._data[(key, s)] for s in sentences]) if sentences else None
        for s in dict.fromkeys(sentences):
            self._data.move_to_end((key, s))
        while len(self._data) > self.max_items:
            self._data.popitem(last=False)
        return out

    def save_npz(self, path: str | Path, encoder: str | None = None, backend: str = "torch",
                 quantize: bool = False) -> None:
        """Write the vectors of ``encoder`` to ``path`` (sentences + vectors, no pickle)."""
        key = cache_key(encoder, backend, quantize)
        items = [(s, v) for (e, s), v in self._data.items() if e == key]
        if not items:
            return
        np.savez(path, sentences=np.array([s for s, _ in items], dtype=object).astype(str),
                 vectors=np.stack([v for _, v in items]))

    def load_npz(self, path: str | Path, encoder: str | None = None, backend: str = "torch",
                 quantize: bool = False) -> int:
        """Add the vectors saved by :meth:`save_npz`; returns how many were read (0: no file)."""
        path = Path(path)
        if not path.exists():
            return 0
        data = np.load(path, allow_pickle=False)
        key = cache_key(encoder, backend, quantize)
        for s, v in zip(data["sentences"].tolist(), data["vectors"]):
            self._data[(key, s)] = v
        return len(data["sentences"])


#: process-wide sentence-vector cache shared by embedding-based classifiers
CACHE = SentenceVectorCache()
