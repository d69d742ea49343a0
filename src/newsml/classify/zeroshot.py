"""``zero-shot``: the default newsml tagger, needing no training data.

Every sentence of a document is scored against every topic of a taxonomy with two kinds of
evidence, then sentence scores are pooled into document scores:

1. **Exemplar similarity.** The sentence is embedded with the sentence encoder (default: the
   embedded all-MiniLM-L6-v2) and compared with the topic's own short news-style *exemplar*
   sentences and its definition (written in the taxonomy YAML). Similarity to a handful of
   concrete examples is much more reliable than similarity to one abstract definition.
2. **Cue phrases** with negation and hedging handling (shared with the ``keyword`` tagger).

A *non-political gate* compares each sentence with the taxonomy's ``background`` sentences (sport,
markets, technology, culture, weather...): text that looks more like background news than like any
topic is pushed towards "no topic".

Scoring has two stages, each a logistic combination shared by all topics (so that it transfers to
new taxonomies):

1. **Sentence stage.** Per sentence and topic the features (:data:`FEATURES`) are: best exemplar
   similarity, mean of the three best, best similarity minus best background similarity, margin over
   the best other topic, cue weight, the document's share of sentences with a cue, the background
   gate (background similarity minus best topic similarity, from the document centroid) and the
   topic similarity of the document centroid. Their combination gives a sentence logit ``z``, and
   ``sentence_scores``/``explain`` show it as the evidence strength.
2. **Document stage.** Real articles mention many events in passing (background paragraphs such as
   "a peace accord signed in 2015 collapsed last year"), so max-pooling sentences over-tags long
   texts. The document features (:data:`DOC_FEATURES`) describe *where* the support lies: best
   sentence, best lead sentence (the first :data:`N_LEAD`), best foreground sentence (ignoring
   sentences that recount earlier events: dates, "last year", "had been"...), the second-best
   sentence (corroboration), the number of supporting sentences, and the document-level cue share,
   gate and centroid similarity.

Both stages' weights and the decision threshold were calibrated on the ``tune`` halves of our own
labelled sets (short snippets, ``experiments/devsets/news_events_dev.jsonl``, and multi-paragraph
wire-style articles, ``experiments/devsets/news_events_blind.jsonl``; see
``experiments/bench_tagger.py``) and ship in ``newsml/taxonomy/data/calibration/zero-shot.json``. A
calibration file without the document stage scores a document by its best sentence.

The classifier is usable without ``fit`` (classes = taxonomy topics). ``fit(texts, labels)`` is
optional: labels that are not taxonomy topics get the training texts as exemplars (few-shot
prototypes); with 20 or more texts whose labels are all taxonomy topics the document-stage weights
are re-learned on them; multi-label thresholds are tuned on ``validation`` data when given.

Examples
--------
>>> import newsml
>>> clf = newsml.get_classifier("zero-shot")  # doctest: +SKIP
>>> clf.predict(["Mali cut diplomatic ties with Ukraine, accusing Kyiv of backing the rebels."])  # doctest: +SKIP
[['diplomatic_rupture', 'accusation', 'foreign_interference']]
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsml.classify._linear import sigmoid as _sigmoid
from newsml.classify._vectors import CACHE
from newsml.classify.base import BaseClassifier, split_sentences_for_evidence
from newsml.classify.keyword import cue_matcher
from newsml.classify.taxonomy_based import TaxonomyBased
from newsml.errors import ConfigError
from newsml.taxonomy import compile_cue
from newsml.taxonomy.loader import DATA_DIR, parse_taxonomy

FEATURES = ["ex_max", "ex_top3", "ex_minus_bg", "margin", "cue", "cue_frac", "gate", "doc_ex"]
#: document-level features of the second stage (see :meth:`ZeroShotClassifier._doc_features`)
DOC_FEATURES = ["z_max", "z_lead", "z_fg", "z_2nd", "support", "cue_frac", "gate", "doc_ex"]
#: sentences counted as the lead of an article (dateline + first paragraph)
N_LEAD = 2
#: sentences that recount earlier events ("in 2015", "last year", "had been", "since its founding"...)
_HISTORY = re.compile(
    r"\b(?:in|since|until|before|after|by|during|between|from)\s+(?:(?:early|late|mid-?)\s*)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d\d\b|"
    r"\b(?:last|previous|past)\s+(?:year|month|decade)s?\b|\b(?:years|months|decades)\s+ago\b|"
    r"\b(?:a|one|two|three|four|five)\s+years?\s+ago\b|\bearlier\s+(?:this|last)\s+(?:year|month)\b|"
    r"\b(?:previously|formerly|once again|in the past|history of|long history|has long|have long|had been|"
    r"had previously|previous|prior)\b|\bsince\s+(?:the|its|their|his|her)\b",
    re.IGNORECASE,
)
_Z_CLIP = 12.0
CALIBRATION_FILE = DATA_DIR / "calibration" / "zero-shot.json"
#: fallback weights, used only when the calibration file is missing
_FALLBACK = {"coef": [3.0, 3.0, 3.0, 4.0, 2.3, 1.6, -0.8, 1.0], "intercept": -5.5, "threshold": 0.3,
             "doc_coef": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], "doc_intercept": 0.0}
_PROTO_CACHE: dict[tuple, np.ndarray] = {}


def prototype_file(sentences: list[str]) -> Path:
    """Where the default encoder's embeddings of ``sentences`` are shipped (name = content hash)."""
    import hashlib

    h = hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:20]
    return CALIBRATION_FILE.parent / f"prototypes-{h}.npy"


def load_calibration(path: str | Path | None = None) -> dict[str, Any]:
    """The shipped (or given) calibration: ``coef``, ``intercept``, ``threshold``, ``thresholds``."""
    p = Path(path) if path else CALIBRATION_FILE
    if not p.exists():
        if path:
            raise ConfigError(f"calibration file {str(p)!r} does not exist")
        return dict(_FALLBACK)
    try:
        cal = json.loads(p.read_text())
        _ = [float(x) for x in cal["coef"]], float(cal["intercept"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{p}: not a valid zero-shot calibration (needs keys coef, intercept): {exc}") from exc
    if len(cal["coef"]) != len(FEATURES):
        raise ConfigError(f"{p}: key 'coef' needs {len(FEATURES)} numbers ({', '.join(FEATURES)})")
    if "doc_coef" not in cal:  # a one-stage calibration: the document score is the best sentence score
        cal["doc_coef"], cal["doc_intercept"] = list(_FALLBACK["doc_coef"]), 0.0
    try:
        _ = [float(x) for x in cal["doc_coef"]], float(cal.get("doc_intercept", 0.0))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{p}: key 'doc_coef' must be a list of numbers: {exc}") from exc
    if len(cal["doc_coef"]) != len(DOC_FEATURES):
        raise ConfigError(f"{p}: key 'doc_coef' needs {len(DOC_FEATURES)} numbers ({', '.join(DOC_FEATURES)})")
    return cal


class ZeroShotClassifier(TaxonomyBased, BaseClassifier):
    """Taxonomy tagger: exemplar similarity + cue phrases + background gate (see module docs).

    Parameters
    ----------
    taxonomy : str
        Built-in taxonomy name (``news_events``, ``plover``) or YAML path.
    encoder : str or None
        Sentence-transformers model name or path; None = embedded all-MiniLM-L6-v2.
    multi_label : bool
        Multi-label output (default True): a list of topics per text, possibly empty.
    threshold : float or None
        Decision threshold for every label; None uses the calibrated thresholds.
    top_k : int or None
        Keep at most this many labels per text.
    use_cues : bool
        Use cue-phrase matches as evidence.
    use_background : bool
        Use the taxonomy's background sentences as a non-political gate.
    calibration : str or None
        Path of a calibration JSON; None uses the one shipped with newsml.
    batch_size : int
        Encoder batch size.
    max_exemplars : int
        Training texts kept as exemplars per label in ``fit`` for labels not in the taxonomy.
    backend : str
        Encoder backend of the document sentences (``"torch"``, ``"onnx"`` or ``"auto"``, see
        :func:`newsml.encoders.encode`); the shipped calibration was fitted on torch vectors.
    quantize : bool
        With an ONNX backend, use the int8 model.

    Attributes
    ----------
    classes_ : ndarray of str
    thresholds_ : ndarray of float
    coef_ : ndarray of shape (n_features,)
        Weights of the sentence-stage combination (order: :data:`FEATURES`).
    intercept_ : float
    doc_coef_ : ndarray of shape (n_doc_features,)
        Weights of the document-stage combination (order: :data:`DOC_FEATURES`).
    doc_intercept_ : float

    Examples
    --------
    >>> clf = ZeroShotClassifier(taxonomy="news_events")  # doctest: +SKIP
    >>> clf.explain("Shares rose. Rebels overran the base and the army retreated.")  # doctest: +SKIP
    {'military_defeat': [Evidence(sentence='Rebels overran the base and the army retreated.', ...)]}
    """

    requires_fit = False

    name = "zero-shot"

    def __init__(self, taxonomy: str = "news_events", encoder: str | None = None, multi_label: bool = True,
                 threshold: float | None = None, top_k: int | None = None, use_cues: bool = True,
                 use_background: bool = True, calibration: str | None = None, batch_size: int = 64,
                 max_exemplars: int = 64, backend: str = "torch", quantize: bool = False):
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.multi_label = multi_label
        self.threshold = threshold
        self.top_k = top_k
        self.use_cues = use_cues
        self.use_background = use_background
        self.calibration = calibration
        self.batch_size = batch_size
        self.max_exemplars = max_exemplars
        self.backend = backend
        self.quantize = quantize

    # ------------------------------------------------------------------ state
    def _default_state(self) -> None:
        self._init_from_taxonomy()
        self.extra_exemplars_ = {}
        self._set_calibration()
        self.fitted_threshold_ = None
        self.thresholds_ = self._initial_thresholds()

    def _set_calibration(self) -> None:
        cal = load_calibration(self.calibration)
        self.coef_ = np.asarray(cal["coef"], dtype=np.float64)
        self.intercept_ = float(cal["intercept"])
        self.doc_coef_ = np.asarray(cal["doc_coef"], dtype=np.float64)
        self.doc_intercept_ = float(cal.get("doc_intercept", 0.0))
        self.calibrated_thresholds_ = {str(k): float(v) for k, v in (cal.get("thresholds") or {}).items()}
        self.default_threshold_ = float(cal.get("threshold", 0.5))

    def _initial_thresholds(self) -> np.ndarray:
        if self.threshold is not None:
            return np.full(len(self.classes_), float(self.threshold))
        fitted_t = self.fitted_threshold_
        if fitted_t is not None:
            return np.full(len(self.classes_), float(fitted_t))
        same_tax = self._taxonomy().name == "news_events"
        return np.array([self.calibrated_thresholds_.get(str(c), self.default_threshold_) if same_tax
                         else self.default_threshold_ for c in self.classes_], dtype=np.float64)

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        tax = self._taxonomy()
        self.taxonomy_ = tax
        self._set_calibration()
        self.fitted_threshold_ = None
        self.extra_exemplars_ = {}
        for j, label in enumerate(self.classes_):
            if label not in tax or not (tax[label].exemplars or tax[label].definition):
                ex = [t for t, y in zip(texts, Y[:, j]) if y > 0][: self.max_exemplars]
                self.extra_exemplars_[str(label)] = ex
        if len(texts) >= 20 and not self.extra_exemplars_:
            F = self._doc_features(texts)
            self.doc_coef_, self.doc_intercept_ = fit_combination(F, Y, C=0.1, key="doc")
            if self.multi_label_:
                P = _sigmoid(F @ self.doc_coef_ + self.doc_intercept_)
                self.fitted_threshold_ = best_global_threshold(Y, P)

    # ------------------------------------------------------------- prototypes
    def _proto_texts(self) -> list[list[str]]:
        tax = self.taxonomy_
        out = []
        for label in self.classes_:
            label = str(label)
            if label in self.extra_exemplars_:
                out.append(list(self.extra_exemplars_[label]))
            else:
                t = tax[label]
                out.append([f"{t.name}: {t.definition}", *t.exemplars])
        return out

    def _encode(self, sentences: list[str]) -> np.ndarray:
        """Embeddings of ``sentences`` through the shared sentence-vector cache (explain after predict is free)."""
        if not sentences:
            from newsml.encoders import encode

            return encode([], self.encoder, backend=self.backend, quantize=self.quantize)
        batch = self.batch_size if self.backend == "torch" else min(self.batch_size, 16)
        return CACHE.get_many(list(sentences), self.encoder, batch_size=batch, backend=self.backend,
                              quantize=self.quantize)

    def _prototypes(self) -> tuple[list[np.ndarray], np.ndarray | None]:
        groups = self._proto_texts()
        background = list(self.taxonomy_.background) if self.use_background else []
        key = (str(self.encoder), self.backend, bool(self.quantize),
               tuple(tuple(g) for g in groups), tuple(background))
        if key not in _PROTO_CACHE:
            flat = [s for g in groups for s in g] + background
            shipped = prototype_file(flat) if self.encoder is None else None
            if shipped is not None and shipped.exists():
                E = np.load(shipped, allow_pickle=False)
            else:
                E = self._encode(flat)
            if len(_PROTO_CACHE) > 16:
                _PROTO_CACHE.clear()
            _PROTO_CACHE[key] = E
        E = _PROTO_CACHE[key]
        out, k = [], 0
        for g in groups:
            out.append(E[k:k + len(g)])
            k += len(g)
        return out, (E[k:] if background else None)

    def export_prototypes(self) -> Path:
        """Save the default encoder's embeddings of this taxonomy's exemplars next to the calibration.

        Built-in taxonomies ship them so that the first prediction does not have to encode a few
        hundred exemplar sentences; the file name is a hash of the sentences, so an edited
        taxonomy is simply re-encoded.
        """
        self._check_fitted()
        flat = [s for g in self._proto_texts() for s in g] + list(self.taxonomy_.background)
        path = prototype_file(flat)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, self._encode(flat).astype(np.float32), allow_pickle=False)
        return path

    # --------------------------------------------------------------- features
    def _cue_patterns(self):
        tax = self.taxonomy_
        return [[compile_cue(c) for c in tax[str(lab)].cues] if (self.use_cues and str(lab) in tax) else []
                for lab in self.classes_]

    def _sentence_features(self, sentences: list[str], E: np.ndarray | None = None,
                           clauses: bool = True) -> np.ndarray:
        """Features ``(n_sentences, n_classes, n_features)`` for a list of sentences.

        Long sentences (news leads often report two or three events in one sentence) are also
        scored clause by clause, and each similarity feature keeps its best value over the sentence
        and its clauses.
        """
        protos, B = self._prototypes()
        n, C = len(sentences), len(self.classes_)
        F = np.zeros((n, C, len(FEATURES)), dtype=np.float64)
        if n == 0:
            return F
        clauses = [split_clauses(s) if clauses else [] for s in sentences]
        extra = [c for cl in clauses for c in cl]
        if E is None:
            E = self._encode(sentences)
        if extra:
            E = np.concatenate([E, self._encode(extra)])
        X_all, top3_all, gate_all = self._similarities(E, protos, B)
        xbg_all = X_all - self._bg(E, B)[:, None]
        marg_all = _margin(X_all)
        X, top3, xbg, marg, gate = X_all[:n].copy(), top3_all[:n].copy(), xbg_all[:n].copy(), marg_all[:n].copy(), gate_all[:n].copy()
        k = n
        for i, cl in enumerate(clauses):
            if cl:
                sl = slice(k, k + len(cl))
                k += len(cl)
                X[i] = np.maximum(X[i], X_all[sl].max(axis=0))
                top3[i] = np.maximum(top3[i], top3_all[sl].max(axis=0))
                xbg[i] = np.maximum(xbg[i], xbg_all[sl].max(axis=0))
                marg[i] = np.maximum(marg[i], marg_all[sl].max(axis=0))
                gate[i] = min(gate[i], gate_all[sl].min())
        F[:, :, 0] = X
        F[:, :, 1] = top3
        F[:, :, 2] = xbg
        F[:, :, 3] = marg
        tax = self.taxonomy_
        cues = [list(tax[str(lab)].cues) if (self.use_cues and str(lab) in tax) else [] for lab in self.classes_]
        F[:, :, 4] = cue_matcher(cues).weights(sentences, dtype=np.float64)  # == match_weight per topic
        F[:, :, 5] = F[:, :, 4]
        F[:, :, 6] = gate[:, None]
        F[:, :, 7] = X
        return F

    @staticmethod
    def _bg(E: np.ndarray, B: np.ndarray | None) -> np.ndarray:
        return (E @ B.T).max(axis=1) if B is not None and len(B) else np.zeros(len(E))

    def _similarities(self, E, protos, B):
        """Best and top-3 exemplar similarity per topic, and the background gate, for rows of ``E``."""
        X = np.zeros((len(E), len(protos)))
        top3 = np.zeros_like(X)
        if any(len(P) for P in protos):
            S_all = E @ np.concatenate([P for P in protos if len(P)]).T  # one product for all topics
            k = 0
            for j, P in enumerate(protos):
                m = len(P)
                if m == 0:
                    continue
                S = S_all[:, k:k + m]
                k += m
                best = np.partition(S, m - 3, axis=1)[:, -3:] if m > 3 else S  # the (up to) 3 best, unordered
                X[:, j] = best.max(axis=1)
                top3[:, j] = best.mean(axis=1)
        gate = self._bg(E, B) - X.max(axis=1) if B is not None else np.zeros(len(E))
        return X, top3, gate

    def _pooled_features(self, texts: Sequence[str], sents_per_doc: list[list[str]] | None = None,
                         E: np.ndarray | None = None, clauses: bool = True,
                         ) -> tuple[np.ndarray, list[np.ndarray], list[list[str]]]:
        """First-stage features: max-pooled ``(n_texts, n_classes, n_features)``, per-sentence blocks, sentences.

        Sentence features are max-pooled (``cue_frac`` is the mean cue weight over sentences); the
        gate and ``doc_ex`` come from the document centroid (mean sentence embedding), so one stray
        sentence in a long sports or business story weighs less than the story as a whole. The
        per-sentence blocks carry the same three document-level features. Callers that already
        split and encoded the texts pass ``sents_per_doc`` and the stacked sentence vectors ``E``;
        ``clauses=False`` skips the clause-level scoring of long sentences (faster).
        """
        self._check_fitted()
        if sents_per_doc is None:
            sents_per_doc = [split_sentences_for_evidence(t) or [t] for t in texts]
        flat = [s for ss in sents_per_doc for s in ss]
        if E is None:
            E = self._encode(flat)
        F = self._sentence_features(flat, E, clauses=clauses)
        protos, B = self._prototypes()
        out = np.zeros((len(texts), len(self.classes_), len(FEATURES)), dtype=np.float64)
        cents = np.zeros((len(texts), E.shape[1]), dtype=np.float32)
        blocks, k = [], 0
        for i, ss in enumerate(sents_per_doc):
            block = F[k:k + len(ss)].copy()
            c = E[k:k + len(ss)].mean(axis=0)
            cents[i] = c / max(float(np.linalg.norm(c)), 1e-9)
            k += len(ss)
            out[i] = block.max(axis=0)
            out[i, :, 5] = block[:, :, 4].mean(axis=0)
            blocks.append(block)
        Xc, _, gate_c = self._similarities(cents, protos, B)
        out[:, :, 6] = gate_c[:, None]
        out[:, :, 7] = Xc
        for i, block in enumerate(blocks):
            block[:, :, 5:] = out[i, :, 5:][None]
        return out, blocks, sents_per_doc

    def _doc_features(self, texts: Sequence[str]) -> np.ndarray:
        """Second-stage document features ``(n_texts, n_classes, len(DOC_FEATURES))``.

        Each sentence gets a first-stage logit ``z`` per topic (the calibrated combination of its
        :data:`FEATURES`). The document is then described by where its support lies, because news
        articles mention many events in passing: ``z_max`` (best sentence), ``z_lead`` (best of the
        first :data:`N_LEAD` sentences, where a wire story states its news), ``z_fg`` (best
        foreground sentence, i.e. not one that recounts earlier events such as "a ceasefire signed in
        2015 collapsed"), ``z_2nd`` (second-best sentence: corroboration), ``support`` (log count of
        sentences with ``z > 0``) and the document-level ``cue_frac``, ``gate`` and ``doc_ex``.
        """
        return self._stage2(*self._pooled_features(texts))

    def _stage2(self, pooled: np.ndarray, blocks: list[np.ndarray], sents: list[list[str]]) -> np.ndarray:
        """Second-stage features from :meth:`_pooled_features` output and the first-stage weights."""
        out = np.zeros((len(blocks), len(self.classes_), len(DOC_FEATURES)), dtype=np.float64)
        for i, block in enumerate(blocks):
            z = np.clip(block @ self.coef_ + self.intercept_, -_Z_CLIP, _Z_CLIP)  # (n_sent, C)
            fg = np.array([k == 0 or not _HISTORY.search(s) for k, s in enumerate(sents[i])])
            zs = np.sort(z, axis=0)
            out[i, :, 0] = zs[-1]
            out[i, :, 1] = z[:N_LEAD].max(axis=0)
            out[i, :, 2] = z[fg].max(axis=0) if fg.any() else -_Z_CLIP
            out[i, :, 3] = zs[-2] if len(z) > 1 else zs[-1]
            out[i, :, 4] = np.log1p((z > 0).sum(axis=0))
            out[i, :, 5:] = pooled[i, :, 5:]
        return out

    # ---------------------------------------------------------------- scoring
    def _score(self, F: np.ndarray) -> np.ndarray:
        """Sentence (first-stage) probabilities from :data:`FEATURES`."""
        return _sigmoid(F @ self.coef_ + self.intercept_)

    def _doc_score(self, F: np.ndarray) -> np.ndarray:
        """Document probabilities from :data:`DOC_FEATURES`."""
        return _sigmoid(F @ self.doc_coef_ + self.doc_intercept_)

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        P = self._doc_score(self._doc_features(texts))
        if not self.multi_label_:
            P = P + 1e-6
            P = P / P.sum(axis=1, keepdims=True)
        return P

    def sentence_scores(self, sentences: list[str]) -> np.ndarray:
        self._check_fitted()
        return self._score(self._sentence_features(list(sentences))).astype(np.float32)

    # ------------------------------------------------------------------- save
    def _get_state(self, path):
        self._check_fitted()
        state = {
            "taxonomy": self.taxonomy_.to_dict(),
            "extra_exemplars": self.extra_exemplars_,
            "intercept": float(self.intercept_),
            "doc_intercept": float(self.doc_intercept_),
            "calibrated_thresholds": self.calibrated_thresholds_,
            "default_threshold": self.default_threshold_,
            "fitted_threshold": getattr(self, "fitted_threshold_", None),
        }
        return state, {"coef": np.asarray(self.coef_, dtype=np.float64),
                       "doc_coef": np.asarray(self.doc_coef_, dtype=np.float64)}

    def _set_state(self, state, arrays, path):
        self.taxonomy_ = parse_taxonomy(state["taxonomy"], f"{path}/newsml_classifier.json:state.taxonomy")
        self.extra_exemplars_ = {k: list(v) for k, v in state.get("extra_exemplars", {}).items()}
        self.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        self.intercept_ = float(state["intercept"])
        if "doc_coef" in arrays:
            self.doc_coef_ = np.asarray(arrays["doc_coef"], dtype=np.float64)
            self.doc_intercept_ = float(state.get("doc_intercept", 0.0))
        else:
            self.doc_coef_ = np.asarray(_FALLBACK["doc_coef"], dtype=np.float64)
            self.doc_intercept_ = 0.0
        self.calibrated_thresholds_ = dict(state.get("calibrated_thresholds", {}))
        self.default_threshold_ = float(state.get("default_threshold", 0.5))
        self.fitted_threshold_ = state.get("fitted_threshold")


_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|\s+[–—]\s+|,\s+(?=(?:accusing|saying|citing|claiming|adding|alleging|after|while|which|as|"
    r"with|following|amid|despite|and|but|prompting|forcing|leaving|killing)\b)"
)


def split_clauses(sentence: str, min_words: int = 20) -> list[str]:
    """Clauses of a long sentence (none for short ones); each clause has at least 4 words.

    >>> split_clauses("Mali cut ties with Kyiv on Sunday after weeks of rising tension in the region, "
    ...               "accusing Ukraine of backing the rebels who routed its army in the desert last month.")
    ['Mali cut ties with Kyiv on Sunday after weeks of rising tension in the region', 'accusing Ukraine of backing the rebels who routed its army in the desert last month.']
    """
    if len(sentence.split()) < min_words:
        return []
    parts = [p.strip(" ,") for p in _CLAUSE_BREAK.split(sentence)]
    parts = [p for p in parts if len(p.split()) >= 4]
    return parts if len(parts) > 1 else []


def _margin(X: np.ndarray) -> np.ndarray:
    """Each column minus the best other column (row-wise)."""
    if X.shape[1] < 2:
        return np.zeros_like(X)
    top2 = np.sort(X, axis=1)[:, -2:]
    best_other = np.where(X >= top2[:, [1]], top2[:, [0]], top2[:, [1]])
    return X - best_other


def fit_combination(F: np.ndarray, Y: np.ndarray, C: float = 10.0, key: str = "") -> tuple[np.ndarray, float]:
    """Learn the shared logistic combination from document features ``F (n, classes, feats)``.

    Rows are (document, label) pairs pooled over labels, so a few dozen documents are enough.
    """
    from sklearn.linear_model import LogisticRegression

    X = F.reshape(-1, F.shape[-1])
    y = (Y.reshape(-1) > 0).astype(int)
    if y.min() == y.max():
        cal = load_calibration()
        return (np.asarray(cal[f"{key}_coef" if key else "coef"], dtype=np.float64),
                float(cal[f"{key}_intercept" if key else "intercept"]))
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit(X, y)
    return lr.coef_[0].astype(np.float64), float(lr.intercept_[0])


def best_global_threshold(Y: np.ndarray, P: np.ndarray, grid: np.ndarray | None = None) -> float:
    """The single threshold that maximises macro-F1 of ``P >= t`` (labels with positives)."""
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3) if grid is None else grid
    has = Y.sum(axis=0) > 0
    best, best_t = -1.0, 0.5
    for t in grid:
        pred = P >= t
        tp = (pred & (Y > 0)).sum(axis=0)
        denom = pred.sum(axis=0) + (Y > 0).sum(axis=0)
        f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 1.0)
        m = float(f1[has].mean()) if has.any() else 0.0
        if m > best + 1e-9:
            best, best_t = m, float(t)
    return best_t
