"""Supervised extractive summariser: learns sentence salience from (article, reference summary) pairs.

Training turns each reference summary into sentence labels with a **greedy ROUGE oracle** (add the
article sentence that most raises mean ROUGE-1/ROUGE-2 F1 against the reference, stop when nothing
helps or ``oracle_sentences`` are chosen), describes every sentence with cheap features and fits a
light model:

* position: relative position, first/second/third/... bins, opens a paragraph, article length;
* length: log words, very short / very long flags;
* centrality: LexRank score and TF-IDF cosine to the whole article and to its first sentence;
* title overlap (when a title is given);
* named-entity-ish density (capitalised tokens inside the sentence, numbers), quotes, attribution
  verbs, questions, openers that dangle without context ("He", "But", "This");
* optionally (``use_embeddings=True``) cosine of the sentence embedding to the article centroid and
  to the first sentence (the embedded all-MiniLM-L6-v2).

The model is a standardised logistic regression (``model="logistic"``) or a small multi-layer
perceptron (``model="mlp"``); both are stored as plain arrays in safetensors, so a trained summariser
saves and loads without pickle. ``SupervisedSummarizer()`` with no training uses the model shipped in
the package (``pretrained="news"``), trained on public BBC and XSum data by
``experiments/bench_summarize.py --train`` (see :mod:`newsml.summarize.train`).

Examples
--------
>>> from newsml.summarize.supervised import SupervisedSummarizer
>>> articles = ["Rebels seized the northern town of Kidal on Monday. The army fled. Shops stayed shut.",
...             "Parliament passed the budget on Friday after a long debate. The vote was close. It rained."]
>>> refs = ["Rebels took the town of Kidal.", "Parliament passed the budget."]
>>> model = SupervisedSummarizer(pretrained=None).fit(articles, refs)
>>> model.summarize(["Troops retook the town of Kidal on Sunday. Residents cheered. It was hot."],
...                 max_sentences=1)[0].sentences
[0]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsml.errors import ConfigError, InputError, ModelLoadError, NotFittedError
from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.summarize.base import BaseSummarizer, _Doc, words
from newsml.summarize.graph import STOP_WORDS, _stem, pagerank, tfidf_sparse

#: folder of the model shipped with the package
PRETRAINED_DIR = Path(__file__).resolve().parent / "models"
PRETRAINED = {"news": PRETRAINED_DIR / "news"}

BASE_FEATURES = [
    "rel_pos", "pos0", "pos1", "pos2", "pos3", "pos4_5", "pos6_9", "pos10p", "log_n_sent",
    "log_len", "short", "long", "para_first", "lexrank", "tfidf_doc", "tfidf_first", "title_overlap",
    "has_title", "cap_density", "num_density", "has_quote", "starts_quote", "attribution", "question",
    "dangling_opener",
]
EMB_FEATURES = ["emb_centroid", "emb_first"]
_ATTRIB = re.compile(r"\b(?:said|says|told|according to|stated|added|announced)\b", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“”«»]|(?:^|\s)'|'(?:\s|$)")
_DANGLING = {"he", "she", "it", "they", "this", "that", "these", "those", "but", "and", "however", "also",
             "his", "her", "their", "its", "such", "meanwhile", "there", "then", "so", "yet"}
_NUM = re.compile(r"\d")


# --------------------------------------------------------------------------- oracle
def _grams(tokens: list[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n))))


def _f1(c: Counter, ref: Counter) -> float:
    if not c or not ref:
        return 0.0
    overlap = sum((c & ref).values())
    if overlap == 0:
        return 0.0
    p = overlap / sum(c.values())
    r = overlap / sum(ref.values())
    return 2 * p * r / (p + r)


def _rouge_tokens(text: str) -> list[str]:
    return [_stem(w) for w in words(text)]


def greedy_oracle(sentences: list[str], reference: str, max_sentences: int = 3) -> list[int]:
    """Indices of the sentences a greedy ROUGE-1+2 oracle picks against ``reference`` (sorted).

    >>> greedy_oracle(["The cat sat.", "Dogs bark loudly.", "Cats sit on mats."], "A cat sat on a mat.", 2)
    [0, 2]
    """
    ref = _rouge_tokens(reference)
    r1, r2 = _grams(ref, 1), _grams(ref, 2)
    toks = [_rouge_tokens(s) for s in sentences]
    g1 = [_grams(t, 1) for t in toks]
    g2 = [_grams(t, 2) for t in toks]
    chosen: list[int] = []
    cur1: Counter = Counter()
    cur2: Counter = Counter()
    best = 0.0
    for _ in range(max_sentences):
        pick, pick_score = -1, best
        for i in range(len(sentences)):
            if i in chosen:
                continue
            score = (_f1(cur1 + g1[i], r1) + _f1(cur2 + g2[i], r2)) / 2
            if score > pick_score + 1e-9:
                pick, pick_score = i, score
        if pick < 0:
            break
        chosen.append(pick)
        cur1 += g1[pick]
        cur2 += g2[pick]
        best = pick_score
    return sorted(chosen)


# --------------------------------------------------------------------------- features
def _content(s: str) -> set[str]:
    return {_stem(w) for w in words(s) if w not in STOP_WORDS and len(w) > 1}


def sentence_features(doc: _Doc) -> np.ndarray:
    """The base feature matrix ``(n_sentences, len(BASE_FEATURES))`` of one prepared document."""
    sents = doc.sentences
    n = len(sents)
    F = np.zeros((n, len(BASE_FEATURES)), dtype=np.float64)
    if n == 0:
        return F
    idx = np.arange(n)
    F[:, 0] = idx / max(1, n - 1)
    F[:, 1] = idx == 0
    F[:, 2] = idx == 1
    F[:, 3] = idx == 2
    F[:, 4] = idx == 3
    F[:, 5] = (idx >= 4) & (idx <= 5)
    F[:, 6] = (idx >= 6) & (idx <= 9)
    F[:, 7] = idx >= 10
    F[:, 8] = np.log1p(n)
    raw_words = [s.split() for s in sents]
    lens = np.array([len(w) for w in raw_words], dtype=np.float64)
    F[:, 9] = np.log1p(lens)
    F[:, 10] = lens < 6
    F[:, 11] = lens > 40
    firsts = doc.paragraph_first or [i == 0 for i in range(n)]
    F[:, 12] = np.asarray(firsts[:n], dtype=np.float64)
    if n > 1:
        X = tfidf_sparse(sents)  # sparse: n x vocabulary; only the n x n graph is dense (n is capped)
        S = np.asarray((X @ X.T).toarray())
        S[S < 0.1] = 0.0
        F[:, 13] = pagerank(S) * n
        dvec = np.asarray(X.sum(axis=0)).ravel()
        dn = np.linalg.norm(dvec)
        F[:, 14] = X @ (dvec / dn) if dn > 0 else 0.0
        F[:, 15] = np.asarray((X @ X[0].T).toarray()).ravel()
    else:
        F[:, 13] = 1.0
        F[:, 14] = 1.0
        F[:, 15] = 1.0
    title = _content(doc.title) if doc.title else set()
    if title:
        F[:, 16] = [len(_content(s) & title) / len(title) for s in sents]
        F[:, 17] = 1.0
    for i, (s, ws) in enumerate(zip(sents, raw_words)):
        m = max(1, len(ws))
        F[i, 18] = sum(1 for w in ws[1:] if w[:1].isupper()) / m
        F[i, 19] = sum(1 for w in ws if _NUM.search(w)) / m
        F[i, 20] = bool(_QUOTE.search(s))
        F[i, 21] = s[:1] in "\"“'«"
        F[i, 22] = bool(_ATTRIB.search(s))
        F[i, 23] = s.rstrip().endswith("?")
        first = ws[0].lower().strip("\"“'«,") if ws else ""
        F[i, 24] = first in _DANGLING
    return F


# --------------------------------------------------------------------------- the summariser
class SupervisedSummarizer(BaseSummarizer):
    """Feature-based extractive summariser trained on (article, reference summary) pairs.

    Parameters
    ----------
    model:
        ``"logistic"`` (standardised logistic regression) or ``"mlp"`` (one hidden ReLU layer).
    C:
        Inverse regularisation strength (logistic) / ``1/alpha`` (mlp).
    hidden:
        Hidden units of the MLP.
    oracle_sentences:
        Sentences the greedy ROUGE oracle may label positive per article.
    use_embeddings:
        Add sentence-embedding features (slower; needs the encoder).
    encoder:
        Sentence encoder for the embedding features (None: the embedded all-MiniLM-L6-v2).
    lead_prior:
        Strength of a news lead prior added to the salience logits at prediction time,
        ``- lead_prior * log(1 + position)`` (0: the model alone; large: lead-k).
    pretrained:
        Name of a shipped model (``"news"``) used when the summariser is not fitted, or None to
        require :meth:`fit`.
    random_state:
        Seed for the MLP and the training-time augmentation.
    default_sentences, dedup_threshold, focus_weight, focus_encoder, batch_size, progress:
        Shared settings, see :class:`newsml.summarize.lead.LeadSummarizer`.
    device:
        Torch device for the encoder.
    max_input_chars, max_input_sentences:
        Per-document cost caps: at most this many characters are split and this many sentences
        scored (the first ones; None: no cap). A cut is reported in ``Summary.truncated``.

    Attributes
    ----------
    feature_names_ : list of str
    mean_, scale_ : ndarray
        Feature standardisation.
    weights_ : list of ndarray
        Layer weights (one matrix for logistic, two for mlp); ``biases_`` likewise.
    n_train_docs_ : int

    Examples
    --------
    >>> s = SupervisedSummarizer().summarize(["Mali cut ties with Ukraine on Sunday. He said so. It rained."],
    ...                                      max_sentences=1)[0]
    >>> s.sentences
    [0]
    """

    name = "supervised"
    requires_fit = True

    def __init__(self, model: str = "logistic", C: float = 1.0, hidden: int = 32, oracle_sentences: int = 3,
                 use_embeddings: bool = False, encoder: str | None = None, lead_prior: float = 2.0,
                 pretrained: str | None = "news",
                 random_state: int = 0, default_sentences: int = 3, dedup_threshold: float = 0.7,
                 focus_weight: float = 0.7, focus_encoder: str | None = None, device: str = "cpu",
                 batch_size: int = 64, progress: bool | None = None, max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self.model = model
        self.C = C
        self.hidden = hidden
        self.oracle_sentences = oracle_sentences
        self.use_embeddings = use_embeddings
        self.encoder = encoder
        self.lead_prior = lead_prior
        self.pretrained = pretrained
        self.random_state = random_state
        self.default_sentences = default_sentences
        self.dedup_threshold = dedup_threshold
        self.focus_weight = focus_weight
        self.focus_encoder = focus_encoder
        self.device = device
        self.batch_size = batch_size
        self.progress = progress
        self.max_input_chars = max_input_chars
        self.max_input_sentences = max_input_sentences

    # ------------------------------------------------------------------ features
    def _features(self, docs: list[_Doc], use_embeddings: bool) -> list[np.ndarray]:
        feats = [sentence_features(d) for d in docs]
        if use_embeddings:
            from newsml.encoders import encode

            todo = [d for d in docs if "emb" not in d.cache]
            flat = [s for d in todo for s in d.sentences]
            if flat:
                E = encode(flat, self.encoder, device=self.device)
                start = 0
                for d in todo:
                    d.cache["emb"] = E[start:start + len(d.sentences)]
                    start += len(d.sentences)
            out = []
            for d, F in zip(docs, feats):
                E = d.cache.get("emb", np.zeros((0, 1)))
                extra = np.zeros((len(F), len(EMB_FEATURES)))
                if len(F):
                    c = E.mean(axis=0)
                    cn = np.linalg.norm(c)
                    extra[:, 0] = E @ (c / cn) if cn > 0 else 0.0
                    extra[:, 1] = E @ E[0]
                out.append(np.hstack([F, extra]))
            return out
        return feats

    # ------------------------------------------------------------------ training
    def fit(self, texts: Sequence[Any], summaries: Sequence[str]):
        """Fit on articles and their reference summaries (abstractive or extractive).

        Parameters
        ----------
        texts:
            Articles (strings or Document-like objects with ``text``/``title``).
        summaries:
            One reference summary per article.

        Returns
        -------
        self
        """
        texts = list(texts)
        summaries = list(summaries)
        if len(texts) != len(summaries):
            raise InputError(f"fit(): {len(texts)} texts but {len(summaries)} summaries")
        if not texts:
            raise InputError("fit() needs at least one (text, summary) pair")
        if self.model not in ("logistic", "mlp"):
            raise ConfigError(f"supervised summariser: model={self.model!r}; allowed: logistic, mlp")
        rng = np.random.default_rng(self.random_state)
        docs = self._prepare(texts)
        # augmentation for transfer: half of the documents lose their title and paragraph breaks
        for d in docs:
            if rng.random() < 0.5:
                d.title = ""
            if rng.random() < 0.5:
                d.paragraph_first = [i == 0 for i in range(len(d.sentences))]
        X_parts, y_parts = [], []
        feats = self._features(docs, bool(self.use_embeddings))
        for d, F, ref in zip(docs, feats, summaries):
            if len(d.sentences) == 0 or not str(ref).strip():
                continue
            y = np.zeros(len(d.sentences))
            y[greedy_oracle(d.sentences, str(ref), int(self.oracle_sentences))] = 1.0
            X_parts.append(F)
            y_parts.append(y)
        if not X_parts:
            raise InputError("fit(): no article with both sentences and a non-empty summary")
        X = np.vstack(X_parts)
        y = np.concatenate(y_parts)
        if y.min() == y.max():
            raise InputError("fit(): the oracle labelled every sentence the same; give more varied pairs")
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ < 1e-9] = 1.0
        Z = (X - self.mean_) / self.scale_
        if self.model == "logistic":
            from sklearn.linear_model import LogisticRegression

            clf = LogisticRegression(C=float(self.C), max_iter=2000)
            clf.fit(Z, y)
            self.weights_ = [clf.coef_.T.astype(np.float64)]
            self.biases_ = [clf.intercept_.astype(np.float64)]
        else:
            from sklearn.neural_network import MLPClassifier

            clf = MLPClassifier(hidden_layer_sizes=(int(self.hidden),), alpha=1.0 / float(self.C),
                                max_iter=300, early_stopping=True, random_state=self.random_state)
            clf.fit(Z, y)
            self.weights_ = [w.astype(np.float64) for w in clf.coefs_]
            self.biases_ = [b.astype(np.float64) for b in clf.intercepts_]
        self.feature_names_ = BASE_FEATURES + (EMB_FEATURES if self.use_embeddings else [])
        self.use_embeddings_ = bool(self.use_embeddings)
        self.n_train_docs_ = len(X_parts)
        self.positive_rate_ = float(y.mean())
        return self

    # ------------------------------------------------------------------ prediction
    def _ensure_fitted(self) -> None:
        if hasattr(self, "weights_"):
            return
        if self.pretrained is None:
            raise NotFittedError("SupervisedSummarizer is not fitted: call fit(), load a saved model, "
                                 "or use pretrained='news'")
        path = PRETRAINED.get(str(self.pretrained), Path(str(self.pretrained)))
        from newsml.summarize.base import CONFIG_FILE, load_summarizer

        if not (path / CONFIG_FILE).exists():
            raise ModelLoadError(f"pretrained summariser {self.pretrained!r} not found at {path}; "
                                 f"allowed names: {', '.join(PRETRAINED)} or a saved summariser directory")
        shipped = load_summarizer(path)
        state, arrays = shipped._get_state(path)
        self._set_state(state, arrays, path)

    def decision_function(self, docs: list[_Doc]) -> list[np.ndarray]:
        """Salience logits per sentence for prepared documents."""
        self._ensure_fitted()
        feats = self._features(docs, bool(self.use_embeddings_))
        out = []
        for F in feats:
            if len(F) == 0:
                out.append(np.zeros(0))
                continue
            h = (F - self.mean_) / self.scale_
            for j, (W, b) in enumerate(zip(self.weights_, self.biases_)):
                h = h @ W + b
                if j < len(self.weights_) - 1:
                    h = np.maximum(h, 0.0)
            out.append(h[:, 0])
        return out

    def _focus_encoder(self):
        """Focus queries use ``focus_encoder``, else this model's own sentence encoder."""
        enc = self.focus_encoder or self.encoder
        return enc, {"backend": "torch", "quantize": False}, enc == self.encoder

    def _score_docs(self, docs: list[_Doc]) -> list[np.ndarray]:
        beta = float(self.lead_prior or 0.0)
        out = []
        for z in self.decision_function(docs):
            if beta:
                z = z - beta * np.log1p(np.arange(len(z)))
            out.append(1.0 / (1.0 + np.exp(-z)))
        return out

    # ------------------------------------------------------------------ save / load
    def save(self, path: str | Path) -> Path:
        """Save the fitted (or pretrained) model to directory ``path``."""
        self._ensure_fitted()
        return super().save(path)

    def _get_state(self, path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state = {"feature_names": list(self.feature_names_), "use_embeddings": bool(self.use_embeddings_),
                 "n_layers": len(self.weights_), "n_train_docs": int(self.n_train_docs_),
                 "positive_rate": float(self.positive_rate_)}
        arrays = {"mean": self.mean_, "scale": self.scale_}
        for j, (W, b) in enumerate(zip(self.weights_, self.biases_)):
            arrays[f"W{j}"] = W
            arrays[f"b{j}"] = b
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        try:
            names = list(state["feature_names"])
            expected = BASE_FEATURES + (EMB_FEATURES if state["use_embeddings"] else [])
            if names != expected:
                raise ModelLoadError(f"saved supervised summariser has features {names}, this version "
                                     f"computes {expected}; retrain it with this newsml version")
            self.feature_names_ = names
            self.use_embeddings_ = bool(state["use_embeddings"])
            self.n_train_docs_ = int(state.get("n_train_docs", 0))
            self.positive_rate_ = float(state.get("positive_rate", 0.0))
            self.mean_ = np.asarray(arrays["mean"], dtype=np.float64)
            self.scale_ = np.asarray(arrays["scale"], dtype=np.float64)
            n = int(state["n_layers"])
            self.weights_ = [np.asarray(arrays[f"W{j}"], dtype=np.float64) for j in range(n)]
            self.biases_ = [np.asarray(arrays[f"b{j}"], dtype=np.float64) for j in range(n)]
        except KeyError as exc:
            raise ModelLoadError(f"saved supervised summariser is missing {exc}; re-save it") from exc
