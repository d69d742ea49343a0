"""The summariser contract shared by every newsml summariser.

Every summariser answers ``summarize(texts, max_sentences=None, max_words=None, ratio=None,
focus=None) -> list[Summary]``. Extractive summarisers only have to score sentences
(:meth:`BaseSummarizer._score_docs`); this base class does the rest, the same way for all of them:

* **sentences**: raw text goes through :func:`newsml.data.article.split_document` (the data layer:
  news lead and page furniture removed, split paragraph by paragraph), so a summary never opens on a
  dangling dateline or byline. :meth:`BaseSummarizer.split` returns exactly the sentence
  list that ``Summary.sentences`` indexes. A :class:`newsml.data.Document` (or any object with
  ``text``/``title``/``sentences`` attributes, or a dict with those keys and optionally
  ``paragraph_first``) whose sentences are already split is used as is, which is the fast path for
  prepared datasets.
* **length budget**: ``max_sentences`` (default ``default_sentences``, 3), ``max_words`` (sentences are
  added best-first while they fit; if even the best one does not fit it is cut at a word boundary)
  and ``ratio`` (a share of the document's sentences). Limits combine: the strictest wins.
* **post-processing**: near-duplicate sentences (word Jaccard >= ``dedup_threshold``) are skipped and
  the chosen sentences are returned in document order.
* **focus**: a list of topic labels (ids of the ``news_events`` taxonomy, whose definition and
  exemplars are used) or free-text queries. Sentence relevance to the focus (cosine of sentence
  embeddings) is blended with the method's own scores with weight ``focus_weight``.
* **determinism**: no randomness at prediction time; ties go to the earlier sentence.
* **save/load**: :meth:`BaseSummarizer.save` writes ``newsml_summarizer.json`` (+ ``weights.safetensors``
  for learned arrays, never pickle); :func:`load_summarizer` rebuilds the class named in the file.

Examples
--------
>>> from newsml.summarize.lead import LeadSummarizer
>>> s = LeadSummarizer().summarize(["LONDON (Reuters) - Talks collapsed. Both sides blamed each other. "
...                                 "Markets fell."], max_sentences=2)[0]
>>> s.text
'Talks collapsed. Both sides blamed each other.'
>>> s.sentences
[0, 1]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

# split_document, strip_lead, fast_split_sentences, words, _Doc, CONFIG_FILE and WEIGHTS_FILE are
# re-exported for callers of the former all-in-one module (the logic lives in newsml.data and newsml.scripts)
from newsml.data.article import get_splitter, split_document  # noqa: F401
from newsml.data.lead import strip_lead  # noqa: F401
from newsml.data.sentences import fast_split_sentences  # noqa: F401
from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES, check_cap
from newsml.persistence import SUMMARIZER_CONFIG as CONFIG_FILE  # noqa: F401
from newsml.persistence import WEIGHTS_FILE  # noqa: F401
from newsml.scripts import words  # noqa: F401
from newsml.summarize._budget import _or, check_limits, select, sentence_limit
from newsml.summarize._prepare import _Doc, as_list, prepare_docs
from newsml.summarize.focus import apply_focus, focus_queries


@dataclass
class Summary:
    """One summary.

    Attributes
    ----------
    text:
        The summary text.
    sentences:
        Indices (into :meth:`BaseSummarizer.split` of the document) of the chosen sentences, in
        document order; empty for abstractive summarisers.
    scores:
        One score per document sentence (higher = more summary-worthy) for extractive methods; for
        abstractive ones, the generation score of the text (when available).
    method:
        Registry name of the summariser that produced it.
    truncated:
        None when the whole document was scored; else what was cut to bound the cost
        (``max_input_chars``/``max_input_sentences``, see :mod:`newsml.limits`): ``reason``,
        ``input_chars``/``scored_chars`` and ``input_sentences``/``scored_sentences`` (None when not known).

    Examples
    --------
    >>> Summary("Talks failed.", [0], [0.9, 0.1], "lead").to_dict()["sentences"]
    [0]
    """

    text: str
    sentences: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    method: str = ""
    truncated: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- the base class
class BaseSummarizer(BaseEstimator):
    """Base class of newsml summarisers: sentence preparation, budgets, focus, post-processing, save/load.

    Subclasses set :attr:`name`, take explicit ``__init__`` keywords (stored unchanged) and implement
    :meth:`_score_docs` (extractive) or override :meth:`summarize` (abstractive). The keywords this
    class reads are explicit ``__init__`` parameters of every subclass: :attr:`BASE_PARAMS`, plus
    ``dedup_threshold`` for extractive ones (those with :meth:`_score_docs`). A subclass that lacks one
    fails when it is defined, instead of silently running with a default. :attr:`OPTIONAL_PARAMS`
    (``splitter``, ``max_input_chars``, ``max_input_sentences``) have class-level defaults, so plug-ins
    may leave them out; a keyword that nearly matches one (``max_input_char``) fails at definition too.
    The modules :mod:`newsml.summarize.focus` (focus queries) and ``_prepare``/``_budget`` (input
    caps, sentence selection) hold the machinery; sentences come from :mod:`newsml.data`.

    Examples
    --------
    >>> import numpy as np
    >>> class Shortest(BaseSummarizer):
    ...     name = "shortest"
    ...     def __init__(self, default_sentences=1, dedup_threshold=0.7, focus_weight=0.7, focus_encoder=None,
    ...                  batch_size=64, progress=False):
    ...         self.default_sentences, self.dedup_threshold = default_sentences, dedup_threshold
    ...         self.focus_weight, self.focus_encoder = focus_weight, focus_encoder
    ...         self.batch_size, self.progress = batch_size, progress
    ...     def _score_docs(self, docs):
    ...         return [-np.array([len(s) for s in d.sentences], float) for d in docs]
    >>> Shortest().summarize(["A long opening sentence here. Short one. Another long sentence here."])[0].text
    'Short one.'
    """

    #: registry name (used in ``Summary.method`` and by save/load)
    name: str = ""
    #: True when the summariser must be fitted before use
    requires_fit: bool = False

    #: the ``__init__`` keywords every summariser takes because this class reads them
    BASE_PARAMS = ("default_sentences", "focus_weight", "focus_encoder", "batch_size", "progress")
    #: also taken by extractive summarisers (those that implement ``_score_docs``)
    EXTRACTIVE_PARAMS = ("dedup_threshold",)

    #: optional keywords: a subclass that takes one stores it on the instance; one that does not
    #: (e.g. a plug-in) runs with the class-level defaults below; a near miss fails at class definition
    OPTIONAL_PARAMS = ("splitter", "max_input_chars", "max_input_sentences")
    #: sentence splitter name (:data:`newsml.data.article.SPLITTERS`; None: the careful ``"newsml"`` one)
    splitter: str | None = None
    #: characters of each document that are split (None: no cap; see :mod:`newsml.limits`)
    max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS
    #: sentences of each document that are scored (None: no cap)
    max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:
            return
        import difflib
        import inspect

        wanted = cls.BASE_PARAMS
        if cls._score_docs is not BaseSummarizer._score_docs:
            wanted += cls.EXTRACTIVE_PARAMS
        params = inspect.signature(cls.__init__).parameters
        missing = [p for p in wanted if p not in params]
        if missing:
            raise TypeError(f"{cls.__name__}.__init__ must take the keyword(s) {', '.join(missing)} "
                            "(BaseSummarizer reads them)")
        for p in params:  # an optional keyword misspelt would silently leave the class default in force
            near = difflib.get_close_matches(p, cls.OPTIONAL_PARAMS, n=1, cutoff=0.9)
            if near and near[0] != p:
                raise TypeError(f"{cls.__name__}.__init__ takes {p!r}: did you mean {near[0]!r}?")

    def _store(self, params: dict[str, Any]) -> None:
        """Store ``__init__`` keywords unchanged, as scikit-learn requires: ``self._store(locals())``.

        Call it first thing in ``__init__``, so that ``locals()`` holds only the keywords.
        """
        for key, value in params.items():
            if key not in ("self", "__class__"):
                setattr(self, key, value)

    def _focus_encoder(self) -> tuple[str | None, dict[str, Any], bool]:
        """The encoder for ``focus`` queries: (name, ``encode`` options, whether it is the summariser's own).

        Summarisers with an encoder of their own override this so the queries use it (and its backend).
        """
        return self.focus_encoder, {"backend": "torch", "quantize": False}, False

    # ------------------------------------------------------------------ public api
    def fit(self, texts: Sequence[Any], summaries: Sequence[str]):
        """Learn from (article, reference summary) pairs; a no-op for unsupervised summarisers."""
        return self

    def split(self, text: Any) -> list[str]:
        """The sentence list that ``Summary.sentences`` indexes for ``text``."""
        return self._prepare([text])[0].sentences

    def summarize(self, texts: Sequence[Any], max_sentences: int | None = None, max_words: int | None = None,
                  ratio: float | None = None, focus: Sequence[str] | str | None = None) -> list[Summary]:
        """Summarise each text.

        Parameters
        ----------
        texts:
            Article strings, or :class:`newsml.data.Document`-like objects / dicts (``text``,
            optional ``title`` and pre-split ``sentences``).
        max_sentences, max_words, ratio:
            Length limits (the strictest wins). With none given, ``default_sentences`` sentences.
        focus:
            Topic labels (taxonomy ids) or free-text queries; sentences about them are preferred.

        Returns
        -------
        list of Summary
            One per text, in input order.
        """
        texts = as_list(texts)
        check_limits(max_sentences, max_words, ratio)
        queries = focus_queries(focus)
        out: list[Summary] = []
        batch = int(_or(self.batch_size, 64))
        # focus may prefer any sentence: then every method reads the whole article
        limit = None if queries else self._sentences_needed(max_sentences, max_words, ratio)
        for start in self._progress(range(0, len(texts), batch), len(texts), batch):
            docs = self._prepare(texts[start:start + batch], limit)
            scores = self._score_docs(docs)
            if queries:
                scores = self._apply_focus(docs, scores, queries)
            for doc, sc in zip(docs, scores):
                out.append(self._select(doc, np.asarray(sc, dtype=np.float64), max_sentences, max_words, ratio))
        return out

    def summarize_one(self, text: Any, **limits: Any) -> Summary:
        """Summarise one text (same keywords as :meth:`summarize`)."""
        return self.summarize([text], **limits)[0]

    # ------------------------------------------------------------------ to implement
    def _score_docs(self, docs: list[_Doc]) -> list[np.ndarray]:
        """One score per sentence for each document (higher = include first)."""
        raise NotImplementedError

    def _sentences_needed(self, max_sentences: int | None, max_words: int | None,
                          ratio: float | None) -> int | None:
        """How many leading sentences the method needs (None: all). Only the lead baseline stops early."""
        return None

    def _order(self, doc: _Doc, scores: np.ndarray) -> list[int]:
        """Candidate sentence order (best first). Default: by score, ties to the earlier sentence."""
        return [int(i) for i in np.lexsort((np.arange(len(scores)), -scores))]

    # ------------------------------------------------------------------ shared machinery
    def _caps(self) -> tuple[int | None, int | None]:
        """``(max_input_chars, max_input_sentences)``: the per-document cost caps (None: no cap)."""
        where = self.name or type(self).__name__
        return (check_cap("max_input_chars", self.max_input_chars, where),
                check_cap("max_input_sentences", self.max_input_sentences, where))

    def _prepare(self, texts: Sequence[Any], limit: int | None = None) -> list[_Doc]:
        """The documents' sentences within the caps (``limit``: leading sentences the method needs)."""
        return prepare_docs(texts, *self._caps(), get_splitter(self.splitter), limit)

    def _progress(self, iterable, total: int, step: int):
        show = self.progress
        if show is None:
            show = total >= 500 and sys.stderr.isatty()
        if not show:
            return iterable
        from tqdm.auto import tqdm

        return tqdm(iterable, total=(total + step - 1) // step, desc=f"summarize ({self.name})", unit="batch")

    def _apply_focus(self, docs: list[_Doc], scores: list[np.ndarray], queries: list[str]) -> list[np.ndarray]:
        enc, how, own = self._focus_encoder()
        return apply_focus(docs, scores, queries, float(_or(self.focus_weight, 0.7)), enc, how, own)

    def _select(self, doc: _Doc, scores: np.ndarray, max_sentences: int | None, max_words: int | None,
                ratio: float | None) -> Summary:
        n = len(doc.sentences)
        if n == 0:
            return Summary("", [], [], self.name, doc.cut)
        k = sentence_limit(n, max_sentences, max_words, ratio, default=int(_or(self.default_sentences, 3)))
        k = n if k is None else max(0, min(int(k), n))
        chosen, text = select(doc.sentences, self._order(doc, scores), k, max_words,
                              float(_or(self.dedup_threshold, 0.7)))
        return Summary(text, chosen, [float(s) for s in scores], self.name, doc.cut)

    # ------------------------------------------------------------------ save / load
    def _get_state(self, path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Learned state: (JSON-able dict, named arrays); ``path`` is the save folder. Default: nothing."""
        return {}, {}

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        """Restore what :meth:`_get_state` returned (``path`` is the save folder)."""

    def save(self, path: str | Path) -> Path:
        """Save to directory ``path``: ``newsml_summarizer.json`` + ``weights.safetensors`` (no pickle)."""
        from newsml.persistence import save_component

        return save_component(self, path, "summarizer")

    @classmethod
    def load(cls, path: str | Path) -> BaseSummarizer:
        """Load a summariser saved with :meth:`save` (the file names a registered class)."""
        return load_summarizer(path)


def load_summarizer(path: str | Path, **overrides: Any) -> BaseSummarizer:
    """Load a saved summariser directory; the class it names must be a registered summariser.

    ``overrides`` replace saved parameters (for example ``encoder`` or ``progress``).

    Examples
    --------
    >>> from newsml.summarize.lead import LeadSummarizer
    >>> import tempfile
    >>> d = LeadSummarizer(default_sentences=2).save(tempfile.mkdtemp())
    >>> load_summarizer(d).default_sentences
    2
    """
    from newsml.persistence import load_component

    return load_component(path, "summarizer", **overrides)
