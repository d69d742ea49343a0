"""Graph-centrality summarisers: TextRank and LexRank, written on numpy (no NLTK data).

Both build a graph whose nodes are the sentences of one article and rank them by PageRank-style
centrality (power iteration with damping); the most central sentences form the summary.

* **LexRank** (Erkan & Radev, 2004): edges are cosine similarities of TF-IDF sentence vectors (IDF
  over the article's sentences, stop words removed); ``threshold`` keeps only edges above it
  (``continuous=True`` keeps the weights, else edges are binary as in the paper's thresholded
  variant).
* **TextRank** (Mihalcea & Tarau, 2004): edge weight = shared words / (log|Si| + log|Sj|).

Examples
--------
>>> from newsml.summarize.graph import LexRankSummarizer
>>> text = ("Rebels attacked the base. The attack on the base killed ten soldiers. "
...         "Soldiers at the base returned fire. It rained.")
>>> LexRankSummarizer().summarize([text], max_sentences=1)[0].sentences
[1]
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.summarize.base import BaseSummarizer, _Doc, words

#: a short list of English function words (our own), removed before building sentence vectors
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours
yourself yourselves said says say told mr mrs ms one two new also it's i'm don't he's she's
""".split())


@lru_cache(maxsize=65536)
def _stem(w: str) -> str:
    """A tiny suffix stripper so that 'attacks'/'attacked'/'attacking' share a node."""
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def content_words(sentence: str) -> list[str]:
    """Stemmed, lower-cased content words of a sentence (stop words removed)."""
    return [_stem(w) for w in words(sentence) if w not in STOP_WORDS and len(w) > 1]


_DENSE_CELLS = 2_000_000  # below this many n x vocabulary cells a dense matrix is cheaper than scipy.sparse


def _tfidf_parts(sentences: list[str], toks: list[list[str]] | None = None):
    if toks is None:
        toks = [content_words(s) for s in sentences]
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, t in enumerate(toks):
        for w in t:
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    return rows, cols, (len(sentences), max(1, len(vocab)))


def _tfidf_dense(rows, cols, shape) -> np.ndarray:
    X = np.zeros(shape, dtype=np.float64)
    np.add.at(X, (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)), 1.0)
    df = (X > 0).sum(axis=0)
    X *= np.log((1 + shape[0]) / (1 + df)) + 1.0
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return X / norms


def tfidf_sparse(sentences: list[str]):
    """L2-normalised TF-IDF rows as a ``scipy.sparse`` CSR matrix, IDF over the given sentences (smoothed).

    Sparse because the vocabulary grows with the document: a dense ``n x vocabulary`` matrix of a
    long document would take gigabytes.
    """
    import scipy.sparse as sp

    rows, cols, shape = _tfidf_parts(sentences)
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape, dtype=np.float64)
    X.sum_duplicates()
    df = np.bincount(X.indices, minlength=shape[1])
    idf = np.log((1 + len(sentences)) / (1 + df)) + 1.0
    X = X @ sp.diags(idf)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


def tfidf_auto(sentences: list[str], toks: list[list[str]] | None = None):
    """The TF-IDF rows of :func:`tfidf_sparse`, as a dense array when that is small (news articles).

    scipy.sparse costs about a millisecond of overhead per article; a dense matrix of a few hundred
    thousand cells is faster and gives the same numbers. Long documents stay sparse. ``toks`` (the
    :func:`content_words` of each sentence) skips tokenising again.
    """
    rows, cols, shape = _tfidf_parts(sentences, toks)
    if shape[0] * shape[1] <= _DENSE_CELLS:
        return _tfidf_dense(rows, cols, shape)
    return tfidf_sparse(sentences)


def tfidf_matrix(sentences: list[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows (dense), IDF over the given sentences (smoothed); see :func:`tfidf_sparse`."""
    rows, cols, shape = _tfidf_parts(sentences)
    return _tfidf_dense(rows, cols, shape)


def cosine_graph(sentences: list[str]) -> np.ndarray:
    """Dense ``n x n`` TF-IDF cosine similarities of the sentences (n is capped by the summarisers)."""
    X = tfidf_auto(sentences)
    S = X @ X.T
    return np.asarray(S if isinstance(S, np.ndarray) else S.toarray(), dtype=np.float64)


def pagerank(W: np.ndarray, damping: float = 0.85, tol: float = 1e-6, max_iter: int = 100) -> np.ndarray:
    """Stationary distribution of a damped random walk on weighted adjacency ``W``.

    Rows with no edges jump uniformly.

    >>> pagerank(np.array([[0, 1.0], [1.0, 0]])).round(2).tolist()
    [0.5, 0.5]
    """
    n = len(W)
    if n == 0:
        return np.zeros(0)
    W = np.asarray(W, dtype=np.float64).copy()
    np.fill_diagonal(W, 0.0)
    rows = W.sum(axis=1, keepdims=True)
    P = np.where(rows > 0, W / np.where(rows > 0, rows, 1.0), 1.0 / n)
    p = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = (1 - damping) / n + damping * (p @ P)
        if np.abs(new - p).sum() < tol:
            p = new
            break
        p = new
    return p


class _GraphSummarizer(BaseSummarizer):
    def __init__(self, damping: float = 0.85, default_sentences: int = 3, dedup_threshold: float = 0.7,
                 focus_weight: float = 0.7, focus_encoder: str | None = None, batch_size: int = 64,
                 progress: bool | None = None, splitter: str = "newsml", max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self.damping = damping
        self.default_sentences = default_sentences
        self.dedup_threshold = dedup_threshold
        self.focus_weight = focus_weight
        self.focus_encoder = focus_encoder
        self.batch_size = batch_size
        self.progress = progress
        self.splitter = splitter
        self.max_input_chars = max_input_chars
        self.max_input_sentences = max_input_sentences

    def _graph(self, sentences: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _score_docs(self, docs: list[_Doc]) -> list[np.ndarray]:
        out = []
        for d in docs:
            if len(d.sentences) <= 1:
                out.append(np.ones(len(d.sentences)))
                continue
            out.append(pagerank(self._graph(d.sentences), damping=float(self.damping)) * len(d.sentences))
        return out


class TextRankSummarizer(_GraphSummarizer):
    """TextRank: PageRank over a word-overlap sentence graph.

    Parameters
    ----------
    damping:
        PageRank damping factor.
    default_sentences, dedup_threshold, focus_weight, focus_encoder, batch_size, progress, splitter,
    max_input_chars, max_input_sentences:
        Shared settings, see :class:`newsml.summarize.lead.LeadSummarizer`.

    Examples
    --------
    >>> s = TextRankSummarizer().summarize(["Troops shelled the town. The town was shelled again by troops. "
    ...                                     "Prices rose."], max_sentences=1)[0]
    >>> s.sentences[0] in (0, 1)
    True
    """

    name = "textrank"

    def _graph(self, sentences: list[str]) -> np.ndarray:
        import scipy.sparse as sp

        toks = [set(content_words(s)) for s in sentences]
        vocab: dict[str, int] = {}
        rows = [i for i, t in enumerate(toks) for _ in t]
        cols = [vocab.setdefault(w, len(vocab)) for t in toks for w in t]
        B = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(toks), max(1, len(vocab))))
        shared = np.asarray((B @ B.T).toarray())  # words two sentences share (set intersections)
        logs = np.array([math.log(len(t)) if len(t) > 1 else 0.0 for t in toks])
        denom = logs[:, None] + logs[None, :]
        W = np.where(denom > 0, shared / np.where(denom > 0, denom, 1.0), shared)
        np.fill_diagonal(W, 0.0)
        return W


class LexRankSummarizer(_GraphSummarizer):
    """LexRank: PageRank over a TF-IDF cosine similarity graph.

    Parameters
    ----------
    threshold:
        Cosine similarity below which an edge is dropped.
    continuous:
        Keep similarity weights on kept edges (True) or make them binary (False).
    damping:
        PageRank damping factor.
    default_sentences, dedup_threshold, focus_weight, focus_encoder, batch_size, progress, splitter,
    max_input_chars, max_input_sentences:
        Shared settings, see :class:`newsml.summarize.lead.LeadSummarizer`.

    Examples
    --------
    >>> LexRankSummarizer(threshold=0.05).get_params()["threshold"]
    0.05
    """

    name = "lexrank"

    def __init__(self, threshold: float = 0.1, continuous: bool = True, damping: float = 0.85,
                 default_sentences: int = 3, dedup_threshold: float = 0.7, focus_weight: float = 0.7,
                 focus_encoder: str | None = None, batch_size: int = 64, progress: bool | None = None,
                 splitter: str = "newsml", max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        super().__init__(damping=damping, default_sentences=default_sentences, dedup_threshold=dedup_threshold,
                         focus_weight=focus_weight, focus_encoder=focus_encoder, batch_size=batch_size,
                         progress=progress, splitter=splitter, max_input_chars=max_input_chars,
                         max_input_sentences=max_input_sentences)
        self.threshold = threshold
        self.continuous = continuous

    def _graph(self, sentences: list[str]) -> np.ndarray:
        S = cosine_graph(sentences)
        S[S < float(self.threshold)] = 0.0
        if not self.continuous:
            S = (S > 0).astype(np.float64)
        return S
