"""SetFit-style few-shot classifier: contrastive tuning of the sentence encoder, then a linear head.

Following Tunstall et al. (2022, "Efficient Few-Shot Learning Without Prompts"), the encoder is
first fine-tuned on sentence pairs built from the labelled examples (same label -> cosine target
1, different label -> 0; for multi-label data the target is the Jaccard overlap of the label
sets) with a cosine-similarity (MSE) loss, then a logistic-regression head is fitted on the tuned
embeddings. A plain PyTorch loop is used (no ``accelerate``/``setfit`` dependency). The starting
encoder is the embedded all-MiniLM-L6-v2 unless ``encoder=`` names another sentence-transformers
model; the shared cached encoder is never modified (a private copy is tuned). ``save(dir)``
writes the tuned encoder under ``dir/encoder`` and the head as safetensors.

Examples
--------
>>> from newsml.classify.setfit import SetFitClassifier
>>> clf = SetFitClassifier(num_iterations=5)  # doctest: +SKIP
>>> clf.fit(["Troops clashed at the border.", "Shares rose on Monday."] * 4, ["conflict", "markets"] * 4)  # doctest: +SKIP
>>> clf.predict(["Artillery shelled the town."])  # doctest: +SKIP
['conflict']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from newsml.classify.base import BaseClassifier, tune_thresholds
from newsml.classify.embedding import fit_logreg_head, head_proba
from newsml.errors import ConfigError, ModelLoadError

ENCODER_SUBDIR = "encoder"


def make_pairs(Y: np.ndarray, num_iterations: int, seed: int) -> list[tuple[int, int, float]]:
    """SetFit pair sampling: per iteration and example, one positive and one negative partner.

    Returns ``(i, j, target)`` with target = Jaccard overlap of the two label sets (1/0 for
    single-label data).
    """
    rng = np.random.default_rng(seed)
    n = len(Y)
    Yb = Y > 0
    inter = (Yb[:, None, :] & Yb[None, :, :]).sum(-1)
    union = (Yb[:, None, :] | Yb[None, :, :]).sum(-1)
    sim = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
    pairs = []
    for _ in range(num_iterations):
        for i in rng.permutation(n):
            pos = np.flatnonzero((sim[i] >= 1.0) & (np.arange(n) != i))
            neg = np.flatnonzero(sim[i] < 1.0)
            if len(pos):
                j = int(rng.choice(pos))
                pairs.append((int(i), j, float(sim[i, j])))
            if len(neg):
                j = int(rng.choice(neg))
                pairs.append((int(i), j, float(sim[i, j])))
    return pairs


def _features(model, texts: list[str], device) -> dict[str, Any]:
    """Tokenised inputs for a SentenceTransformer forward pass (tensors moved to ``device``)."""
    prep = getattr(model, "preprocess", None) or model.tokenize
    feats = prep(texts)
    return {k: (v.to(device) if hasattr(v, "to") else v) for k, v in feats.items()}


class SetFitClassifier(BaseClassifier):
    """Contrastively tuned sentence encoder + logistic-regression head (few-shot friendly).

    Parameters
    ----------
    multi_label : bool
        One-vs-rest multi-label head; pair targets are label-set overlaps.
    encoder : str or None
        Starting sentence-transformers model (name or path); None = embedded all-MiniLM-L6-v2.
    num_iterations : int
        Pair-sampling rounds (each example gets one positive and one negative partner per round).
    epochs : int
        Passes over the pairs.
    batch_size : int
        Pairs per training step (and texts per encoding batch).
    learning_rate : float
        AdamW learning rate for the encoder.
    max_length : int
        Maximum tokens per text during tuning and encoding.
    C : float
        Inverse regularisation of the head.
    class_weight : {None, "balanced"}
        Class weights of the head.
    seed : int
        Seed for pair sampling and training.
    threshold : float
        Multi-label decision threshold (tuned on validation data when given).
    top_k : int or None
        At most this many labels per text (multi-label).

    Attributes
    ----------
    classes_ : ndarray of str
    encoder_ : sentence_transformers.SentenceTransformer
        The tuned encoder.
    coef_, intercept_ : ndarray
        The head.
    loss_history_ : list of float
        Mean pair loss per epoch.

    Examples
    --------
    >>> clf = SetFitClassifier(encoder="path/to/sentence-transformer", num_iterations=2)  # doctest: +SKIP
    >>> clf.fit(texts, labels).predict(["Gunmen attacked a convoy."])  # doctest: +SKIP
    ['attack']
    """

    name = "setfit"

    def __init__(self, multi_label: bool = False, encoder: str | None = None, num_iterations: int = 10,
                 epochs: int = 1, batch_size: int = 16, learning_rate: float = 2e-5, max_length: int = 128,
                 C: float = 1.0, class_weight: str | None = None, seed: int = 0, threshold: float = 0.5,
                 top_k: int | None = None):
        self.multi_label = multi_label
        self.encoder = encoder
        self.num_iterations = num_iterations
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_length = max_length
        self.C = C
        self.class_weight = class_weight
        self.seed = seed
        self.threshold = threshold
        self.top_k = top_k

    def _check_params(self) -> None:
        if self.class_weight not in (None, "balanced"):
            raise ConfigError(f"setfit: class_weight={self.class_weight!r}; use None or 'balanced'")
        for key in ("num_iterations", "epochs", "batch_size", "max_length"):
            v = getattr(self, key)
            if not (isinstance(v, int) and v >= (0 if key == "num_iterations" else 1)):
                raise ConfigError(f"setfit: {key} must be a positive integer, got {v!r}")

    @staticmethod
    def _load_encoder(path: str):
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - re-raised with the path
            raise ModelLoadError(
                f"setfit: cannot load sentence encoder {path!r}: {exc}. Use a local sentence-transformers "
                "folder, or a hub name with internet access."
            ) from exc

    def _embed(self, texts: list[str]) -> np.ndarray:
        unique: dict[str, int] = {}
        index = [unique.setdefault(t, len(unique)) for t in texts]
        V = self.encoder_.encode(list(unique), batch_size=self.batch_size * 2, convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(V, dtype=np.float32)[index]

    def _tune_encoder(self, texts: list[str], Y: np.ndarray) -> None:
        import torch

        model = self.encoder_
        model.max_seq_length = self.max_length
        pairs = make_pairs(Y, self.num_iterations, self.seed)
        self.loss_history_: list[float] = []
        if not pairs:
            return
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        opt = torch.optim.AdamW(model.parameters(), lr=self.learning_rate)
        steps = self.epochs * ((len(pairs) + self.batch_size - 1) // self.batch_size)
        warmup = max(1, int(0.1 * steps))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (steps - s) / max(1, steps - warmup)))
        device = model.device
        model.train()
        for _ in range(self.epochs):
            order = rng.permutation(len(pairs))
            total = 0.0
            for k in range(0, len(order), self.batch_size):
                batch = [pairs[m] for m in order[k: k + self.batch_size]]
                a = _features(model, [texts[i] for i, _, _ in batch], device)
                b = _features(model, [texts[j] for _, j, _ in batch], device)
                ea = model(a)["sentence_embedding"]
                eb = model(b)["sentence_embedding"]
                cos = torch.nn.functional.cosine_similarity(ea, eb)
                target = torch.tensor([t for _, _, t in batch], dtype=torch.float32, device=device)
                loss = torch.nn.functional.mse_loss(cos, target)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                total += float(loss.detach()) * len(batch)
            self.loss_history_.append(total / len(pairs))
        model.eval()

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        from newsml.encoders import resolve_encoder_name

        self._check_params()
        self.encoder_ = self._load_encoder(resolve_encoder_name(self.encoder))
        self._tune_encoder(texts, Y)
        E = self._embed(texts)
        self.coef_, self.intercept_ = fit_logreg_head(E, Y, self.multi_label, self.C, self.class_weight)
        self._tuned_ = None
        if self.multi_label and len(texts) >= 6:
            # thresholds from in-sample head scores are optimistic; use a 3-fold head-only CV
            from sklearn.model_selection import KFold

            P = np.zeros(Y.shape, dtype=np.float32)
            for tr, te in KFold(3, shuffle=True, random_state=self.seed).split(E):
                c, b = fit_logreg_head(E[tr], Y[tr], True, self.C, self.class_weight)
                P[te] = head_proba(E[te], c, b, True)
            self._tuned_ = tune_thresholds(Y, P, default=self.threshold)

    def _initial_thresholds(self) -> np.ndarray:
        tuned = getattr(self, "_tuned_", None)
        return np.asarray(tuned, dtype=np.float64) if tuned is not None else super()._initial_thresholds()

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        return head_proba(self._embed(texts), self.coef_, self.intercept_, self.multi_label_)

    def _get_state(self, path: Path):
        self.encoder_.save(str(Path(path) / ENCODER_SUBDIR))
        return {"encoder_dir": ENCODER_SUBDIR}, {"coef": self.coef_, "intercept": self.intercept_}

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        self.encoder_ = self._load_encoder(str(Path(path) / state.get("encoder_dir", ENCODER_SUBDIR)))
        self.encoder_.max_seq_length = self.max_length
        self.coef_ = arrays["coef"]
        self.intercept_ = arrays["intercept"]
