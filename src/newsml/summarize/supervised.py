"""Supervised extractive summariser: learns sentence salience from (article, reference summary) pairs.

Training turns each reference summary into sentence labels with a **greedy ROUGE oracle** (add the
article sentence that most raises mean ROUGE-1/ROUGE-2 F1 against the reference, stop when nothing
helps or ``oracle_sentences`` are chosen), describes every sentence with cheap features and fits a
light model:

* position: one-hots for the first six sentences, 6-9 and 10+, relative and log position, paragraph
  start and index, article length (sentences and words), length of the lead;
* length: log words, length relative to the article's mean, very short / very long flags;
* centrality: LexRank score and rank, TF-IDF cosine to the article (and rank), to the first sentence, to
  the first three, to the closest other sentence, and the neighbours' cosine to the article;
* title overlap (when a title is given), number density, quotes, attribution verbs, questions,
  openers that dangle without context ("he", "but", "this");
* optionally (``use_embeddings=True``) cosine of the sentence embedding to the article centroid and
  to the first sentence (the embedded all-MiniLM-L6-v2).

Every feature is computed from lower-cased words, so the same model reads original and tokenised,
lower-cased text. The scorer is gradient-boosted trees (``model="hgb"``, the default, exported to
arrays and evaluated with numpy), a standardised logistic regression (``"logistic"``) or a small MLP
(``"mlp"``); all are stored as plain arrays in safetensors, so a trained summariser saves and loads
without pickle. Trigram blocking (``block_trigrams=True``) keeps repeated facts out.
``SupervisedSummarizer()`` with no training uses the model shipped in the package
(``pretrained="news"``), trained on the train splits of ``newsml prepare cnn_dailymail`` and
``newsml prepare bbc`` by :func:`newsml.summarize.train.train_default`; its training document ids are
shipped with it (:meth:`SupervisedSummarizer.pretrained_training_ids`).

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsml.errors import ConfigError, InputError, ModelLoadError, NotFittedError
from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.scripts import words
from newsml.summarize._prepare import _Doc
from newsml.summarize.base import BaseSummarizer
from newsml.summarize.graph import STOP_WORDS, _stem, pagerank, tfidf_auto
from newsml.summarize.oracle import greedy_oracle, sentence_labels  # noqa: F401 - greedy_oracle re-exported

#: folder of the model shipped with the package
PRETRAINED_DIR = Path(__file__).resolve().parent / "models"
PRETRAINED = {"news": PRETRAINED_DIR / "news"}

#: case-independent features (they work the same on original and on lower-cased, tokenised text)
BASE_FEATURES = [
    "rel_pos", "pos0", "pos1", "pos2", "pos3", "pos4", "pos5", "pos6_9", "pos10p", "log_pos", "log_n_sent",
    "log_len", "len_vs_doc", "short", "long", "para_first", "para_pos", "lexrank", "lexrank_rank", "tfidf_doc",
    "tfidf_doc_rank", "tfidf_first", "tfidf_lead", "tfidf_max_other", "tfidf_prev", "tfidf_next",
    "title_overlap", "has_title", "num_density", "has_quote", "starts_quote", "attribution", "question",
    "dangling_opener", "doc_words", "lead_len",
]
EMB_FEATURES = ["emb_centroid", "emb_first"]
_ATTRIB = re.compile(r"\b(?:said|says|told|according to|stated|added|announced)\b", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“”«»]|(?:^|\s)'|'(?:\s|$)|``|''")
_DANGLING = {"he", "she", "it", "they", "this", "that", "these", "those", "but", "and", "however", "also",
             "his", "her", "their", "its", "such", "meanwhile", "there", "then", "so", "yet"}
_NUM = re.compile(r"\d")
_QUOTE_CHARS = "\"“”«»'`"
_ATTRIB_WORDS = ("said", "says", "told", "according", "stated", "added", "announced")
# characters that IGNORECASE folds onto ASCII letters: sentences with one are always searched
_CASE_FOLD_ODD = re.compile("[\u212a\u017f\u0130\u0131\u212b]")


# --------------------------------------------------------------------------- features
def _content_list(toks: list[str]) -> list[str]:
    # content_words() of a sentence from its words (stop words out, stemmed)
    return [_stem(w) for w in toks if w not in STOP_WORDS and len(w) > 1]


def _content(s: str) -> set[str]:
    return {_stem(w) for w in words(s) if w not in STOP_WORDS and len(w) > 1}


def _rank01(x: np.ndarray) -> np.ndarray:
    """Rank of each value within the document, 0 = largest, scaled to [0, 1]."""
    n = len(x)
    if n <= 1:
        return np.zeros(n)
    order = np.lexsort((np.arange(n), -x))
    r = np.empty(n)
    r[order] = np.arange(n)
    return r / (n - 1)


_CLITIC = re.compile(r"(?i)(\w)(n't|'s|'re|'ve|'ll|'d|'m)\b")
_PUNCT_TOKEN = re.compile(r"([,;:!?()\"]|\.(?=\s|$))")
_CURLY = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})


def canonical_sentence(sentence: str) -> str:
    """The lower-cased, PTB-like tokenised form the shipped model was trained on (CNN/DM tokenised files).

    Features are computed on this form, so original-form text (``didn't``, ``"floor,"``) looks like the
    training distribution (``did n't``, ``" floor , "``). Idempotent on text already in that form.

    Examples
    --------
    >>> canonical_sentence('They "did it," he said.')
    'they " did it , " he said .'
    >>> canonical_sentence("We didn't go.")
    "we did n't go ."
    >>> canonical_sentence(canonical_sentence("It's over.")) == canonical_sentence("It's over.")
    True
    """
    s = sentence.translate(_CURLY).lower()
    if "'" in s:
        s = _CLITIC.sub(r"\1 \2", s)
    # ``_PUNCT_TOKEN.sub(r" \1 ", s)`` without a template expansion per match: splitting on the capturing
    # pattern and joining with spaces puts the same spaces around every match
    return " ".join(" ".join(_PUNCT_TOKEN.split(s)).split())


def sentence_features(doc: _Doc) -> np.ndarray:
    """The base feature matrix ``(n_sentences, len(BASE_FEATURES))`` of one prepared document.

    Every feature is computed on :func:`canonical_sentence` forms, so it does not depend on case or on
    punctuation being tokenised.
    """
    sents = [canonical_sentence(x) for x in doc.sentences]
    n = len(sents)
    F = np.zeros((n, len(BASE_FEATURES)), dtype=np.float64)
    if n == 0:
        return F
    idx = np.arange(n)
    F[:, 0] = idx / max(1, n - 1)
    for j in range(6):
        F[:, 1 + j] = idx == j
    F[:, 7] = (idx >= 6) & (idx <= 9)
    F[:, 8] = idx >= 10
    F[:, 9] = np.log1p(idx)
    F[:, 10] = np.log1p(n)
    toks = [words(s) for s in sents]
    lens = np.array([len(t) for t in toks], dtype=np.float64)
    F[:, 11] = np.log1p(lens)
    F[:, 12] = lens / max(1.0, float(lens.mean()))
    F[:, 13] = lens < 6
    F[:, 14] = lens > 40
    firsts = doc.paragraph_first if len(doc.paragraph_first) == n else [i == 0 for i in range(n)]
    F[:, 15] = np.asarray(firsts, dtype=np.float64)
    para_pos = np.cumsum(F[:, 15]) - 1
    F[:, 16] = np.log1p(np.maximum(para_pos, 0))
    if n > 1:
        X = tfidf_auto(sents, [_content_list(ws) for ws in toks])  # dense for articles, sparse if long
        S = X @ X.T
        S = np.array(S if isinstance(S, np.ndarray) else S.toarray(), dtype=np.float64)
        F[:, 21] = S[:, 0]
        np.fill_diagonal(S, 0.0)
        F[:, 23] = S.max(axis=1)
        S[S < 0.1] = 0.0
        F[:, 17] = pagerank(S) * n
        dvec = np.asarray(X.sum(axis=0)).ravel()
        dn = np.linalg.norm(dvec)
        F[:, 19] = np.asarray(X @ (dvec / dn)).ravel() if dn > 0 else 0.0
        lead = np.asarray(X[: min(3, n)].sum(axis=0)).ravel()
        ln = np.linalg.norm(lead)
        F[:, 22] = np.asarray(X @ (lead / ln)).ravel() if ln > 0 else 0.0
    else:
        F[:, [17, 19, 21, 22]] = 1.0
    F[:, 18] = _rank01(F[:, 17])
    F[:, 20] = _rank01(F[:, 19])
    F[1:, 24] = F[:-1, 19]
    F[:-1, 25] = F[1:, 19]
    title = _content(canonical_sentence(doc.title)) if doc.title else set()
    if title:
        F[:, 26] = [len(_content(s) & title) / len(title) for s in sents]
        F[:, 27] = 1.0
    F[:, 28] = [sum(1 for w in ws if _NUM.search(w)) / max(1, len(ws)) if _NUM.search(x) else 0.0
                for x, ws in zip(sents, toks)]
    # each regex is run only on sentences holding what every match needs (same values, less work)
    F[:, 29] = [any(c in x for c in _QUOTE_CHARS) and _QUOTE.search(x) is not None for x in sents]
    F[:, 30] = [x.lstrip()[:1] in "\"“'«`" for x in sents]
    F[:, 31] = [(any(w in x for w in _ATTRIB_WORDS) or _CASE_FOLD_ODD.search(x) is not None)
                and _ATTRIB.search(x) is not None for x in sents]
    F[:, 32] = [x.rstrip().rstrip("\"”'").rstrip().endswith("?") for x in sents]
    F[:, 33] = [bool(ws) and ws[0] in _DANGLING for ws in toks]
    F[:, 34] = np.log1p(lens.sum())
    F[:, 35] = np.log1p(lens[:3].sum())
    return F


# --------------------------------------------------------------------------- gradient-boosted trees as arrays
FOREST_KEYS = ("tree_value", "tree_feature", "tree_threshold", "tree_left", "tree_right", "tree_leaf",
               "tree_missing_left", "tree_roots", "tree_baseline")


def forest_to_arrays(model) -> dict[str, np.ndarray]:
    """A fitted sklearn ``HistGradientBoosting*`` (single output) as plain arrays (no pickle).

    Nodes of all trees are concatenated; child indices are global; ``tree_roots`` holds each tree's
    root. :func:`forest_predict` evaluates them with numpy.
    """
    values, feats, thrs, lefts, rights, leaves, miss, roots = [], [], [], [], [], [], [], []
    offset = 0
    for stage in model._predictors:
        nodes = stage[0].nodes
        if np.any(nodes["is_categorical"]):
            raise ConfigError("categorical splits cannot be exported")
        roots.append(offset)
        values.append(nodes["value"])
        feats.append(nodes["feature_idx"])
        thrs.append(nodes["num_threshold"])
        lefts.append(nodes["left"].astype(np.int64) + offset)
        rights.append(nodes["right"].astype(np.int64) + offset)
        leaves.append(nodes["is_leaf"])
        miss.append(nodes["missing_go_to_left"])
        offset += len(nodes)
    return {"tree_value": np.concatenate(values).astype(np.float64),
            "tree_feature": np.concatenate(feats).astype(np.int64),
            "tree_threshold": np.concatenate(thrs).astype(np.float64),
            "tree_left": np.concatenate(lefts), "tree_right": np.concatenate(rights),
            "tree_leaf": np.concatenate(leaves).astype(np.uint8),
            "tree_missing_left": np.concatenate(miss).astype(np.uint8),
            "tree_roots": np.asarray(roots, dtype=np.int64),
            "tree_baseline": np.asarray(model._baseline_prediction, dtype=np.float64).ravel()[:1]}


def forest_predict(arrays: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Raw (logit) output of the trees of :func:`forest_to_arrays` for rows ``X``.

    Examples
    --------
    >>> arrays = {"tree_value": np.array([0.0, -1.0, 1.0]), "tree_feature": np.array([0, 0, 0]),
    ...           "tree_threshold": np.array([0.5, 0, 0]), "tree_left": np.array([1, 0, 0]),
    ...           "tree_right": np.array([2, 0, 0]), "tree_leaf": np.array([0, 1, 1], np.uint8),
    ...           "tree_missing_left": np.array([1, 0, 0], np.uint8), "tree_roots": np.array([0]),
    ...           "tree_baseline": np.array([0.5])}
    >>> forest_predict(arrays, np.array([[0.2], [0.9]])).tolist()
    [-0.5, 1.5]
    """
    X = np.asarray(X, dtype=np.float64)
    m = len(X)
    roots = arrays["tree_roots"]
    compiled = _compiled_trees(arrays)
    if compiled is not None and m:
        # scikit-learn's compiled walk, tree by tree: the same leaf values, summed the same way below
        from sklearn.ensemble._hist_gradient_boosting._predictor import _predict_from_raw_data

        leaves = np.empty((len(roots), m), dtype=np.float64)
        Xc = np.ascontiguousarray(X)
        no_cat = np.zeros((0, 8), dtype=np.uint32)
        f_idx = np.zeros(X.shape[1], dtype=np.uint32)
        for t, nodes in enumerate(compiled):
            _predict_from_raw_data(nodes, Xc, no_cat, no_cat, f_idx, 1, leaves[t])
        return np.ascontiguousarray(leaves.T).sum(axis=1) + float(arrays["tree_baseline"][0])
    feat, thr, leaf = arrays["tree_feature"], arrays["tree_threshold"], arrays["tree_leaf"].astype(bool)
    left, right, miss = arrays["tree_left"], arrays["tree_right"], arrays["tree_missing_left"].astype(bool)
    node = np.tile(roots, m)  # (row, tree) pairs, flattened
    row = np.repeat(np.arange(m), len(roots))
    active = np.flatnonzero(~leaf[node])
    while active.size:  # only the pairs still inside a tree are walked one level down
        nd = node[active]
        x = X[row[active], feat[nd]]
        go_left = np.where(np.isnan(x), miss[nd], x <= thr[nd])
        nxt = np.where(go_left, left[nd], right[nd])
        node[active] = nxt
        active = active[~leaf[nxt]]
    return arrays["tree_value"][node].reshape(m, len(roots)).sum(axis=1) + float(arrays["tree_baseline"][0])


class _TrigramBlocked:
    """The candidate order with trigram blocking, worked out only as far as it is read.

    Iterating gives the sentences of ``order`` that share no word trigram with a better sentence kept
    before them, then the blocked ones (the list ``kept + blocked``). Selection stops after a few
    sentences, so most of a long article's trigrams are never computed.
    """

    def __init__(self, sentences: Sequence[str], order: list[int]) -> None:
        self.sentences, self.order = sentences, order

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self):
        blocked, seen = [], set()
        for i in self.order:
            w = words(self.sentences[i])
            grams = set(zip(w, w[1:], w[2:]))
            if grams & seen:
                blocked.append(i)
            else:
                seen |= grams
                yield i
        yield from blocked

    def __getitem__(self, j: int) -> int:
        if j == 0 and self.order:
            return self.order[0]  # the best sentence is never blocked
        return list(self)[j]


_COMPILED: dict[int, tuple[Any, list[np.ndarray] | None]] = {}


def _compiled_trees(arrays: dict[str, np.ndarray]) -> list[np.ndarray] | None:
    """The trees of ``arrays`` as scikit-learn predictor node records (one array per tree), or None.

    scikit-learn walks them in compiled code, about ten times faster than the numpy walk of
    :func:`forest_predict`. Its private predictor may move between versions: any failure to build the
    records (or ``NEWSML_NUMPY_FOREST=1``) falls back to the numpy walk. Cached per arrays object.
    """
    import os

    key = id(arrays["tree_value"])
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is arrays["tree_value"]:
        return hit[1]
    trees = None
    if not os.environ.get("NEWSML_NUMPY_FOREST"):
        try:
            from sklearn.ensemble._hist_gradient_boosting._predictor import _predict_from_raw_data  # noqa: F401
            from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

            roots = [int(r) for r in arrays["tree_roots"]] + [len(arrays["tree_value"])]
            trees = []
            for a, b in zip(roots[:-1], roots[1:]):
                nodes = np.zeros(b - a, dtype=PREDICTOR_RECORD_DTYPE)
                nodes["value"] = arrays["tree_value"][a:b]
                nodes["feature_idx"] = arrays["tree_feature"][a:b]
                nodes["num_threshold"] = arrays["tree_threshold"][a:b]
                nodes["missing_go_to_left"] = arrays["tree_missing_left"][a:b]
                leaf = arrays["tree_leaf"][a:b].astype(bool)
                nodes["is_leaf"] = leaf
                nodes["left"] = np.where(leaf, 0, arrays["tree_left"][a:b] - a)
                nodes["right"] = np.where(leaf, 0, arrays["tree_right"][a:b] - a)
                trees.append(nodes)
        except Exception:  # noqa: BLE001 - the numpy walk gives the same values
            trees = None
    _COMPILED[key] = (arrays["tree_value"], trees)
    return trees


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
    >>> text = ("Mali cut diplomatic ties with Ukraine on Sunday, accusing Kyiv of backing rebels in the "
    ...         "north. The junta said the decision took effect at once. Ukraine denied the charge. "
    ...         "Senegal summoned the Ukrainian ambassador. It rained in Bamako.")
    >>> s = SupervisedSummarizer().summarize([text], max_sentences=1)[0]
    >>> s.sentences
    [0]
    """

    name = "supervised"
    requires_fit = True

    def __init__(self, model: str = "hgb", C: float = 1.0, hidden: int = 32, n_trees: int = 200,
                 learning_rate: float = 0.1, max_leaf_nodes: int = 31, min_samples_leaf: int = 20,
                 labels: str = "oracle",
                 oracle_sentences: int = 3, block_trigrams: bool = True,
                 use_embeddings: bool = False, encoder: str | None = None, lead_prior: float = 0.0,
                 pretrained: str | None = "news",
                 random_state: int = 0, default_sentences: int = 3, dedup_threshold: float = 0.7,
                 focus_weight: float = 0.7, focus_encoder: str | None = None, device: str = "cpu",
                 batch_size: int = 64, progress: bool | None = None, max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self._store(locals())

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
            Articles (strings or Document-like objects with ``text``/``title``/``sentences``).
        summaries:
            One reference summary per article.

        Returns
        -------
        self
        """
        X, y = self.training_matrix(texts, summaries)
        return self.fit_matrix(X, y)

    def training_matrix(self, texts: Sequence[Any], summaries: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sentence features and labels of (article, summary) pairs, stacked (what :meth:`fit` learns from).

        Labels are ``labels="oracle"`` (1 for the sentences of the greedy ROUGE oracle) or ``"soft"``
        (the oracle label averaged with each sentence's own ROUGE-1/2 F1 against the reference).
        """
        texts = list(texts)
        summaries = list(summaries)
        if len(texts) != len(summaries):
            raise InputError(f"fit(): {len(texts)} texts but {len(summaries)} summaries")
        if not texts:
            raise InputError("fit() needs at least one (text, summary) pair")
        if self.labels not in ("oracle", "soft"):
            raise ConfigError(f"supervised summariser: labels={self.labels!r}; allowed: oracle, soft")
        X_parts, y_parts = [], []
        for start in range(0, len(texts), 256):
            docs = self._prepare(texts[start:start + 256])
            feats = self._features(docs, bool(self.use_embeddings))
            for d, F, ref in zip(docs, feats, summaries[start:start + 256]):
                if len(d.sentences) == 0 or not str(ref).strip():
                    continue
                X_parts.append(F)
                y_parts.append(sentence_labels(d.sentences, str(ref), int(self.oracle_sentences), self.labels))
        if not X_parts:
            raise InputError("fit(): no article with both sentences and a non-empty summary")
        self.n_train_docs_ = len(X_parts)
        return np.vstack(X_parts), np.concatenate(y_parts)

    def fit_matrix(self, X: np.ndarray, y: np.ndarray):
        """Fit the scorer on a feature matrix from :meth:`training_matrix` (labels in [0, 1])."""
        if self.model not in ("logistic", "mlp", "hgb"):
            raise ConfigError(f"supervised summariser: model={self.model!r}; allowed: logistic, mlp, hgb")
        y = np.asarray(y, dtype=np.float64)
        yb = (y >= 0.5).astype(int)
        if yb.min() == yb.max():
            raise InputError("fit(): the oracle labelled every sentence the same; give more varied pairs")
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ < 1e-9] = 1.0
        Z = (X - self.mean_) / self.scale_
        self.weights_, self.biases_, self.forest_ = [], [], {}
        if self.model == "hgb":
            from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

            common = {"max_iter": int(self.n_trees), "learning_rate": float(self.learning_rate),
                      "max_leaf_nodes": int(self.max_leaf_nodes),
                      "min_samples_leaf": int(self.min_samples_leaf), "l2_regularization": 1.0 / float(self.C),
                      "early_stopping": False, "random_state": self.random_state}
            if self.labels == "soft":
                # cross-entropy on soft targets: a logistic-loss regressor on the logit scale is not in
                # sklearn, so fit squared error on the labels and read the output as a score
                est = HistGradientBoostingRegressor(**common).fit(Z, y)
            else:
                est = HistGradientBoostingClassifier(**common).fit(Z, yb)
            self.forest_ = forest_to_arrays(est)
        elif self.model == "logistic":
            from sklearn.linear_model import LogisticRegression

            clf = LogisticRegression(C=float(self.C), max_iter=2000)
            clf.fit(Z, yb)
            self.weights_ = [clf.coef_.T.astype(np.float64)]
            self.biases_ = [clf.intercept_.astype(np.float64)]
        else:
            from sklearn.neural_network import MLPClassifier

            clf = MLPClassifier(hidden_layer_sizes=(int(self.hidden),), alpha=1.0 / float(self.C),
                                max_iter=300, early_stopping=True, random_state=self.random_state)
            clf.fit(Z, yb)
            self.weights_ = [w.astype(np.float64) for w in clf.coefs_]
            self.biases_ = [b.astype(np.float64) for b in clf.intercepts_]
        self.feature_names_ = BASE_FEATURES + (EMB_FEATURES if self.use_embeddings else [])
        self.use_embeddings_ = bool(self.use_embeddings)
        self.n_train_docs_ = int(getattr(self, "n_train_docs_", 0))
        self.positive_rate_ = float(yb.mean())
        self.train_info_ = dict(getattr(self, "train_info_", {}) or {})
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
        self.pretrained_path_ = str(path)

    def pretrained_training_ids(self) -> set[str]:
        """Ids of the documents the shipped weights in use were trained on (empty after :meth:`fit`).

        An evaluation of the pretrained model on any of them measures its training set: drop them
        (``experiments/bench_summarize.py`` does) or at least say so (the experiment runner does).
        """
        if not self.pretrained or (hasattr(self, "weights_") and not hasattr(self, "pretrained_path_")):
            return set()
        from newsml.summarize.train import training_ids

        return training_ids(PRETRAINED.get(str(self.pretrained), Path(str(self.pretrained))))

    def decision_function(self, docs: list[_Doc]) -> list[np.ndarray]:
        """Salience logits per sentence for prepared documents."""
        self._ensure_fitted()
        feats = self._features(docs, bool(self.use_embeddings_))
        if self.forest_:  # one call for the whole batch: the tree walk is vectorised over rows
            sizes = [len(F) for F in feats]
            if not sum(sizes):
                return [np.zeros(0) for _ in feats]
            z = forest_predict(self.forest_, (np.vstack(feats) - self.mean_) / self.scale_)
            return list(np.split(z, np.cumsum(sizes)[:-1]))
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

    def _order(self, doc: _Doc, scores: np.ndarray) -> list[int]:
        order = super()._order(doc, scores)
        if not self.block_trigrams:
            return order
        # trigram blocking (Paulus et al., 2018): a sentence sharing a word trigram with a better one
        # already in the order goes to the end
        return _TrigramBlocked(doc.sentences, order)

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
                 "positive_rate": float(self.positive_rate_), "scorer": "hgb" if self.forest_ else "layers",
                 "train_info": dict(getattr(self, "train_info_", {}) or {})}
        arrays = {"mean": self.mean_, "scale": self.scale_, **self.forest_}
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
            self.train_info_ = dict(state.get("train_info", {}))
            self.forest_ = {k: np.asarray(arrays[k]) for k in FOREST_KEYS} if state.get("scorer") == "hgb" else {}
            n = int(state["n_layers"])
            self.weights_ = [np.asarray(arrays[f"W{j}"], dtype=np.float64) for j in range(n)]
            self.biases_ = [np.asarray(arrays[f"b{j}"], dtype=np.float64) for j in range(n)]
        except KeyError as exc:
            raise ModelLoadError(f"saved supervised summariser is missing {exc}; re-save it") from exc
