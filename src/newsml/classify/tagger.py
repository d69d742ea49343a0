"""``tagger``: the default ``news_events`` tagger, a stack of zero-shot, distant-supervision and lexical heads.

Every document is split into sentences (at most ``max_sentences``) and each distinct sentence is encoded
once with MiniLM (ONNX int8 by default, torch where onnxruntime is missing): all documents of one call
in one batched pass (with ``clauses=True`` the clauses of long sentences in a second one), and the
same vectors feed every feature below (``experiments/bench_tagger_speed.py``). Per topic, three kinds of evidence are read from the sentences that *assert* something:

1. **zero-shot**: the ``zero-shot`` tagger's sentence logit (exemplar similarity, cue phrases,
   background gate), see :mod:`newsml.classify.zeroshot`;
2. **distant supervision**: a logistic-regression head per topic on the sentence vector, trained on
   real news labelled with *other* event schemes and mapped onto the topics by the taxonomy's
   ``acled`` / ``satp`` / ``police`` / ``plover`` keys (CASE 2021 ACLED types, SATP attack types,
   India police events, NGEC PLOVER stories; ``experiments/train_tagger.py``);
3. **lexical head**: a logistic-regression head per topic on TF-IDF word 1-2-grams of the
   asserting sentences (:data:`LEX_VECTORIZER`), trained on human-labelled real news
   (``news_events_dev``) in :meth:`fit`. It keeps the words ("summoned", "expelled", "ceasefire")
   that a sentence vector blurs. A topic with few labelled texts has an unreliable head, so its
   logit is shrunk by ``n / (n + lex_shrink)`` (``n``: the topic's positive training texts).
   (A head on the mean sentence vector, tried before, added nothing next to it and was dropped.)

plus the best cue-phrase match (with the keyword tagger's negation and hedging rules), the best
match of a *specific* cue (a phrase of two or more words or a pattern, :func:`strong_cue_matcher`),
the best cue match in a sentence the zero-shot logit also supports (``cue_z``), the second-best
zero-shot sentence, the number of supporting sentences and the document's background gate. A logistic
*stacker* shared by all topics (:data:`FEATURES`, 11 weights, an intercept and a small per-topic
bias) turns them into a probability, and one global threshold decides. The stacker is fitted on
out-of-fold lexical-head scores, so it learns how far to trust each source on texts the head did
not see.

**Modality.** A sentence that denies an event ("the ministry denied expelling diplomats"), makes it
hypothetical ("sanctions could follow if...", "threatened to cut ties") or recounts old history
("in 1998 the army was routed") does not count for any topic except ``threat``, whose point is a
threatened act: see :func:`asserts`.

Without ``fit`` the classifier uses the weights shipped in ``newsml/taxonomy/data/tagger/``
(distant heads trained on the mapped data, lexical head and stacker fitted on all of
``news_events_dev``). ``fit(texts, labels)`` on texts labelled with the taxonomy's topics re-learns
the lexical head, the stacker and the threshold and keeps the distant heads.

Examples
--------
>>> import newsml
>>> clf = newsml.get_classifier("tagger")  # doctest: +SKIP
>>> clf.predict(["Mali cut diplomatic ties with Ukraine, accusing Kyiv of backing the rebels."])  # doctest: +SKIP
[['diplomatic_rupture', 'accusation']]
>>> asserts("The ministry denied that it had expelled the diplomats.")
False
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsml.classify._linear import fit_logreg_head, sigmoid
from newsml.classify._vectors import CACHE
from newsml.classify.base import BaseClassifier, split_sentences_for_evidence
from newsml.classify.taxonomy_based import TaxonomyBased
from newsml.errors import ConfigError, InputError
from newsml.taxonomy.loader import DATA_DIR, parse_taxonomy

#: stacker features, per document and topic (see :meth:`NewsEventTagger._features`)
FEATURES = ["zs_max", "zs_lead", "ds_max", "ds_lead", "cue", "support", "gate", "lex", "cue_z", "zs_2nd",
            "cue_strong"]
#: the lexical head's TF-IDF set-up (word 1-2-grams over the asserting sentences)
LEX_VECTORIZER = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True, "stop_words": "english"}
#: folder of the shipped weights (``<taxonomy>.json`` + ``<taxonomy>.safetensors``)
WEIGHTS_DIR = DATA_DIR / "tagger"
#: topics whose point is a threatened (not yet real) act: modal sentences count for them
MODAL_TOPICS = ("threat",)
#: sentences counted as the lead of an article
N_LEAD = 3
#: sentences read per document by default (news states its events first)
MAX_SENTENCES = 12
#: scale of the stacker's per-topic bias columns (a larger scale = a weaker pull towards 0)
BIAS_SCALE = 3.0
_CLIP = 12.0

_DENIAL = re.compile(
    r"\b(?:denie[sd]|deny|denying|denial)\b|\bruled out\b|\brules out\b|"
    r"\b(?:rejected|rejects|dismissed|dismisses)\s+(?:\w+\s+){0,3}?(?:claims?|allegations?|accusations?|reports?|charges?)\b|"
    r"\b(?:baseless|unfounded|groundless|fabricated)\b|\bnever (?:took place|happened|occurred)\b|"
    r"\bdid not (?:take place|happen|occur)\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|could|might|possibl[ey]|possibility|potential(?:ly)?|hypothetical\w*)\b|"
    r"\bmay\b(?!\s+\d)|\b(?:threat\w*|vow\w*|warn\w*)\s+(?:\w+\s+){0,2}?to\b|\bwarn\w* (?:that|of)\b|"
    r"\brisk of\b",
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_HISTORY = re.compile(
    rf"\b(?:in|since|until|back in|during)\s+(?:(?:early|late|mid-?)\s*)?(?:{_MONTH}\s+)?(?:\d{{1,2}},?\s+)?(?:19|20)\d\d\b|"
    r"\bthe\s+(?:19|20)\d0s\b|\bthe\s+(?:19|20)\d\d\s+(?:war|conflict|genocide|coup|massacre|invasion|uprising|revolution|crisis)\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many)\s+"
    r"(?:years|decades)\s+(?:ago|earlier)\b|\blast\s+(?:year|decade)\b|\bin the past\b|"
    r"\b(?:history|historically)\b|\bpreviously\b",
    re.IGNORECASE,
)
#: a dated sentence about what is coming is not history ("elections will be held in May 2026")
_FUTURE = re.compile(r"\b(?:will|next|upcoming|due|scheduled|set to)\b", re.IGNORECASE)


def asserts(sentence: str) -> bool:
    """False when ``sentence`` denies, hypothesises or recounts old history (see module docs).

    >>> asserts("Mali severed diplomatic relations with Ukraine on Sunday.")
    True
    >>> asserts("The ministry denied that it had expelled the diplomats.")
    False
    >>> asserts("Sanctions could be imposed if the talks fail.")
    False
    >>> asserts("In 1998 the army was routed at the border.")
    False
    """
    return modality(sentence) is None


def modality(sentence: str) -> str | None:
    """``"denial"``, ``"hypothetical"`` or ``"history"`` for a non-asserting sentence, else None."""
    if _DENIAL.search(sentence):
        return "denial"
    if _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    if _HISTORY.search(sentence) and not _FUTURE.search(sentence):
        return "history"
    return None


class NewsEventTagger(TaxonomyBased, BaseClassifier):
    """Stacked topic tagger: zero-shot + distant-supervision heads + lexical head (see module docs).

    Parameters
    ----------
    taxonomy : str
        Built-in taxonomy name or YAML path (shipped weights exist for ``news_events``).
    encoder : str or None
        Sentence encoder name or path; None = the embedded all-MiniLM-L6-v2.
    backend : str
        Encoder backend (``"auto"``: ONNX when available, else torch; see :func:`newsml.encoders.encode`).
    quantize : bool
        Use the int8 ONNX model (about 2x faster on CPU; the shipped heads were trained on its vectors).
    multi_label : bool
        Multi-label output (default True): a list of topics per text, possibly empty.
    threshold : float or None
        Decision threshold for every topic; None = the fitted (or shipped) ones.
    topic_shrink : float or None
        Per-topic thresholds in :meth:`fit`: each topic's best threshold on the training texts,
        shrunk towards the global one as ``(n_pos * t_topic + topic_shrink * t_global) / (n_pos +
        topic_shrink)`` (``n_pos``: the topic's positive training texts); None = one global threshold.
    top_k : int or None
        Keep at most this many topics per text.
    modality : bool
        Ignore denied, hypothetical and historical sentences (except for ``threat``).
    max_sentences : int or None
        Read at most this many sentences per document (news puts its events first); None = all.
    lex_C : float
        Inverse regularisation of the lexical head.
    lex_shrink : float
        The lexical logit of a topic with ``n`` positive training texts is multiplied by
        ``n / (n + lex_shrink)``; 0 = no shrinking.
    stack_C : float
        Inverse regularisation of the stacker.
    weights : str or None
        Folder or ``.json`` file of weights saved by :func:`save_shipped`; None = the shipped ones.
    batch_size : int
        Encoder batch size.
    random_state : int
        Seed of the internal cross-validation folds of :meth:`fit`.
    clauses : bool
        Also score long sentences clause by clause in the zero-shot features (news leads often
        report two events in one sentence). It encodes about 20% more text per article; with the
        current heads it does not move the cross-validated macro-F1 on ``news_events_dev`` (mean
        over three fold splits 0.698 with, 0.699 without) and the seed article keeps its topics
        without it, so the default is off (``experiments/results/tagger_speed.md``).

    Attributes
    ----------
    classes_ : ndarray of str
    thresholds_ : ndarray of float
    distant_coef_, distant_intercept_ : ndarray
        Distant-supervision heads (one row per topic).
    lex_vocab_ : list of str
        Terms of the lexical head's TF-IDF vectorizer, in column order.
    lex_idf_, lex_coef_ : ndarray
        Its idf weights and per-topic word weights (one row per topic).
    lex_scale_ : ndarray of shape (n_topics,)
        The per-topic shrink factors ``n / (n + lex_shrink)``.
    stack_coef_ : ndarray of shape (len(FEATURES),)
        Stacker weights shared by all topics.
    topic_bias_ : ndarray of shape (n_topics,)
        Per-topic stacker bias (regularised towards 0).
    stack_intercept_ : float
    threshold_ : float
    topic_threshold_ : ndarray of shape (n_topics,)
        Per-topic thresholds (all ``threshold_`` unless ``topic_shrink`` was set when fitting).

    Examples
    --------
    >>> clf = NewsEventTagger()  # doctest: +SKIP
    >>> clf.explain("Shares rose. Rebels overran the base and the army retreated.")  # doctest: +SKIP
    {'military_defeat': [Evidence(sentence='Rebels overran the base and the army retreated.', ...)]}
    """

    requires_fit = False

    name = "tagger"

    def __init__(self, taxonomy: str = "news_events", encoder: str | None = None, backend: str = "auto",
                 quantize: bool = True, multi_label: bool = True, threshold: float | None = None,
                 top_k: int | None = None, modality: bool = True, max_sentences: int | None = MAX_SENTENCES,
                 lex_C: float = 1.0, lex_shrink: float = 5.0, stack_C: float = 0.3, weights: str | None = None, batch_size: int = 16,
                 random_state: int = 0, clauses: bool = False, topic_shrink: float | None = None):
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.backend = backend
        self.quantize = quantize
        self.multi_label = multi_label
        self.threshold = threshold
        self.top_k = top_k
        self.modality = modality
        self.max_sentences = max_sentences
        self.lex_C = lex_C
        self.lex_shrink = lex_shrink
        self.stack_C = stack_C
        self.weights = weights
        self.batch_size = batch_size
        self.random_state = random_state
        self.clauses = clauses
        self.topic_shrink = topic_shrink

    # ------------------------------------------------------------------ state
    def _default_state(self) -> None:
        tax = self._init_from_taxonomy()
        path = _weights_path(self.weights, tax.name)
        if path is None:
            d = len(self._encode(["."])[0])
            self.distant_coef_ = np.zeros((len(tax), d), dtype=np.float32)
            self.distant_intercept_ = np.full(len(tax), -_CLIP, dtype=np.float32)
            self.has_distant_ = np.zeros(len(tax), dtype=bool)
            self.lex_scale_ = np.zeros(len(tax), dtype=np.float32)
            self.lex_vocab_, self.lex_idf_ = [], np.zeros(0, dtype=np.float32)
            self.lex_coef_ = np.zeros((len(tax), 0), dtype=np.float32)
            # without trained weights: trust the zero-shot logit and the cues
            self.stack_coef_ = np.array([1.0 if f in ("zs_max", "cue") else 0.0 for f in FEATURES])
            self.topic_bias_ = np.zeros(len(tax))
            self.stack_intercept_ = 0.0
            self.threshold_ = 0.5
            self.topic_threshold_ = np.full(len(tax), 0.5)
        else:
            self._read_weights(path)
        self.thresholds_ = self._initial_thresholds()

    def _read_weights(self, path: Path) -> None:
        from safetensors.numpy import load_file

        try:
            meta = json.loads(path.read_text())
            arrays = load_file(str(path.with_suffix(".safetensors")))
            if list(meta["classes"]) != [str(c) for c in self.classes_]:
                raise ConfigError(f"{path}: key 'classes' does not match the topics of taxonomy {self.taxonomy!r}")
            self._restore(meta, arrays)
        except (OSError, KeyError, ValueError) as exc:
            raise ConfigError(f"{path}: not a valid tagger weights file ({exc}); rerun experiments/train_tagger.py") from exc

    def _initial_thresholds(self) -> np.ndarray:
        if self.threshold is not None:
            return np.full(len(self.classes_), float(self.threshold), dtype=np.float64)
        return np.asarray(self.topic_threshold_, dtype=np.float64).copy()

    def fit_distant(self, X: np.ndarray, Y: np.ndarray, C: float = 1.0) -> NewsEventTagger:
        """Train the distant-supervision heads on sentence vectors ``X`` and topic indicators ``Y``.

        Columns of ``Y`` follow ``classes_``; topics with no positive example get no head (their
        ``ds_*`` features fall back to the zero-shot logit). Returns ``self``.
        """
        self._check_fitted()
        if Y.shape != (len(X), len(self.classes_)):
            raise InputError(f"fit_distant(): Y must have shape ({len(X)}, {len(self.classes_)}), got {Y.shape}")
        self.distant_coef_, self.distant_intercept_ = fit_logreg_head(X, Y, multi_label=True, C=C,
                                                                      class_weight="balanced")
        self.has_distant_ = Y.sum(axis=0) > 0
        return self

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        from sklearn.model_selection import KFold

        tax = self._taxonomy()
        unknown = [str(c) for c in self.classes_ if str(c) not in tax]
        if unknown:
            raise InputError(f"tagger: labels {unknown[:3]} are not topics of taxonomy {tax.name!r}; "
                             "use the taxonomy's topic ids (or the 'embedding' classifier for other labels)")
        # align Y's columns (sorted labels seen) with all taxonomy topics
        seen = {str(c): j for j, c in enumerate(self.classes_)}
        Yt = np.zeros((len(texts), len(tax)), dtype=np.float32)
        for k, t in enumerate(tax.ids):
            if t in seen:
                Yt[:, k] = Y[:, seen[t]]
        for attr in ("distant_coef_", "distant_intercept_", "has_distant_"):  # keep the distant heads
            setattr(self, attr, getattr(self, attr))
        self.taxonomy_ = tax
        self.classes_ = np.array(tax.ids, dtype=object)
        views = self._views(texts)
        # out-of-fold lexical-head scores for the stacker (each fold shrunk by its own counts),
        # then the head on everything
        lex_oof = np.zeros((len(texts), len(tax)))
        docs = views["asserted_text"]
        n_splits = min(5, len(texts))
        if n_splits >= 2:
            for tr, te in KFold(n_splits, shuffle=True, random_state=self.random_state).split(texts):
                lex = fit_lexical_head([docs[i] for i in tr], Yt[tr], C=self.lex_C)
                lex_oof[te] = lexical_logits(lex, [docs[i] for i in te]) * self._shrink(Yt[tr])
        lex = fit_lexical_head(docs, Yt, C=self.lex_C)
        self.lex_vocab_, self.lex_idf_, self.lex_coef_ = lex["vocab"], lex["idf"], lex["coef"]
        self.lex_scale_ = self._shrink(Yt)
        F = self._features(views, lex=lex_oof)
        from newsml.classify.zeroshot import best_global_threshold, fit_combination

        # shared weights plus one (L2-shrunk) bias per topic: topics differ in base rate
        # (the bias columns are scaled up, so their L2 penalty is BIAS_SCALE**2 times weaker: each
        # topic's base rate lives here, not in the lexical head's intercept)
        onehot = np.broadcast_to(np.eye(len(tax)) * BIAS_SCALE, (len(texts), len(tax), len(tax)))
        coef, self.stack_intercept_ = fit_combination(np.concatenate([F, onehot], axis=2), Yt, C=self.stack_C)
        self.stack_coef_, self.topic_bias_ = coef[: len(FEATURES)], coef[len(FEATURES):] * BIAS_SCALE
        P = self._stack(F)
        self.threshold_ = best_global_threshold(Yt, P) if self.multi_label_ else 0.5
        self.topic_threshold_ = np.full(len(tax), self.threshold_)
        if self.topic_shrink is not None and self.multi_label_:
            self.topic_threshold_ = topic_thresholds(Yt, P, self.threshold_, float(self.topic_shrink))

    def _shrink(self, Y: np.ndarray) -> np.ndarray:
        n = (np.asarray(Y) > 0).sum(axis=0).astype(np.float64)
        return n / np.maximum(n + float(self.lex_shrink), 1e-12)

    # -------------------------------------------------------------- features
    def _encode(self, sentences: list[str]) -> np.ndarray:
        return CACHE.get_many(list(sentences), self.encoder, batch_size=self.batch_size, backend=self.backend,
                              quantize=self.quantize)

    def _zero_shot(self):
        from newsml.classify.zeroshot import ZeroShotClassifier

        return ZeroShotClassifier(taxonomy=self.taxonomy, encoder=self.encoder, batch_size=self.batch_size,
                                  backend=self.backend, quantize=self.quantize)

    def _sentences(self, text: str) -> list[str]:
        sents = split_sentences_for_evidence(text) or [text if text.strip() else " "]
        return sents[: self.max_sentences] if self.max_sentences else sents

    def _views(self, texts: Sequence[str]) -> dict[str, Any]:
        """Per-document sentence evidence: zero-shot and distant logits, cues, masks, asserted text."""
        sents = [self._sentences(t) for t in texts]
        flat = [s for ss in sents for s in ss]
        E = self._encode(flat)
        zs = self._zero_shot()
        pooled, blocks, _ = zs._pooled_features(texts, sents_per_doc=sents, E=E, clauses=self.clauses)
        modal_ok = np.array([str(c) in MODAL_TOPICS for c in self.classes_])
        strong_m = strong_cue_matcher(self._taxonomy(), self.classes_)
        D = np.clip(E @ self.distant_coef_.T + self.distant_intercept_, -_CLIP, _CLIP)
        docs, asserted, k = [], [], 0
        for i, ss in enumerate(sents):
            n = len(ss)
            z = np.clip(blocks[i] @ zs.coef_ + zs.intercept_, -_CLIP, _CLIP)
            ok = np.array([asserts(s) for s in ss]) if self.modality else np.ones(n, dtype=bool)
            M = ok[:, None] | modal_ok[None, :]
            cue = blocks[i][:, :, 4]  # the zero-shot features' cue weights (same cues, same matcher)
            strong = np.zeros_like(cue)  # specific cues are a subset: only sentences with a cue can match
            rows = np.flatnonzero((cue > 0).any(axis=1))
            if len(rows):
                strong[rows] = strong_m.weights([ss[r] for r in rows], dtype=np.float64)
            docs.append({"z": z, "ds": D[k:k + n], "cue": cue, "strong": strong, "mask": M, "n": n,
                         "gate": float(pooled[i, 0, 6])})
            asserted.append(" ".join(s for s, o in zip(ss, ok) if o) or " ")
            k += n
        return {"docs": docs, "asserted_text": asserted}

    def _lex_state(self) -> dict[str, Any]:
        return {"vocab": self.lex_vocab_, "idf": self.lex_idf_, "coef": self.lex_coef_}

    def _features(self, views, lex: np.ndarray | None = None) -> np.ndarray:
        """Stacker features ``(n_texts, n_topics, len(FEATURES))`` over each topic's asserting sentences."""
        docs = views["docs"]
        if lex is None:
            lex = lexical_logits(self._lex_state(), views["asserted_text"]) * self.lex_scale_
        F = np.zeros((len(docs), len(self.classes_), len(FEATURES)))
        has = np.asarray(self.has_distant_, dtype=bool)
        for i, d in enumerate(docs):
            M, lead = d["mask"], np.arange(d["n"])[:, None] < N_LEAD
            ds = np.where(has[None, :], d["ds"], d["z"])  # no distant head: stand in the zero-shot logit
            F[i, :, 0] = _masked_max(d["z"], M)
            F[i, :, 1] = _masked_max(d["z"], M & lead)
            F[i, :, 2] = _masked_max(ds, M)
            F[i, :, 3] = _masked_max(ds, M & lead)
            F[i, :, 4] = np.where(M, d["cue"], 0.0).max(axis=0)
            F[i, :, 5] = np.log1p(((d["z"] > 0) & M).sum(axis=0))
            F[i, :, 6] = d["gate"]
            # a cue in a sentence the zero-shot logit also leans towards; the runner-up sentence
            F[i, :, 8] = np.where(M, d["cue"] * sigmoid(d["z"] + 1.0), 0.0).max(axis=0)
            zz = np.sort(np.where(M, d["z"], -_CLIP), axis=0)
            F[i, :, 9] = zz[-2] if d["n"] > 1 else -_CLIP
            F[i, :, 10] = np.where(M, d["strong"], 0.0).max(axis=0)
        F[:, :, 7] = lex
        return F

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        P = self._stack(self._features(self._views(texts)))
        if not self.multi_label_:
            P = (P + 1e-6) / (P + 1e-6).sum(axis=1, keepdims=True)
        return P

    def _stack(self, F: np.ndarray) -> np.ndarray:
        """Stacker probabilities from :meth:`_features` output."""
        return sigmoid(F @ self.stack_coef_ + self.topic_bias_ + self.stack_intercept_)

    # ------------------------------------------------------------------- save
    def _get_state(self, path):
        self._check_fitted()
        state = {"taxonomy": self._taxonomy().to_dict(), "stack_intercept": float(self.stack_intercept_),
                 "threshold": float(self.threshold_), "lex_vocab": list(self.lex_vocab_)}
        return state, _arrays(self)

    def _set_state(self, state, arrays, path):
        self.taxonomy_ = parse_taxonomy(state["taxonomy"], f"{path}/newsml_classifier.json:state.taxonomy")
        self._restore(state, arrays)

    def _restore(self, scalars: dict, arrays: dict[str, np.ndarray]) -> None:
        """Set the learned weights from saved arrays and the two saved scalars (shipped file or saved model)."""
        self.distant_coef_ = arrays["distant_coef"]
        self.distant_intercept_ = arrays["distant_intercept"]
        self.has_distant_ = arrays["has_distant"].astype(bool)
        self.stack_coef_ = arrays["stack_coef"].astype(np.float64)
        self.topic_bias_ = arrays["topic_bias"].astype(np.float64)
        self.stack_intercept_ = float(scalars["stack_intercept"])
        self.threshold_ = float(scalars["threshold"])
        self.lex_vocab_ = [str(t) for t in scalars["lex_vocab"]]
        self.lex_idf_ = arrays["lex_idf"]
        self.lex_coef_ = arrays["lex_coef"]
        self.lex_scale_ = arrays["lex_scale"]
        if len(self.stack_coef_) != len(FEATURES) or self.lex_coef_.shape[1] != len(self.lex_vocab_):
            raise ValueError(f"stack_coef has {len(self.stack_coef_)} weights for {len(FEATURES)} features, or "
                             f"lex_coef has {self.lex_coef_.shape[1]} columns for {len(self.lex_vocab_)} terms")
        t = arrays.get("topic_threshold")
        self.topic_threshold_ = (np.full(len(self.distant_intercept_), self.threshold_) if t is None
                                 else np.asarray(t, dtype=np.float64))


def _arrays(clf: NewsEventTagger) -> dict[str, np.ndarray]:
    return {"distant_coef": np.asarray(clf.distant_coef_, dtype=np.float32),
            "distant_intercept": np.asarray(clf.distant_intercept_, dtype=np.float32),
            "has_distant": np.asarray(clf.has_distant_, dtype=np.uint8),
            "stack_coef": np.asarray(clf.stack_coef_, dtype=np.float64),
            "topic_bias": np.asarray(clf.topic_bias_, dtype=np.float64),
            "topic_threshold": np.asarray(clf.topic_threshold_, dtype=np.float64),
            "lex_idf": np.asarray(clf.lex_idf_, dtype=np.float32),
            "lex_coef": np.asarray(clf.lex_coef_, dtype=np.float32),
            "lex_scale": np.asarray(clf.lex_scale_, dtype=np.float32)}


def save_shipped(clf: NewsEventTagger, info: dict[str, Any], folder: str | Path | None = None) -> Path:
    """Write ``clf``'s weights as the shipped default: ``<taxonomy>.json`` + ``<taxonomy>.safetensors``."""
    from safetensors.numpy import save_file

    folder = Path(folder) if folder else WEIGHTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = clf._taxonomy().name
    meta = {"classes": [str(c) for c in clf.classes_], "features": FEATURES,
            "stack_coef": [round(float(x), 4) for x in clf.stack_coef_],
            "stack_intercept": float(clf.stack_intercept_), "threshold": float(clf.threshold_),
            "lex_vocab": list(clf.lex_vocab_),
            "encoder": {"name": clf.encoder or "all-MiniLM-L6-v2", "backend": clf.backend, "quantize": clf.quantize},
            **info}
    save_file(_arrays(clf), str(folder / f"{name}.safetensors"))
    path = folder / f"{name}.json"
    path.write_text(json.dumps(meta, indent=2) + "\n")
    return path


def topic_thresholds(Y: np.ndarray, P: np.ndarray, t_global: float, shrink: float) -> np.ndarray:
    """Per-topic thresholds: each topic's F1-best threshold on ``(Y, P)`` shrunk towards ``t_global``.

    A topic with ``n`` positive rows gets ``(n * t_best + shrink * t_global) / (n + shrink)``, so rare
    topics stay near the global threshold.

    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    >>> P = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.6], [0.5, 0.4]])
    >>> topic_thresholds(Y, P, 0.5, shrink=0.0).round(3).tolist()
    [0.525, 0.425]
    """
    from newsml.classify.base import tune_thresholds

    best = tune_thresholds(Y, P, grid=np.round(np.arange(0.05, 0.951, 0.025), 3), default=float(t_global))
    n = (Y > 0).sum(axis=0).astype(np.float64)
    return np.where(n > 0, (n * best + shrink * t_global) / np.maximum(n + shrink, 1e-12), float(t_global))


def strong_cue_matcher(tax, classes):
    """A cue matcher over each topic's *specific* cues: phrases of two or more words and ``re:`` patterns.

    >>> from newsml.taxonomy import load_taxonomy
    >>> m = strong_cue_matcher(load_taxonomy("news_events"), ["military_defeat"])
    >>> m.weights(["It was the heaviest defeat for the army.", "The troops retreated."]).ravel().tolist()
    [1.0, 0.0]
    """
    from newsml.classify.keyword import cue_matcher

    def specific(cue: str) -> bool:
        return cue.startswith("re:") or len(cue.replace("...", " ").split()) > 1

    return cue_matcher([[c for c in tax[str(t)].cues if specific(c)] if str(t) in tax else [] for t in classes])


def fit_lexical_head(texts: Sequence[str], Y: np.ndarray, C: float = 1.0) -> dict[str, Any]:
    """TF-IDF (:data:`LEX_VECTORIZER`) + one balanced logistic regression per column of ``Y``.

    Returns ``{"vocab", "idf", "coef"}`` (plain lists and arrays, saved without pickling). The
    regressions' intercepts are dropped: with a handful of positive texts an intercept is mostly the
    topic's base rate, which the stacker's per-topic bias models. A column with no positive row gets
    a zero head.

    >>> head = fit_lexical_head(["troops clashed at the border", "shares rose", "troops clashed again",
    ...                          "shares fell"], np.array([[1], [0], [1], [0]]))
    >>> bool(lexical_logits(head, ["the troops clashed"])[0, 0] > lexical_logits(head, ["shares rose"])[0, 0])
    True
    >>> float(lexical_logits(head, ["nothing known"])[0, 0])
    0.0
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsml.classify.tfidf import vectorizers_state

    vec = TfidfVectorizer(**LEX_VECTORIZER, dtype=np.float32)
    try:
        X = vec.fit_transform(list(texts))
    except ValueError:  # no term in at least min_df texts
        return {"vocab": [], "idf": np.zeros(0, np.float32), "coef": np.zeros((Y.shape[1], 0), np.float32)}
    coef, _ = fit_logreg_head(X, np.asarray(Y), multi_label=True, C=C, class_weight="balanced")
    state, arrays = vectorizers_state([vec], prefix="lex")
    return {"vocab": state["lex_vocab_0"], "idf": arrays["lex_idf_0"], "coef": coef}


def lexical_logits(head: dict[str, Any], texts: Sequence[str]) -> np.ndarray:
    """The words' evidence ``X @ coef.T`` ``(len(texts), n_topics)`` of a :func:`fit_lexical_head` head, clipped."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsml.classify.tfidf import restore_vectorizers

    coef = np.asarray(head["coef"])
    if not len(head["vocab"]):
        return np.zeros((len(texts), coef.shape[0]))
    (vec,) = restore_vectorizers([TfidfVectorizer(**LEX_VECTORIZER, dtype=np.float32)],
                                 {"lex_vocab_0": head["vocab"]}, {"lex_idf_0": head["idf"]}, prefix="lex")
    return np.clip(np.asarray(vec.transform(list(texts)) @ coef.T), -_CLIP, _CLIP)


def _weights_path(weights: str | None, taxonomy_name: str) -> Path | None:
    if weights:
        p = Path(weights)
        p = p / f"{taxonomy_name}.json" if p.is_dir() else p
        if not p.exists():
            raise ConfigError(f"tagger: weights={weights!r}: {p} does not exist")
        return p
    p = WEIGHTS_DIR / f"{taxonomy_name}.json"
    return p if p.exists() else None


def _masked_max(X: np.ndarray, M: np.ndarray) -> np.ndarray:
    return np.where(M, X, -_CLIP).max(axis=0)
