"""Focused summaries: prefer the sentences about given topics or queries.

``focus`` is a list of topic labels (ids of the ``news_events`` taxonomy, whose name, definition and
exemplars become the queries) or free-text queries. A sentence's relevance is its best cosine
similarity to the queries (sentence embeddings); it is min-max scaled and blended with the method's
own, equally scaled, scores with weight ``focus_weight``.

Examples
--------
>>> focus_queries("elections, flood_relief")
['elections', 'flood relief']
>>> minmax(np.array([2.0, 4.0, 3.0])).tolist()
[0.0, 1.0, 0.5]
>>> check_focus_labels(["election", "peace talks"], "--focus")  # a known label and a free-text query
>>> check_focus_labels(["elektion"], "--focus")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
newsml.errors.InputError: --focus: unknown topic label 'elektion' (did you mean 'election'?); known labels: ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def minmax(x: np.ndarray) -> np.ndarray:
    """``x`` scaled to [0, 1] (all zeros when it is constant)."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return np.zeros_like(x) if hi - lo < 1e-12 else (x - lo) / (hi - lo)


def _taxonomy():
    try:
        from newsml.taxonomy import load_taxonomy

        return load_taxonomy("news_events")
    except Exception:  # noqa: BLE001 - taxonomy missing: labels are used as plain queries
        return None


def check_focus_labels(focus: Sequence[str], option: str = "focus") -> None:
    """Raise :class:`~newsml.errors.InputError` for an item written as a label (no spaces) that is not a topic id.

    Items with a space are free-text queries and always pass; so does everything when the taxonomy is missing.
    """
    tax = _taxonomy()
    if tax is None:
        return
    from newsml.clitools import did_you_mean
    from newsml.errors import InputError

    ids = list(tax.ids)
    for item in focus:
        if item.split() == [item] and item not in ids:
            raise InputError(f"{option}: unknown topic label {item!r}{did_you_mean(item, ids)}; known labels: "
                             f"{', '.join(ids)} (a query with spaces is used as free text)")


def focus_queries(focus: Sequence[str] | str | None) -> list[str]:
    """Turn focus labels/queries into query texts (taxonomy definition + exemplars for known ids)."""
    if focus is None:
        return []
    if isinstance(focus, str):
        focus = [f for f in focus.split(",")] if "," in focus else [focus]
    items = [str(f).strip() for f in focus if str(f).strip()]
    if not items:
        return []
    tax = _taxonomy()
    queries: list[str] = []
    for item in items:
        topic = None
        if tax is not None:
            try:
                topic = tax[item] if item in tax.ids else None
            except Exception:  # noqa: BLE001
                topic = None
        if topic is not None:
            queries.append(f"{topic.name}. {topic.definition}")
            queries.extend(list(topic.exemplars)[:8])
        else:
            queries.append(item.replace("_", " "))
    return queries


def apply_focus(docs: Sequence[Any], scores: Sequence[np.ndarray], queries: list[str], weight: float,
                encoder: str | None, how: dict[str, Any], own: bool) -> list[np.ndarray]:
    """Blend each document's sentence ``scores`` with its relevance to ``queries``.

    ``encoder``/``how`` name the sentence encoder and its ``encode`` options; ``own`` says it is the
    summariser's own encoder, so sentence embeddings it cached (``doc.cache["emb"]``) are reused.
    """
    from newsml.encoders import encode

    Q = encode(queries, encoder, **how)
    out = []
    for doc, sc in zip(docs, scores):
        if not doc.sentences:
            out.append(sc)
            continue
        E = doc.cache.get("emb") if own else None
        if E is None:
            E = encode(doc.sentences, encoder, **how)
        rel = (E @ Q.T).max(axis=1)
        out.append((1 - weight) * minmax(np.asarray(sc, dtype=np.float64)) + weight * minmax(rel))
    return out
