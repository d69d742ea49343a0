"""Summarisers behind one interface (``summarize(texts, ...) -> list[Summary]``), built by name.

Examples
--------
>>> import newsml
>>> "lead" in newsml.list_summarizers()
True
"""

from __future__ import annotations

from newsml.registry import summarizers

_BUILTINS = {
    "lead": "newsml.summarize.lead:LeadSummarizer",
    "textrank": "newsml.summarize.graph:TextRankSummarizer",
    "lexrank": "newsml.summarize.graph:LexRankSummarizer",
    "centroid": "newsml.summarize.embedding:CentroidSummarizer",
    "mmr": "newsml.summarize.embedding:MMRSummarizer",
    "supervised": "newsml.summarize.supervised:SupervisedSummarizer",
    "seq2seq": "newsml.summarize.seq2seq:Seq2SeqSummarizer",
}

for _name, _target in _BUILTINS.items():
    summarizers.register(_name, _target)


def get_summarizer(name: str, **params):
    """Build the summariser registered as ``name`` with keyword ``params``."""
    return summarizers.build(name, **params)


def list_summarizers() -> list[str]:
    """Names of all registered summarisers whose module exists (built-ins and plug-ins)."""
    import importlib.util

    out = []
    for n in summarizers.names():
        t = summarizers._items.get(n)
        if not isinstance(t, str) or importlib.util.find_spec(t.partition(":")[0]) is not None:
            out.append(n)
    return out
