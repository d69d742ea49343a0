"""Summarisers behind one interface (``summarize(texts, ...) -> list[Summary]``), built by name.

========== ===================================================================================
name       what it does
========== ===================================================================================
lead       first sentences after the dateline/byline (the classic news baseline)
textrank   PageRank over a word-overlap sentence graph
lexrank    PageRank over a TF-IDF cosine sentence graph
centroid   sentences closest to the article's embedding centroid (all-MiniLM-L6-v2)
mmr        maximal marginal relevance over sentence embeddings (relevance vs novelty)
supervised gradient-boosted salience model (CNN/DM highlights + BBC, train splits only); ships pre-trained
seq2seq    abstractive, any Hugging Face seq2seq checkpoint, with token-aware chunking
========== ===================================================================================

``DEFAULT_SUMMARIZER`` is the one the CLI uses without ``--method`` (chosen from the benchmark in
``experiments/results/summarize.md``).

Examples
--------
>>> import newsml
>>> "lead" in newsml.list_summarizers()
True
>>> s = newsml.get_summarizer("lead").summarize(["PARIS - Talks failed. Both sides left. Rain fell."],
...                                              max_sentences=1)[0]
>>> s.text, s.sentences
('Talks failed.', [0])
"""

from __future__ import annotations

from newsml.registry import summarizers

#: the summariser used when none is named (CLI and experiment configs)
DEFAULT_SUMMARIZER = "supervised"


def get_summarizer(name: str | None = None, **params):
    """Build the summariser registered as ``name`` (None: :data:`DEFAULT_SUMMARIZER`) with ``params``."""
    return summarizers.build(name or DEFAULT_SUMMARIZER, **params)


def list_summarizers() -> list[str]:
    """Names of all registered summarisers whose module exists (built-ins and plug-ins)."""
    import importlib.util

    out = []
    for n in summarizers.names():
        t = summarizers._items.get(n)
        if not isinstance(t, str) or importlib.util.find_spec(t.partition(":")[0]) is not None:
            out.append(n)
    return out


def load_summarizer(path, **overrides):
    """Load a summariser saved with ``.save(dir)`` (see :func:`newsml.summarize.base.load_summarizer`)."""
    from newsml.summarize.base import load_summarizer as _load

    return _load(path, **overrides)


__all__ = ["DEFAULT_SUMMARIZER", "get_summarizer", "list_summarizers", "load_summarizer", "summarizers"]
