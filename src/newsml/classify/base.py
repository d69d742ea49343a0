"""The classifier contract shared by every newsml classifier.

A classifier follows scikit-learn's rules: every setting is an explicit ``__init__`` keyword stored
unchanged (so ``get_params``/``set_params``/``clone`` work and a config can build it), ``fit``
returns ``self``, learned state ends with ``_`` and prediction never changes state.

Labels are strings. With ``multi_label=False`` ``fit`` takes one label per text and ``predict``
returns one label per text; with ``multi_label=True`` both use a list of labels per text (an empty
list is allowed: "no topic").

Subclasses implement :meth:`_fit` (on a label-indicator matrix) and :meth:`_predict_proba`, and
may override :meth:`sentence_scores` for evidence, and :meth:`_get_state`/:meth:`_set_state` for
saving. Everything else (label handling, per-label thresholds learned on validation data, top-k,
explain, save/load with JSON + safetensors) lives here.

Examples
--------
>>> import newsml
>>> clf = newsml.get_classifier("tfidf")  # doctest: +SKIP
>>> clf.fit(["Troops clashed at the border.", "Shares rose on Monday."], ["war", "markets"])  # doctest: +SKIP
>>> clf.predict(["Stocks fell."])  # doctest: +SKIP
['markets']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from newsml.data.document import Document
from newsml.errors import InputError, InputTypeError, NotFittedError
from newsml.limits import DEFAULT_CLASSIFIER_MAX_INPUT_CHARS, check_cap, cut_text
from newsml.persistence import CLASSIFIER_CONFIG as CONFIG_FILE  # noqa: F401 - re-exported for callers
from newsml.persistence import WEIGHTS_FILE  # noqa: F401 - re-exported for callers


@dataclass
class Evidence:
    """A sentence that supports a label, with its score (higher = stronger)."""

    sentence: str
    score: float
    index: int

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "score": float(self.score), "index": self.index}


def split_sentences_for_evidence(text: str) -> list[str]:
    """Sentences of ``text`` for evidence (the preprocessing splitter, lead removed)."""
    from newsml.data.sentences import split_sentences

    return split_sentences(text)


class BaseClassifier(ClassifierMixin, BaseEstimator):
    """Base class: label handling, thresholds, explain, save/load.

    Subclass ``__init__`` methods take explicit keywords, among them the three this class reads:
    ``multi_label`` (bool), ``threshold`` (the fixed multi-label decision threshold; None: 0.5) and
    ``top_k`` (at most this many labels per text; None: no cap). A subclass that lacks one fails when it
    is defined, not by silently falling back to a default. Learned attributes set here: ``classes_``,
    ``multi_label_`` and ``thresholds_``.

    Inputs are texts or :class:`newsml.data.Document` objects (their title and text are classified).
    """

    #: the ``__init__`` keywords every classifier takes because this base class reads them
    BASE_PARAMS = ("multi_label", "threshold", "top_k")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:
            return
        import inspect

        missing = [p for p in cls.BASE_PARAMS if p not in inspect.signature(cls.__init__).parameters]
        if missing:
            raise TypeError(f"{cls.__name__}.__init__ must take the keyword(s) {', '.join(missing)} "
                            "(BaseClassifier reads them)")

    #: registry name, set by subclasses (used by save/load)
    name: str = ""
    #: False for classifiers that work out of the box from a taxonomy (zero-shot, nli): the experiment
    #: runner then predicts without fitting unless a config asks for ``fit: always``
    requires_fit: bool = True
    #: per-document cost cap: characters of a text that are scored (None: no cap). Subclasses may take
    #: it as an ``__init__`` keyword; the CLI sets it from ``--max-input-chars``.
    max_input_chars: int | None = DEFAULT_CLASSIFIER_MAX_INPUT_CHARS

    def cap_text(self, text: str) -> tuple[str, dict[str, Any] | None]:
        """``text`` cut to :attr:`max_input_chars` at a sentence boundary, and the record of the cut (or None).

        Examples
        --------
        >>> from newsml.classify.keyword import KeywordClassifier
        >>> clf = KeywordClassifier()
        >>> clf.max_input_chars = 12
        >>> clf.cap_text("Troops left. Talks began.")
        ('Troops left.', {'reason': 'max_input_chars', 'input_chars': 25, 'scored_chars': 12, 'max_input_chars': 12})
        """
        cap = check_cap("max_input_chars", self.max_input_chars, self.name or type(self).__name__)
        return cut_text(text, cap)

    def trained_scripts(self) -> list[str]:
        """Writing systems of the training texts (``scripts_``); ``["Latin"]`` for the English built-ins."""
        return list(getattr(self, "scripts_", None) or ["Latin"])

    # ------------------------------------------------------------------ labels
    def _encode_labels(self, labels: Sequence[Any]) -> np.ndarray:
        multi = bool(self.multi_label)
        if len(labels) == 0:
            raise InputError("fit() needs at least one labelled text")
        if multi:
            rows = []
            for i, lab in enumerate(labels):
                if isinstance(lab, str):
                    raise InputError(
                        f"labels[{i}] is the string {lab!r}; with multi_label=True each text needs a list of labels"
                    )
                rows.append([str(x) for x in lab])
            classes = sorted({x for r in rows for x in r})
            index = {c: j for j, c in enumerate(classes)}
            Y = np.zeros((len(rows), len(classes)), dtype=np.float32)
            for i, r in enumerate(rows):
                for x in r:
                    Y[i, index[x]] = 1.0
        else:
            flat = []
            for i, lab in enumerate(labels):
                if isinstance(lab, (list, tuple)):
                    if len(lab) != 1:
                        raise InputError(
                            f"labels[{i}] has {len(lab)} labels; use multi_label=True for multi-label data"
                        )
                    lab = lab[0]
                flat.append(str(lab))
            classes = sorted(set(flat))
            index = {c: j for j, c in enumerate(classes)}
            Y = np.zeros((len(flat), len(classes)), dtype=np.float32)
            Y[np.arange(len(flat)), [index[x] for x in flat]] = 1.0
        self.classes_ = np.array(classes, dtype=object)
        self.multi_label_ = multi
        return Y

    def _check_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit() or load() first")

    # --------------------------------------------------------------- sklearn api
    def fit(self, texts: Sequence[str], labels: Sequence[Any], *,
            validation: tuple[Sequence[str], Sequence[Any]] | None = None):
        """Fit on ``texts`` and string ``labels``; learn per-label thresholds on ``validation``.

        Without validation data, multi-label thresholds are learned on the training predictions
        of a held-out fold when the subclass supports it, else fixed at ``threshold``.
        """
        texts = _as_texts(texts)
        Y = self._encode_labels(labels)
        if len(texts) != len(Y):
            raise InputError(f"fit(): {len(texts)} texts but {len(Y)} labels")
        val = None
        if validation is not None:
            vt, vl = validation
            val = (_as_texts(vt), self._indicator(vl))
        self._fit(texts, Y, validation=val)  # validation: for early stopping where a subclass uses it
        self.thresholds_ = self._initial_thresholds()
        self.scripts_ = _scripts_of(texts)
        if val is not None and self.multi_label_:
            P = self.predict_proba(val[0])
            self.thresholds_ = tune_thresholds(val[1], P)
        return self

    def _initial_thresholds(self) -> np.ndarray:
        """Thresholds right after ``_fit`` (subclasses may return ones tuned on internal CV)."""
        return np.full(len(self.classes_), 0.5 if self.threshold is None else float(self.threshold))

    def _indicator(self, labels: Sequence[Any]) -> np.ndarray:
        index = {c: j for j, c in enumerate(self.classes_)}
        Y = np.zeros((len(labels), len(self.classes_)), dtype=np.float32)
        for i, lab in enumerate(labels):
            for x in ([lab] if isinstance(lab, str) else lab):
                if x in index:
                    Y[i, index[x]] = 1.0
        return Y

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape ``(n_texts, n_classes)``, columns in ``classes_`` order."""
        self._check_fitted()
        capped = [self.cap_text(t) for t in _as_texts(texts)]  # bounded cost per document
        texts = [t for t, _ in capped]
        n_cut = sum(cut is not None for _, cut in capped)
        if n_cut:
            import warnings

            warnings.warn(f"{type(self).__name__}: {n_cut} text(s) longer than max_input_chars="
                          f"{self.max_input_chars} were cut to their first {self.max_input_chars} characters; "
                          "use cap_text() to see each cut, or raise max_input_chars", stacklevel=2)
        if not texts:
            return np.zeros((0, len(self.classes_)), dtype=np.float32)
        return np.asarray(self._predict_proba(texts), dtype=np.float32)

    def predict(self, texts: Sequence[str]) -> list:
        """One label per text, or (multi-label) a list of labels per text."""
        P = self.predict_proba(texts)
        return self.decide(P)

    def decide(self, P: np.ndarray) -> list:
        """Turn a probability matrix into labels (argmax, or thresholds / top_k for multi-label)."""
        self._check_fitted()
        if not self.multi_label_:
            return [str(self.classes_[j]) for j in P.argmax(axis=1)] if len(P) else []
        top_k = self.top_k
        out = []
        for row in P:
            if top_k:
                order = np.argsort(-row)[:top_k]
                chosen = [j for j in order if row[j] >= self.thresholds_[j]]
            else:
                chosen = [j for j in np.argsort(-row) if row[j] >= self.thresholds_[j]]
            out.append([str(self.classes_[j]) for j in chosen])
        return out

    def score(self, X, y, sample_weight=None):  # noqa: D401 - sklearn signature
        """Accuracy (single-label) or example-based F1 (multi-label)."""
        pred = self.predict(X)
        if not self.multi_label_:
            return float(np.mean([p == t for p, t in zip(pred, y)]))
        f1s = []
        for p, t in zip(pred, y):
            p, t = set(p), set(t)
            f1s.append(1.0 if not p and not t else 2 * len(p & t) / (len(p) + len(t)))
        return float(np.mean(f1s))

    # ------------------------------------------------------------------ evidence
    def sentence_scores(self, sentences: list[str]) -> np.ndarray:
        """Per-sentence label scores ``(n_sentences, n_classes)``; default: classify each sentence."""
        return self.predict_proba(sentences)

    def explain(self, text: str | Document, top_k: int = 3,
                labels: Sequence[str] | None = None) -> dict[str, list[Evidence]]:
        """Evidence sentences for each predicted label (or for ``labels``), best first."""
        self._check_fitted()
        text = self.cap_text(_as_texts([text])[0])[0]
        if labels is None:
            pred = self.predict([text])[0]
            labels = pred if isinstance(pred, list) else [pred]
        sentences = split_sentences_for_evidence(text) or [text]
        S = self.sentence_scores(sentences)
        index = {c: j for j, c in enumerate(self.classes_)}
        out: dict[str, list[Evidence]] = {}
        for lab in labels:
            j = index[lab]
            order = np.argsort(-S[:, j], kind="stable")[:top_k]
            out[lab] = [Evidence(sentences[i], float(S[i, j]), int(i)) for i in order]
        return out

    # ----------------------------------------------------------------- save/load
    def _get_state(self, path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Learned state beyond classes/thresholds: (JSON-able dict, named arrays); ``path`` is the save folder."""
        return {}, {}

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        """Restore what :meth:`_get_state` returned (``path`` is the save folder)."""

    def save(self, path: str | Path) -> Path:
        """Save to directory ``path``: JSON config + safetensors arrays (no pickle); see :mod:`newsml.persistence`."""
        from newsml.persistence import save_component

        self._check_fitted()
        extra = {"classes": [str(c) for c in self.classes_], "multi_label": bool(self.multi_label_),
                 "thresholds": [float(t) for t in self.thresholds_],
                 "scripts": self.trained_scripts()}
        return save_component(self, path, "classifier", extra)

    @classmethod
    def load(cls, path: str | Path) -> BaseClassifier:
        """Load a classifier saved with :meth:`save` (any registered class: the file names it)."""
        return load_classifier(path)


def load_classifier(path: str | Path) -> BaseClassifier:
    """Load a saved classifier directory; the class it names must be a registered classifier.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / CONFIG_FILE).write_text(json.dumps({"class": "os:system", "params": {}}))
    >>> load_classifier(d)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    newsml.errors.ModelLoadError: ...: class 'os:system' is not a registered newsml classifier...
    """
    from newsml.persistence import load_component

    return load_component(path, "classifier")


def tune_thresholds(Y: np.ndarray, P: np.ndarray, grid: np.ndarray | None = None,
                    default: float = 0.5, min_f1: float | None = None) -> np.ndarray:
    """Per-label thresholds that maximise F1 of ``P >= t`` against indicator matrix ``Y``.

    Labels with no positive example keep ``default``. With ``min_f1``, so does a label whose best F1
    is ``<= min_f1``: without it, a label the (cross-validated) scores never get right takes the
    lowest grid value and then fires on nearly every text (the "SCutFBR" rule of Yang 2001).

    >>> import numpy as np
    >>> tune_thresholds(np.array([[1], [0], [1]]), np.array([[0.4], [0.2], [0.9]])).round(2).tolist()
    [0.25]
    >>> tune_thresholds(np.array([[1], [0]]), np.array([[0.01], [0.3]]), min_f1=0.0).tolist()
    [0.5]
    """
    if grid is None:
        grid = np.round(np.arange(0.05, 0.951, 0.05), 2)
    out = np.full(Y.shape[1], default, dtype=np.float64)
    for j in range(Y.shape[1]):
        y = Y[:, j] > 0
        if not y.any():
            continue
        best, best_t = -1.0, default
        for t in grid:
            p = P[:, j] >= t
            tp = float((p & y).sum())
            f1 = 2 * tp / (p.sum() + y.sum()) if (p.sum() + y.sum()) else 0.0
            if f1 > best + 1e-9:
                best, best_t = f1, float(t)
        out[j] = default if min_f1 is not None and best <= min_f1 else best_t
    return out


def _scripts_of(texts: list[str], sample: int = 2000) -> list[str]:
    """Scripts that dominate at least 2% of (a sample of) the training texts, most common first."""
    from collections import Counter

    from newsml.scripts import dominant_script

    step = max(1, len(texts) // sample)
    counts = Counter(dominant_script(t) for t in texts[::step])
    counts.pop("", None)
    total = sum(counts.values())
    return [s for s, n in counts.most_common() if n >= 0.02 * total] or ["Latin"]


def _as_texts(texts: Any) -> list[str]:
    r"""Texts to classify: strings as they are, a :class:`~newsml.data.Document` as its title and text.

    >>> from newsml.data import Document
    >>> _as_texts(["Talks failed.", Document(id="1", text="Both sides left.", title="Talks fail"), None])
    ['Talks failed.', 'Talks fail\n\nBoth sides left.', '']
    """
    if isinstance(texts, (str, Document)):
        raise InputTypeError(f"expected a list of texts, got one {type(texts).__name__}; wrap it in a list")
    return [_text_of(t) for t in texts]


def _text_of(item: Any) -> str:
    if item is None:
        return ""
    if isinstance(item, str):
        return item
    if isinstance(item, Document):
        title, text = (item.title or "").strip(), item.text or ""
        # a title already repeated as the first line of the text is not added twice
        return f"{title}\n\n{text}" if title and not text.lstrip().startswith(title) else text
    raise InputTypeError(f"cannot classify a {type(item).__name__}: pass strings or newsml.data.Document objects")
