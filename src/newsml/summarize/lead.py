"""The lead baseline: the first sentences of the article body, after the dateline and byline.

Lead-3 is the classic news baseline: reporters put the most important facts first (the "inverted
pyramid"), so the opening sentences are hard to beat on news.

Examples
--------
>>> from newsml.summarize.lead import LeadSummarizer
>>> text = "BAMAKO, Mali (AP) — Mali cut ties with Ukraine. The army lost dozens. Senegal protested."
>>> LeadSummarizer().summarize([text], max_sentences=1)[0].text
'Mali cut ties with Ukraine.'
"""

from __future__ import annotations

import numpy as np

from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.summarize.base import BaseSummarizer, _Doc


class LeadSummarizer(BaseSummarizer):
    """Take the first ``k`` body sentences (k = ``max_sentences``, default ``default_sentences``).

    Parameters
    ----------
    default_sentences:
        Sentences returned when no length limit is given.
    dedup_threshold:
        Word-Jaccard similarity at which a sentence counts as a near-duplicate of an earlier one.
    focus_weight:
        Weight of focus relevance against position when ``focus`` is given (0..1).
    focus_encoder:
        Sentence encoder for focus relevance (None: the embedded all-MiniLM-L6-v2).
    batch_size:
        Documents prepared per batch.
    progress:
        Show a progress bar (None: only for long batches on a terminal).
    splitter:
        ``"newsml"`` (:func:`newsml.data.split_sentences`, careful) or ``"fast"`` (a regex splitter,
        for throughput on raw text).
    max_input_chars, max_input_sentences:
        Per-document cost caps: at most this many characters are split and this many sentences
        scored (the first ones; None: no cap). A cut is reported in ``Summary.truncated``.

    Only the top of the article is split (``max_sentences`` + 2 sentences when no ``ratio`` or
    ``max_words`` is given), so ``Summary.scores`` covers the sentences read, not the whole article.

    Examples
    --------
    >>> LeadSummarizer(default_sentences=2).summarize(["One fact. Two facts. Three facts."])[0].sentences
    [0, 1]
    """

    name = "lead"

    def __init__(self, default_sentences: int = 3, dedup_threshold: float = 0.7, focus_weight: float = 0.7,
                 focus_encoder: str | None = None, batch_size: int = 64, progress: bool | None = None,
                 splitter: str = "newsml", max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self.default_sentences = default_sentences
        self.dedup_threshold = dedup_threshold
        self.focus_weight = focus_weight
        self.focus_encoder = focus_encoder
        self.batch_size = batch_size
        self.progress = progress
        self.splitter = splitter
        self.max_input_chars = max_input_chars
        self.max_input_sentences = max_input_sentences

    def _sentences_needed(self, max_sentences, max_words, ratio):
        # the lead only reads the top of the article: split no further than needed (two spare sentences
        # stand in for near-duplicates skipped by the dedup step)
        if ratio is not None or max_words is not None:
            return None
        k = self.default_sentences if max_sentences is None else max_sentences
        return int(k) + 2

    def _score_docs(self, docs: list[_Doc]) -> list[np.ndarray]:
        return [1.0 / (1.0 + np.arange(len(d.sentences), dtype=np.float64)) for d in docs]
