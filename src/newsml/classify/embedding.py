"""Sentence embeddings + a linear head.

Texts are embedded with a sentence encoder (default: the embedded all-MiniLM-L6-v2; any
sentence-transformers name or local path via ``encoder=``) and a logistic-regression head is fitted
on the vectors. Long documents are split into sentences: the document vector is the normalised
mean of its sentence vectors averaged with the vector of the text's first chunk (what the encoder
sees of the whole text), so the head sees both the lead and the body, and the same sentence
vectors give per-sentence evidence. Sentence vectors are cached in memory, so ``explain`` after
``predict`` encodes nothing twice. Optionally TF-IDF features are concatenated to the embedding
(``tfidf_weight > 0``): lexical and semantic evidence in one linear model.

Examples
--------
>>> from newsml.classify.embedding import EmbeddingClassifier
>>> clf = EmbeddingClassifier().fit(  # doctest: +SKIP
...     ["Troops clashed at the border.", "Shares rose on Monday."], ["conflict", "markets"])
>>> clf.predict(["Artillery shelled the town."])  # doctest: +SKIP
['conflict']
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsml.classify._linear import fit_logreg_head, head_proba
from newsml.classify._vectors import CACHE, SentenceVectorCache  # noqa: F401 - re-exported
from newsml.classify.base import BaseClassifier, split_sentences_for_evidence, tune_thresholds
from newsml.classify.tfidf import (
    THRESHOLD_GRID,
    build_vectorizer,
    fit_transform_vectorizers,
    restore_vectorizers,
    transform_vectorizers,
    vectorizers_state,
)
from newsml.errors import ConfigError

POOLINGS = ("mean+first", "mean", "first")
_BOUNDARY = re.compile(r"[.!?][\"'\u201d)\]]*\s+[\"'\u201c(\[]*[A-Z0-9]|\n")


@lru_cache(maxsize=50_000)
def _sentences(text: str) -> tuple[str, ...]:
    """Sentences of ``text`` (memoised; texts with no sentence boundary skip the splitter)."""
    if not _BOUNDARY.search(text):
        return (text,)
    return tuple(split_sentences_for_evidence(text)) or (text,)


def embed_documents(texts: list[str], encoder: str | None = None, pooling: str = "mean+first",
                    batch_size: int = 64, max_sentences: int | None = 64) -> np.ndarray:
    """Document vectors (L2-normalised) from sentence vectors, encoding each distinct string once."""
    if pooling not in POOLINGS:
        raise ConfigError(f"embedding: pooling={pooling!r} is not allowed; use one of {', '.join(POOLINGS)}")
    sents_per_doc: list[list[str]] = []
    for t in texts:
        t = t.strip() or " "
        if pooling == "first":
            sents_per_doc.append([t])
            continue
        sents = list(_sentences(t))
        if max_sentences:
            sents = sents[:max_sentences]
        if pooling == "mean+first" and len(sents) > 1:
            sents = [t] + sents
        sents_per_doc.append(sents)
    flat = [s for ss in sents_per_doc for s in ss]
    V = CACHE.get_many(flat, encoder, batch_size=batch_size)
    out = np.zeros((len(texts), V.shape[1] if V is not None else 0), dtype=np.float32)
    pos = 0
    for i, ss in enumerate(sents_per_doc):
        block = V[pos: pos + len(ss)]
        pos += len(ss)
        if pooling == "mean+first" and len(ss) > 1:
            mean = block[1:].mean(0)
            mean /= max(np.linalg.norm(mean), 1e-12)
            v = 0.5 * block[0] + 0.5 * mean
        else:
            v = block.mean(0)
        out[i] = v / max(np.linalg.norm(v), 1e-12)
    return out


class EmbeddingClassifier(BaseClassifier):
    """Sentence-encoder embeddings + logistic-regression head (optionally + TF-IDF features).

    Parameters
    ----------
    multi_label : bool
        One-vs-rest multi-label mode.
    encoder : str or None
        Sentence-transformers model name or path; None = embedded all-MiniLM-L6-v2.
    pooling : {"mean+first", "mean", "first"}
        Document vector: mean of sentence vectors averaged with the first-chunk vector (default),
        mean of sentence vectors only, or the encoder on the whole (truncated) text.
    C : float
        Inverse regularisation of the logistic regression.
    class_weight : {None, "balanced"}
        Class weights of the head.
    tfidf_weight : float
        If > 0, TF-IDF word 1-2-gram features scaled by this weight are concatenated.
    tfidf_min_df : int
        ``min_df`` of the optional TF-IDF features.
    cv : int
        Folds of the internal CV used to learn multi-label thresholds (0 = no tuning).
    threshold : float
        Default multi-label decision threshold.
    top_k : int or None
        At most this many labels per text (multi-label).
    batch_size : int
        Encoder batch size.
    max_sentences : int or None
        Sentences per document used for pooling (the lead matters most in news).
    random_state : int
        Seed for the CV split.

    Attributes
    ----------
    classes_ : ndarray of str
    coef_, intercept_ : ndarray
        The linear head (one row per class).
    thresholds_ : ndarray

    Examples
    --------
    >>> clf = EmbeddingClassifier(C=10.0)  # doctest: +SKIP
    >>> _ = clf.fit(["Rebels attacked a convoy.", "The central bank cut rates."], ["attack", "economy"])  # doctest: +SKIP
    >>> clf.explain("Gunmen attacked a police post. Markets were calm.")["attack"][0].sentence  # doctest: +SKIP
    'Gunmen attacked a police post.'
    """

    name = "embedding"

    def __init__(self, multi_label: bool = False, encoder: str | None = None, pooling: str = "mean+first",
                 C: float = 1.0, class_weight: str | None = None, tfidf_weight: float = 0.0,
                 tfidf_min_df: int = 1, cv: int = 3, threshold: float = 0.5, top_k: int | None = None,
                 batch_size: int = 64, max_sentences: int | None = 64, random_state: int = 0):
        self.multi_label = multi_label
        self.encoder = encoder
        self.pooling = pooling
        self.C = C
        self.class_weight = class_weight
        self.tfidf_weight = tfidf_weight
        self.tfidf_min_df = tfidf_min_df
        self.cv = cv
        self.threshold = threshold
        self.top_k = top_k
        self.batch_size = batch_size
        self.max_sentences = max_sentences
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.pooling not in POOLINGS:
            raise ConfigError(f"embedding: pooling={self.pooling!r} is not allowed; use one of {', '.join(POOLINGS)}")
        if self.class_weight not in (None, "balanced"):
            raise ConfigError(f"embedding: class_weight={self.class_weight!r}; use None or 'balanced'")
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise ConfigError(f"embedding: C must be a positive number, got {self.C!r}")

    def embed(self, texts: list[str]) -> np.ndarray:
        """Document vectors for ``texts`` (cached sentence vectors are reused)."""
        return embed_documents(list(texts), self.encoder, self.pooling, self.batch_size, self.max_sentences)

    def _features(self, texts: list[str], E: np.ndarray | None = None, vecs=None, fit: bool = False):
        if E is None:
            E = self.embed(texts)
        if not self.tfidf_weight:
            return E, None
        import scipy.sparse as sp

        if fit:
            vecs = build_vectorizer((1, 2), False, (2, 5), True, self.tfidf_min_df, None)
            T = fit_transform_vectorizers(vecs, texts)
        else:
            T = transform_vectorizers(vecs, texts)
        return sp.hstack([sp.csr_matrix(E), T * float(self.tfidf_weight)], format="csr"), vecs

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        self._check_params()
        E = self.embed(texts)
        X, vecs = self._features(texts, E, fit=True)
        self.coef_, self.intercept_ = fit_logreg_head(X, Y, self.multi_label, self.C, self.class_weight)
        self.vectorizers_ = vecs
        self._tuned_ = None
        if self.multi_label and self.cv and self.cv >= 2 and len(texts) >= 2 * self.cv:
            from sklearn.model_selection import KFold

            P = np.zeros(Y.shape, dtype=np.float32)
            arr = np.array(texts, dtype=object)
            for tr, te in KFold(self.cv, shuffle=True, random_state=self.random_state).split(E):
                Xtr, v = self._features(list(arr[tr]), E[tr], fit=True)
                c, b = fit_logreg_head(Xtr, Y[tr], True, self.C, self.class_weight)
                Xte, _ = self._features(list(arr[te]), E[te], vecs=v)
                P[te] = head_proba(Xte, c, b, True)
            self._tuned_ = tune_thresholds(Y, P, grid=THRESHOLD_GRID, default=self.threshold)

    def _initial_thresholds(self) -> np.ndarray:
        tuned = getattr(self, "_tuned_", None)
        return np.asarray(tuned, dtype=np.float64) if tuned is not None else super()._initial_thresholds()

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        X, _ = self._features(texts, vecs=self.vectorizers_)
        return head_proba(X, self.coef_, self.intercept_, self.multi_label_)

    def _get_state(self, path):
        state: dict[str, Any] = {}
        arrays = {"coef": self.coef_, "intercept": self.intercept_}
        if self.vectorizers_ is not None:
            s, a = vectorizers_state(self.vectorizers_)
            state.update(s)
            arrays.update(a)
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        self.coef_ = arrays["coef"]
        self.intercept_ = arrays["intercept"]
        self.vectorizers_ = None
        if "tfidf_vocab_0" in state:
            vecs = build_vectorizer((1, 2), False, (2, 5), True, self.tfidf_min_df, None)
            self.vectorizers_ = restore_vectorizers(vecs, state, arrays)
