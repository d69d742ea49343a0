"""TF-IDF features + a linear model with calibrated probabilities.

Word unigrams by default (optionally 1-2-grams and/or character n-grams) with sublinear term frequency feed either a
linear SVM (default) or a logistic regression. Probabilities are calibrated on internal
cross-validated scores and kept as plain numbers: multi-label SVM scores go through per-label Platt
sigmoids (the same idea as scikit-learn's ``CalibratedClassifierCV(ensemble=False)``); single-label
SVM scores through a softmax at one fitted temperature, so the predicted class is the SVM's own
argmax. They are kept as plain numbers so the model can
be saved as JSON + safetensors without pickling. Multi-label data is handled one-vs-rest, with
per-label decision thresholds learned on the internal cross-validation (or on ``validation``).

Examples
--------
>>> from newsml.classify.tfidf import TfidfClassifier
>>> clf = TfidfClassifier().fit(
...     ["Troops clashed at the border.", "Shares rose on Monday.",
...      "Artillery shelled the town.", "The stock market fell."],
...     ["conflict", "markets", "conflict", "markets"])
>>> clf.predict(["Troops shelled the border town."])
['conflict']
>>> clf.predict_proba(["Shares fell."]).shape
(1, 2)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from newsml.classify._linear import fit_multinomial, fit_one_vs_rest, fit_temperature, sigmoid, softmax
from newsml.classify.base import BaseClassifier, tune_thresholds
from newsml.errors import ConfigError

#: thresholds searched when tuning per-label decisions (finer at the low end for rare labels)
THRESHOLD_GRID = np.round(np.concatenate([[0.01, 0.02, 0.03, 0.04], np.arange(0.05, 0.951, 0.025)]), 3)


# ------------------------------------------------------------------ vectorizer helpers
def build_vectorizer(ngram_range, char_ngrams, char_ngram_range, sublinear_tf, min_df, max_features,
                     lowercase=True):
    """A word (and optionally char) TF-IDF vectorizer; a FeatureUnion when char n-grams are on."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(ngram_range=tuple(ngram_range), sublinear_tf=sublinear_tf, min_df=min_df,
                           max_features=max_features, lowercase=lowercase, strip_accents="unicode",
                           token_pattern=r"(?u)\b\w[\w'-]*\b", dtype=np.float32)
    if not char_ngrams:
        return [word]
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngram_range), sublinear_tf=sublinear_tf,
                           min_df=max(2, min_df), max_features=max_features, lowercase=lowercase,
                           dtype=np.float32)
    return [word, char]


def fit_transform_vectorizers(vecs, texts):
    import scipy.sparse as sp

    mats = [v.fit_transform(texts) for v in vecs]
    return mats[0] if len(mats) == 1 else sp.hstack(mats, format="csr")


def transform_vectorizers(vecs, texts):
    import scipy.sparse as sp

    mats = [v.transform(texts) for v in vecs]
    return mats[0] if len(mats) == 1 else sp.hstack(mats, format="csr")


def vectorizers_state(vecs, prefix: str = "tfidf") -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """JSON vocabularies (terms in column order) + idf arrays for each vectorizer."""
    state, arrays = {}, {}
    for i, v in enumerate(vecs):
        terms = [""] * len(v.vocabulary_)
        for t, j in v.vocabulary_.items():
            terms[j] = t
        state[f"{prefix}_vocab_{i}"] = terms
        arrays[f"{prefix}_idf_{i}"] = np.asarray(v.idf_, dtype=np.float32)
    return state, arrays


def restore_vectorizers(vecs, state, arrays, prefix: str = "tfidf"):
    for i, v in enumerate(vecs):
        terms = state[f"{prefix}_vocab_{i}"]
        v.vocabulary_ = {t: j for j, t in enumerate(terms)}
        v.fixed_vocabulary_ = False
        v.idf_ = np.asarray(arrays[f"{prefix}_idf_{i}"], dtype=np.float64)
    return vecs


# ------------------------------------------------------------------ linear helpers
def fit_platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling ``p = sigmoid(a * s + b)`` fitted by (lightly regularised) logistic regression."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y).astype(int)
    if y.min() == y.max():
        return 1.0, (5.0 if y[0] == 1 else -5.0)
    lr = LogisticRegression(C=100.0, max_iter=1000)
    lr.fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


class TfidfClassifier(BaseClassifier):
    """TF-IDF + linear SVM / logistic regression with calibrated probabilities.

    Parameters
    ----------
    multi_label : bool
        One-vs-rest multi-label mode (``predict`` returns a list of labels per text).
    model : {"svm", "logreg"}
        Linear SVM (Platt-calibrated on internal CV scores) or logistic regression.
    C : float
        Inverse regularisation strength of the linear model.
    class_weight : {None, "balanced"}
        Class weights of the linear model.
    ngram_range : tuple of int
        Word n-gram range. Default ``(1, 1)``: chosen by 3-fold CV inside the training parts of BBC
        News and AG News (``experiments/select_tfidf_defaults.py``), where unigrams beat 1-2-grams
        (accuracy 0.981 vs 0.975 and 0.851 vs 0.848), and 2-3x faster to fit. ``(1, 2)`` was the
        default before.
    char_ngrams : bool
        Also use character n-grams (``char_wb``) in ``char_ngram_range``; slower to predict.
    char_ngram_range : tuple of int
        Character n-gram range when ``char_ngrams`` is on.
    sublinear_tf : bool
        Use ``1 + log(tf)``.
    min_df : int
        Minimum document frequency of a word n-gram. On a corpus of thousands of texts pruning rare
        n-grams helps (Reuters-21578 ModApte, 5-fold CV on the train split, micro-F1: 0.872 at 1, 0.877
        at 2, 0.883 at 10, 0.882 at 20, 0.876 at 30); on small data sets it drops too much, so the
        default stays 1.
    max_features : int or None
        Vocabulary cap per vectorizer.
    cv : int
        Folds of the internal cross-validation used for calibration and multi-label thresholds.
    tune_thresholds : bool
        Learn per-label thresholds on the internal CV (multi-label only).
    threshold : float
        Default decision threshold (multi-label) when not tuned, and the fallback for labels whose
        best internal-CV F1 is at most ``min_cv_f1``.
    min_cv_f1 : float or None
        Multi-label threshold tuning: a label whose best F1 on the internal CV is ``<= min_cv_f1``
        (e.g. a label seen once, so no fold can predict it) keeps ``threshold`` instead of the grid
        value, which is then the lowest one (the "SCutFBR" rule of Yang 2001); 0.0 catches only
        labels the CV never got right. None (default): no fallback. On Reuters-21578 ModApte test,
        0.0 gave micro/macro-F1 0.864 / 0.498 against 0.864 / 0.506 without it, so it is opt-in.
    lead_words : int
        When > 0, the first ``lead_words`` words of each text (the headline and lead, where news states
        its topic) also get their own TF-IDF features (word 1-2-grams, ``min_df`` at most 2), scaled by
        ``lead_weight`` and appended to the full-text ones. 0 (default): off. On Reuters-21578 ModApte
        (5-fold CV on the train split, with ``min_df=10``) 30 words at weight 0.5 raised micro/macro-F1
        from 0.883 / 0.497 to 0.888 / 0.506 (20 words: 0.887, 50: 0.886; weight 0.8: 0.887).
    lead_weight : float
        Scale of the lead features relative to the full-text ones (both are L2-normalised).
    top_k : int or None
        Keep at most this many labels per text (multi-label).
    random_state : int
        Seed for the CV split.

    Attributes
    ----------
    classes_ : ndarray of str
    coef_ : ndarray (n_classes, n_features)
    intercept_ : ndarray (n_classes,)
    platt_ : ndarray (n_classes, 2) or None
        Calibration slope and offset per class (SVM only; single-label: the same temperature in every
        row, offset 0).
    thresholds_ : ndarray (n_classes,)

    Examples
    --------
    >>> clf = TfidfClassifier(multi_label=True, cv=2)
    >>> texts = ["army attacks rebels", "rebels sign ceasefire", "army and rebels sign deal after attack",
    ...          "market rally", "ceasefire holds", "army attack"]
    >>> labels = [["attack"], ["peace"], ["attack", "peace"], [], ["peace"], ["attack"]]
    >>> _ = clf.fit(texts, labels)
    >>> list(clf.classes_)
    ['attack', 'peace']
    """

    name = "tfidf"

    def __init__(self, multi_label: bool = False, model: str = "svm", C: float = 1.0,
                 class_weight: str | None = None, ngram_range: tuple[int, int] = (1, 1),
                 char_ngrams: bool = False, char_ngram_range: tuple[int, int] = (2, 5),
                 sublinear_tf: bool = True, min_df: int = 1, max_features: int | None = None,
                 cv: int = 3, tune_thresholds: bool = True, threshold: float = 0.5,
                 min_cv_f1: float | None = None, lead_words: int = 0, lead_weight: float = 0.5,
                 top_k: int | None = None, random_state: int = 0):
        self.multi_label = multi_label
        self.model = model
        self.C = C
        self.class_weight = class_weight
        self.ngram_range = ngram_range
        self.char_ngrams = char_ngrams
        self.char_ngram_range = char_ngram_range
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.max_features = max_features
        self.cv = cv
        self.tune_thresholds = tune_thresholds
        self.threshold = threshold
        self.min_cv_f1 = min_cv_f1
        self.lead_words = lead_words
        self.lead_weight = lead_weight
        self.top_k = top_k
        self.random_state = random_state

    # ---------------------------------------------------------------- fitting
    def _check_params(self) -> None:
        if self.model not in ("svm", "logreg"):
            raise ConfigError(f"tfidf: model={self.model!r} is not allowed; use 'svm' or 'logreg'")
        if self.class_weight not in (None, "balanced"):
            raise ConfigError(f"tfidf: class_weight={self.class_weight!r}; use None or 'balanced'")
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise ConfigError(f"tfidf: C must be a positive number, got {self.C!r}")
        if not (isinstance(self.min_df, (int, np.integer)) and self.min_df >= 1):
            raise ConfigError(f"tfidf: min_df must be an int >= 1, got {self.min_df!r}")
        if self.min_cv_f1 is not None and not (isinstance(self.min_cv_f1, (int, float))
                                               and 0.0 <= self.min_cv_f1 < 1.0):
            raise ConfigError(f"tfidf: min_cv_f1 must be None or in [0, 1), got {self.min_cv_f1!r}")
        if not (isinstance(self.lead_words, (int, np.integer)) and self.lead_words >= 0):
            raise ConfigError(f"tfidf: lead_words must be an int >= 0, got {self.lead_words!r}")
        if not (isinstance(self.lead_weight, (int, float)) and self.lead_weight > 0):
            raise ConfigError(f"tfidf: lead_weight must be a positive number, got {self.lead_weight!r}")

    def _vectorizers(self):
        return build_vectorizer(self.ngram_range, self.char_ngrams, self.char_ngram_range,
                                self.sublinear_tf, self.min_df, self.max_features)

    def _lead_vectorizers(self):
        if not self.lead_words:
            return []
        return build_vectorizer((1, 2), False, (2, 5), self.sublinear_tf, min(2, self.min_df), self.max_features)

    def _leads(self, texts: list[str]) -> list[str]:
        return [" ".join(t.split()[: self.lead_words]) for t in texts]

    def _features(self, texts: list[str], fit: bool = False):
        """TF-IDF matrix of ``texts``: full-text features, then the weighted lead features if on."""
        import scipy.sparse as sp

        run = fit_transform_vectorizers if fit else transform_vectorizers
        X = run(self.vectorizers_, texts)
        if not self.lead_vectorizers_:
            return X
        try:
            L = run(self.lead_vectorizers_, self._leads(texts))
        except ValueError as err:  # fit on leads with no term kept (tiny data): no lead features
            if not fit or "empty vocabulary" not in str(err):
                raise
            self.lead_vectorizers_ = []
            return X
        return sp.hstack([X, L * np.float32(self.lead_weight)], format="csr")

    def _linear(self, X, Y):
        """Fit; return (coef, intercept) with one row per class (one-vs-rest or multinomial)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        def make():
            if self.model == "svm":
                return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)

        if self._uses_softmax(Y.shape[1]):
            return fit_multinomial(make, X, Y)
        return fit_one_vs_rest(make, X, Y)

    def _scores_to_proba(self, Z: np.ndarray, platt: np.ndarray | None) -> np.ndarray:
        if self.multi_label_:
            return sigmoid(Z * platt[:, 0] + platt[:, 1]) if platt is not None else sigmoid(Z)
        if platt is not None:  # single label: one temperature for all classes (see _fit)
            return softmax(Z * platt[:, 0][None, :])
        return softmax(Z)

    def _uses_softmax(self, n_classes: int) -> bool:
        return not self.multi_label and self.model == "logreg" and n_classes > 2

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        self._check_params()
        n_classes = Y.shape[1]
        self.vectorizers_ = self._vectorizers()
        self.lead_vectorizers_ = self._lead_vectorizers()
        X = self._features(texts, fit=True)
        # calibration (every model but the multinomial logreg) and multi-label thresholds need
        # out-of-fold scores; the folds reuse the vectorised matrix (only the linear model is refitted)
        need_cv = not self._uses_softmax(n_classes)
        self.cv_proba_ = None
        platt = None
        cv_scores = None
        if need_cv and self.cv and self.cv >= 2 and len(texts) >= 2 * self.cv:
            cv_scores = self._cv_scores(X, Y)
        coef, intercept = self._linear(X, Y)
        if need_cv:
            if cv_scores is None:
                cv_scores = np.asarray(X @ coef.T) + intercept
            platt = np.array([fit_platt(cv_scores[:, j], Y[:, j]) for j in range(n_classes)], dtype=np.float32)
            bad = platt[:, 0] <= 0  # tiny data: out-of-fold scores can be uninformative
            if bad.any():
                Z = np.asarray(X @ coef.T) + intercept
                for j in np.flatnonzero(bad):
                    a, b = fit_platt(Z[:, j], Y[:, j])
                    platt[j] = (a, b) if a > 0 else (1.0, 0.0)
        if need_cv and not self.multi_label and n_classes > 1:
            # single label: softmax of the raw scores at one CV-fitted temperature, so that predict
            # is the SVM's own argmax (per-class Platt scales can reorder close classes: BBC 5-fold
            # accuracy 0.978 with them, as the plain TF-IDF + LinearSVC pipeline without)
            Z = cv_scores if cv_scores is not None else np.asarray(X @ coef.T) + intercept
            platt = np.tile(np.array([fit_temperature(Z, Y), 0.0], dtype=np.float32), (n_classes, 1))
        self.coef_ = coef
        self.intercept_ = intercept
        self.platt_ = platt
        self._tuned_ = None
        if cv_scores is not None and self.multi_label and self.tune_thresholds:
            self.cv_proba_ = sigmoid(cv_scores * platt[:, 0] + platt[:, 1])
            self._tuned_ = tune_thresholds(Y, self.cv_proba_, grid=THRESHOLD_GRID, default=self.threshold,
                                           min_f1=self.min_cv_f1)

    def _initial_thresholds(self) -> np.ndarray:
        tuned = getattr(self, "_tuned_", None)
        if tuned is not None:
            return np.asarray(tuned, dtype=np.float64)
        return super()._initial_thresholds()

    def _cv_scores(self, X, Y: np.ndarray) -> np.ndarray:
        """Out-of-fold decision scores (one column per class) from ``cv`` folds."""
        from sklearn.model_selection import KFold, StratifiedKFold

        n = X.shape[0]
        out = np.zeros(Y.shape, dtype=np.float32)
        splitter = KFold(self.cv, shuffle=True, random_state=self.random_state).split(np.zeros(n))
        if not self.multi_label:
            y = Y.argmax(1)
            if np.bincount(y).min() >= self.cv:
                splitter = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(
                    np.zeros(n), y)
        for tr, te in splitter:
            coef, intercept = self._linear(X[tr], Y[tr])
            out[te] = np.asarray(X[te] @ coef.T) + intercept
        return out

    # ------------------------------------------------------------- prediction
    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Raw linear scores ``(n_texts, n_classes)``."""
        self._check_fitted()
        X = self._features(list(texts))
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        return self._scores_to_proba(self.decision_function(texts), self.platt_)

    # ------------------------------------------------------------- save/load
    def _get_state(self, path):
        state, arrays = vectorizers_state(self.vectorizers_)
        state["n_vectorizers"] = len(self.vectorizers_)
        lead_state, lead_arrays = vectorizers_state(self.lead_vectorizers_, prefix="lead")
        state.update(lead_state, n_lead_vectorizers=len(self.lead_vectorizers_))
        arrays.update(lead_arrays)
        arrays["coef"] = self.coef_
        arrays["intercept"] = self.intercept_
        if self.platt_ is not None:
            arrays["platt"] = self.platt_
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        vecs = self._vectorizers()[: int(state["n_vectorizers"])]
        self.vectorizers_ = restore_vectorizers(vecs, state, arrays)
        lead = self._lead_vectorizers()[: int(state.get("n_lead_vectorizers", 0))]
        self.lead_vectorizers_ = restore_vectorizers(lead, state, arrays, prefix="lead")
        self.coef_ = arrays["coef"]
        self.intercept_ = arrays["intercept"]
        self.platt_ = arrays.get("platt")
