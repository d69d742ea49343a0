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

from newsml.data.article import get_splitter, split_document  # noqa: F401 - split_document re-exported
from newsml.data.lead import clean_first_sentence, is_page_furniture, strip_lead  # noqa: F401 - re-exported
from newsml.data.sentences import fast_split_sentences, split_sentences  # noqa: F401 - re-exported
from newsml.errors import ConfigError, InputError
from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES, check_cap, cut_text
from newsml.persistence import SUMMARIZER_CONFIG as CONFIG_FILE  # noqa: F401 - re-exported for callers
from newsml.persistence import WEIGHTS_FILE  # noqa: F401 - re-exported for callers
from newsml.scripts import count_words, cut_words
from newsml.scripts import words as _unicode_words


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


@dataclass
class _Doc:
    """Internal: one document prepared for summarising."""

    sentences: list[str]
    title: str = ""
    paragraph_first: list[bool] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    cut: dict[str, Any] | None = None


# --------------------------------------------------------------------------- sentences come from data/
def _is_junk(sentence: str) -> bool:
    if is_page_furniture(sentence):
        return True
    return len(_unicode_words(sentence)) < 2  # words of any script (a 2-character Chinese clause counts)


def _get_splitter(name: str | None):
    return get_splitter(name)


def _default_splitter():
    return split_sentences


def words(text: str) -> list[str]:
    """Lower-cased word tokens of any script (letters/digits, inner apostrophes kept; see :mod:`newsml.scripts`)."""
    return _unicode_words(text)


def _count_words(text: str) -> int:
    return count_words(text)


# --------------------------------------------------------------------------- the base class
class BaseSummarizer(BaseEstimator):
    """Base class of newsml summarisers: sentence preparation, budgets, focus, post-processing, save/load.

    Subclasses set :attr:`name`, take explicit ``__init__`` keywords (stored unchanged) and implement
    :meth:`_score_docs` (extractive) or override :meth:`summarize` (abstractive). The keywords this
    class reads are explicit ``__init__`` parameters of every subclass: :attr:`BASE_PARAMS`, plus
    ``dedup_threshold`` for extractive ones (those with :meth:`_score_docs`). A subclass that lacks one
    fails when it is defined, instead of silently running with a default.

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

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:
            return
        import inspect

        wanted = cls.BASE_PARAMS
        if cls._score_docs is not BaseSummarizer._score_docs:
            wanted += cls.EXTRACTIVE_PARAMS
        missing = [p for p in wanted if p not in inspect.signature(cls.__init__).parameters]
        if missing:
            raise TypeError(f"{cls.__name__}.__init__ must take the keyword(s) {', '.join(missing)} "
                            "(BaseSummarizer reads them)")

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
        texts = _as_list(texts)
        _check_limits(max_sentences, max_words, ratio)
        queries = _focus_queries(focus)
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
        chars = getattr(self, "max_input_chars", DEFAULT_MAX_INPUT_CHARS)  # plug-ins without the keyword
        sents = getattr(self, "max_input_sentences", DEFAULT_MAX_INPUT_SENTENCES)  # get the defaults
        return check_cap("max_input_chars", chars, where), check_cap("max_input_sentences", sents, where)

    def _prepare(self, texts: Sequence[Any], limit: int | None = None) -> list[_Doc]:
        max_chars, max_sents = self._caps()
        docs = []
        for i, t in enumerate(texts):
            title = ""
            sentences = None
            firsts = None
            if isinstance(t, str):
                text = t
            elif t is None:
                text = ""
            elif isinstance(t, dict):
                text = t.get("text") or ""
                title = t.get("title") or ""
                sentences = t.get("sentences")
                firsts = t.get("paragraph_first")
            elif hasattr(t, "text"):
                text = getattr(t, "text", "") or ""
                title = getattr(t, "title", "") or ""
                sentences = getattr(t, "sentences", None)
            else:
                raise InputError(f"texts[{i}] is a {type(t).__name__}; pass strings or Document objects")
            if sentences:
                sents = [str(s).strip() for s in sentences if str(s).strip()]
                if sents:
                    sents[0] = clean_first_sentence(sents[0])
                if not (isinstance(firsts, (list, tuple)) and len(firsts) == len(sents)):
                    firsts = [j == 0 for j in range(len(sents))]
                doc = _Doc(sents, str(title), [bool(f) for f in firsts])
                doc.cut = _cap_sentences(doc, max_chars, max_sents, None)
            else:
                text, cut = cut_text(str(text), max_chars)  # before splitting: the splitter is linear too
                # split one sentence past the cap (to know a cut happened), or only what the method needs
                split_limit = None if max_sents is None else max_sents + 1
                if limit is not None:
                    split_limit = limit if split_limit is None else min(split_limit, limit)
                sents, firsts = split_document(text, _get_splitter(getattr(self, "splitter", None)), split_limit)
                doc = _Doc(sents, str(title), firsts)
                stopped = split_limit is not None and len(sents) >= split_limit  # the rest was not split
                doc.cut = _cap_sentences(doc, None, max_sents, cut, total_known=not stopped, input_chars=len(text))
            docs.append(doc)
        return docs

    def _progress(self, iterable, total: int, step: int):
        show = self.progress
        if show is None:
            show = total >= 500 and sys.stderr.isatty()
        if not show:
            return iterable
        from tqdm.auto import tqdm

        return tqdm(iterable, total=(total + step - 1) // step, desc=f"summarize ({self.name})", unit="batch")

    def _apply_focus(self, docs: list[_Doc], scores: list[np.ndarray], queries: list[str]) -> list[np.ndarray]:
        from newsml.encoders import encode

        weight = float(_or(self.focus_weight, 0.7))
        enc, how, own = self._focus_encoder()
        Q = encode(queries, enc, **how)
        out = []
        for doc, sc in zip(docs, scores):
            if not doc.sentences:
                out.append(sc)
                continue
            E = doc.cache.get("emb") if own else None
            if E is None:
                E = encode(doc.sentences, enc, **how)
            rel = (E @ Q.T).max(axis=1)
            out.append((1 - weight) * _minmax(np.asarray(sc, dtype=np.float64)) + weight * _minmax(rel))
        return out

    def _select(self, doc: _Doc, scores: np.ndarray, max_sentences: int | None, max_words: int | None,
                ratio: float | None) -> Summary:
        n = len(doc.sentences)
        if n == 0:
            return Summary("", [], [], self.name, doc.cut)
        k = max_sentences
        if k is None and max_words is None and ratio is None:
            k = int(_or(self.default_sentences, 3))
        if ratio is not None:
            kr = max(1, int(round(ratio * n)))
            k = kr if k is None else min(k, kr)
        k = n if k is None else max(0, min(int(k), n))
        thr = float(_or(self.dedup_threshold, 0.7))
        chosen: list[int] = []
        chosen_words: list[set[str]] = []
        used = 0
        for i in self._order(doc, scores):
            if len(chosen) >= k:
                break
            wset = set(words(doc.sentences[i]))
            if any(_jaccard(wset, c) >= thr for c in chosen_words):
                continue
            length = _count_words(doc.sentences[i])
            if max_words is not None and used + length > max_words:
                continue
            chosen.append(i)
            chosen_words.append(wset)
            used += length
        if not chosen and k > 0 and max_words is not None and max_words > 0:
            best = self._order(doc, scores)[0]
            text = cut_words(doc.sentences[best], max_words)
            return Summary(text, [best], [float(s) for s in scores], self.name, doc.cut)
        chosen.sort()
        text = " ".join(doc.sentences[i] for i in chosen)
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


# --------------------------------------------------------------------------- helpers
def _cap_sentences(doc: _Doc, max_chars: int | None, max_sents: int | None,
                   cut: dict[str, Any] | None, total_known: bool = True,
                   input_chars: int | None = None) -> dict[str, Any] | None:
    """Keep the first sentences of ``doc`` within the caps (news puts its key facts first).

    ``max_chars`` is given for pre-split documents only (raw text was already cut by
    :func:`newsml.limits.cut_text`, whose record is ``cut``). Returns the record of what was cut, or None.
    """
    n = len(doc.sentences)
    keep = n
    reasons = [cut["reason"]] if cut else []
    if max_chars:
        used = 0
        for j, sent in enumerate(doc.sentences):
            used += len(sent) + (1 if j else 0)
            if used > max_chars and j > 0:
                keep = j
                reasons.append("max_input_chars")
                break
    if max_sents and keep > max_sents:
        keep = max_sents
        reasons.append("max_input_sentences")
    if not reasons:
        return None
    if cut:
        total_chars = cut["input_chars"]
    elif input_chars is not None:
        total_chars = input_chars
    else:
        total_chars = sum(len(x) for x in doc.sentences) + max(0, n - 1)
    del doc.sentences[keep:]
    del doc.paragraph_first[keep:]
    scored_chars = sum(len(x) for x in doc.sentences) + max(0, keep - 1)
    if cut and keep == n:
        scored_chars = cut["scored_chars"]
    return {"reason": "+".join(dict.fromkeys(reasons)), "input_chars": total_chars, "scored_chars": scored_chars,
            "input_sentences": n if total_known and not cut else None,  # unknown when not all was split
            "scored_sentences": keep, "max_input_chars": cut["max_input_chars"] if cut else max_chars,
            "max_input_sentences": max_sents}


def _as_list(texts: Any) -> list[Any]:
    if isinstance(texts, str):
        raise InputError("summarize() expects a list of texts, got one string; wrap it in a list")
    return list(texts)


def _check_limits(max_sentences, max_words, ratio) -> None:
    if max_sentences is not None and int(max_sentences) < 0:
        raise ConfigError(f"max_sentences must be >= 0, got {max_sentences}")
    if max_words is not None and int(max_words) < 0:
        raise ConfigError(f"max_words must be >= 0, got {max_words}")
    if ratio is not None and not 0 < float(ratio) <= 1:
        raise ConfigError(f"ratio must be in (0, 1], got {ratio}")


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _minmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return np.zeros_like(x) if hi - lo < 1e-12 else (x - lo) / (hi - lo)


def _focus_queries(focus: Sequence[str] | str | None) -> list[str]:
    """Turn focus labels/queries into query texts (taxonomy definition + exemplars for known ids)."""
    if focus is None:
        return []
    if isinstance(focus, str):
        focus = [f for f in focus.split(",")] if "," in focus else [focus]
    items = [str(f).strip() for f in focus if str(f).strip()]
    if not items:
        return []
    tax = None
    try:
        from newsml.taxonomy import load_taxonomy

        tax = load_taxonomy("news_events")
    except Exception:  # noqa: BLE001 - taxonomy missing: labels are used as plain queries
        tax = None
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


def _or(value: Any, default: Any) -> Any:
    """``value``, or ``default`` where it is None (a parameter left at None means "the usual")."""
    return default if value is None else value
