"""Corpus scale: ``newsml annotate`` tags and summarises millions of articles into Parquet parts.

* :func:`annotate` (also ``newsml.annotate``): the job, with a local streaming engine (default) and a
  Ray Data engine (``engine="ray"``, ``pip install "newsml[ray]"``).
* :class:`NewsmlPredictor`: the engine-agnostic callable both engines run (models load once per worker).

Nothing here imports Ray unless ``engine="ray"`` is asked for.

Examples
--------
>>> from newsml.corpus import NewsmlPredictor
>>> p = NewsmlPredictor(classifier="keyword", summarizer="none")
>>> p({"id": ["a"], "text": ["Mali severed diplomatic relations with Ukraine."]}).column("labels").to_pylist()
[['diplomatic_rupture']]
"""

from __future__ import annotations

from newsml.corpus.job import AnnotateResult, annotate
from newsml.corpus.predictor import OUTPUT_COLUMNS, NewsmlPredictor
from newsml.corpus.store import part_paths, read_output

__all__ = ["annotate", "AnnotateResult", "NewsmlPredictor", "OUTPUT_COLUMNS", "read_output", "part_paths"]
