"""Fine-tune any Hugging Face sequence-classification checkpoint (single- or multi-label).

A plain PyTorch loop (AdamW, linear warm-up/decay schedule, gradient clipping, seeded shuffling,
optional early stopping on validation loss) on top of ``AutoModelForSequenceClassification``, so
it runs on CPU and has no ``accelerate``/``Trainer`` dependency. The default checkpoint is the
embedded all-MiniLM-L6-v2 (a small BERT, available offline); any hub name or local path works.
Multi-label training uses ``problem_type="multi_label_classification"`` (sigmoid + BCE).
``save(dir)`` writes the fine-tuned model and tokenizer with ``save_pretrained`` under
``dir/model`` beside newsml's JSON config.

Examples
--------
>>> from newsml.classify.transformer import TransformerClassifier
>>> clf = TransformerClassifier(epochs=3, max_length=64)  # doctest: +SKIP
>>> clf.fit(["Troops clashed at the border.", "Shares rose on Monday."], ["conflict", "markets"])  # doctest: +SKIP
>>> clf.predict(["Artillery shelled the town."])  # doctest: +SKIP
['conflict']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from newsml.classify.base import BaseClassifier
from newsml.errors import ConfigError, ModelLoadError

MODEL_SUBDIR = "model"


class TransformerClassifier(BaseClassifier):
    """Fine-tuned transformer sequence classifier.

    Parameters
    ----------
    multi_label : bool
        Multi-label (sigmoid/BCE) instead of single-label (softmax/cross-entropy).
    model_name_or_path : str or None
        Hugging Face checkpoint name or local path; None = the embedded all-MiniLM-L6-v2.
    epochs : int
        Training epochs.
    batch_size : int
        Training and prediction batch size.
    learning_rate : float
        Peak AdamW learning rate.
    weight_decay : float
        AdamW weight decay.
    warmup_ratio : float
        Share of steps with linear warm-up.
    max_length : int
        Maximum tokens per text (longer texts are truncated).
    class_weight : {None, "balanced"}
        Loss weights per class (single-label) or positive weights (multi-label).
    patience : int or None
        With ``fit(validation=...)``: stop after this many epochs without a lower validation loss
        and keep the best epoch's weights.
    seed : int
        Seed for the head initialisation, dropout and shuffling.
    device : str or None
        ``"cpu"``, ``"cuda"``...; None picks CUDA when available.
    threshold : float
        Multi-label decision threshold (tuned per label when validation data is given).
    top_k : int or None
        At most this many labels per text (multi-label).

    Attributes
    ----------
    classes_ : ndarray of str
    model_, tokenizer_ : the fine-tuned Hugging Face model and its tokenizer
    loss_history_ : list of float
        Mean training loss per epoch.
    val_loss_history_ : list of float
        Validation loss per epoch (when validation data is given).

    Examples
    --------
    >>> clf = TransformerClassifier(model_name_or_path="path/to/tiny-bert", epochs=2)  # doctest: +SKIP
    >>> clf.fit(texts, labels).loss_history_  # doctest: +SKIP
    [1.09, 0.97]
    """

    name = "transformer"

    def __init__(self, multi_label: bool = False, model_name_or_path: str | None = None, epochs: int = 3,
                 batch_size: int = 16, learning_rate: float = 5e-5, weight_decay: float = 0.01,
                 warmup_ratio: float = 0.1, max_length: int = 128, class_weight: str | None = None,
                 patience: int | None = None, seed: int = 0, device: str | None = None,
                 threshold: float = 0.5, top_k: int | None = None):
        self.multi_label = multi_label
        self.model_name_or_path = model_name_or_path
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_length = max_length
        self.class_weight = class_weight
        self.patience = patience
        self.seed = seed
        self.device = device
        self.threshold = threshold
        self.top_k = top_k

    # ------------------------------------------------------------------ helpers
    def _resolve_path(self) -> str:
        if self.model_name_or_path is None:
            from newsml.encoders import default_encoder_path

            return default_encoder_path()
        return str(self.model_name_or_path)

    def _device(self) -> str:
        if self.device:
            return self.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def _check_params(self) -> None:
        if self.class_weight not in (None, "balanced"):
            raise ConfigError(f"transformer: class_weight={self.class_weight!r}; use None or 'balanced'")
        for key in ("epochs", "batch_size", "max_length"):
            v = getattr(self, key)
            if not (isinstance(v, int) and v > 0):
                raise ConfigError(f"transformer: {key} must be a positive integer, got {v!r}")

    def _load(self, path: str, num_labels: int | None = None):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        kwargs: dict[str, Any] = {}
        if num_labels is not None:
            classes = [str(c) for c in self.classes_]
            kwargs = dict(id2label=dict(enumerate(classes)),
                          label2id={c: i for i, c in enumerate(classes)}, ignore_mismatched_sizes=True,
                          problem_type=("multi_label_classification" if self.multi_label
                                        else "single_label_classification"))
        try:
            tok = AutoTokenizer.from_pretrained(path)
            model = AutoModelForSequenceClassification.from_pretrained(path, **kwargs)
        except Exception as exc:  # noqa: BLE001 - re-raised with the path and a hint
            raise ModelLoadError(
                f"transformer: cannot load checkpoint {path!r}: {exc}. Give a local path to a Hugging Face "
                "model folder, or a hub name with internet access."
            ) from exc
        return tok, model

    def _batches(self, texts: list[str]):
        for i in range(0, len(texts), self.batch_size):
            chunk = texts[i: i + self.batch_size]
            enc = self.tokenizer_(chunk, padding=True, truncation=True, max_length=self.max_length,
                                  return_tensors="pt")
            yield i, {k: v.to(self._device_) for k, v in enc.items() if k in ("input_ids", "attention_mask",
                                                                                "token_type_ids")}

    def _loss_fn(self, Y: np.ndarray):
        import torch

        weight = None
        if self.class_weight == "balanced":
            if self.multi_label:
                pos = Y.sum(0)
                weight = torch.tensor(np.clip((len(Y) - pos) / np.clip(pos, 1, None), 1.0, 50.0),
                                      dtype=torch.float32, device=self._device_)
            else:
                counts = Y.sum(0)
                w = len(Y) / (len(counts) * np.clip(counts, 1, None))
                weight = torch.tensor(w, dtype=torch.float32, device=self._device_)
        if self.multi_label:
            return torch.nn.BCEWithLogitsLoss(pos_weight=weight)
        return torch.nn.CrossEntropyLoss(weight=weight)

    def _targets(self, Yb: np.ndarray):
        import torch

        if self.multi_label:
            return torch.tensor(Yb, dtype=torch.float32, device=self._device_)
        return torch.tensor(Yb.argmax(1), dtype=torch.long, device=self._device_)

    def _eval_loss(self, texts: list[str], Y: np.ndarray, loss_fn) -> float:
        import torch

        self.model_.eval()
        total = 0.0
        with torch.no_grad():
            for i, enc in self._batches(texts):
                logits = self.model_(**enc).logits
                total += float(loss_fn(logits, self._targets(Y[i: i + self.batch_size]))) * len(enc["input_ids"])
        return total / max(len(texts), 1)

    # ------------------------------------------------------------------ fitting
    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        import torch

        self._check_params()
        torch.manual_seed(self.seed)
        self._device_ = self._device()
        self.tokenizer_, self.model_ = self._load(self._resolve_path(), num_labels=Y.shape[1])
        self.model_.to(self._device_)
        loss_fn = self._loss_fn(Y)
        n = len(texts)
        steps = self.epochs * ((n + self.batch_size - 1) // self.batch_size)
        warmup = int(self.warmup_ratio * steps)
        no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm.weight")
        groups = [
            {"params": [p for nm, p in self.model_.named_parameters() if not any(k in nm for k in no_decay)],
             "weight_decay": self.weight_decay},
            {"params": [p for nm, p in self.model_.named_parameters() if any(k in nm for k in no_decay)],
             "weight_decay": 0.0},
        ]
        opt = torch.optim.AdamW(groups, lr=self.learning_rate)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: (s + 1) / max(1, warmup) if s < warmup else max(0.0, (steps - s) / max(1, steps - warmup)))
        rng = np.random.default_rng(self.seed)
        self.loss_history_: list[float] = []
        self.val_loss_history_: list[float] = []
        best, best_state, bad = float("inf"), None, 0
        arr = np.array(texts, dtype=object)
        for _epoch in range(self.epochs):
            self.model_.train()
            order = rng.permutation(n)
            total = 0.0
            for i, enc in self._batches(list(arr[order])):
                idx = order[i: i + self.batch_size]
                logits = self.model_(**enc).logits
                loss = loss_fn(logits, self._targets(Y[idx]))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model_.parameters(), 1.0)
                opt.step()
                sched.step()
                total += float(loss.detach()) * len(idx)
            self.loss_history_.append(total / n)
            if validation is not None and len(validation[0]):
                vloss = self._eval_loss(validation[0], validation[1], loss_fn)
                self.val_loss_history_.append(vloss)
                if vloss < best - 1e-6:
                    best, bad = vloss, 0
                    best_state = {k: v.detach().clone() for k, v in self.model_.state_dict().items()}
                else:
                    bad += 1
                    if self.patience is not None and bad >= self.patience:
                        break
        if best_state is not None and self.patience is not None:
            self.model_.load_state_dict(best_state)
        self.model_.eval()

    # --------------------------------------------------------------- prediction
    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        import torch

        self.model_.eval()
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
        # sort by length so batches pad little
        order = np.argsort([len(t) for t in texts], kind="stable")
        sorted_texts = [texts[i] for i in order]
        with torch.no_grad():
            for i, enc in self._batches(sorted_texts):
                logits = self.model_(**enc).logits.float()
                p = torch.sigmoid(logits) if self.multi_label_ else torch.softmax(logits, dim=-1)
                out[order[i: i + len(enc["input_ids"])]] = p.cpu().numpy()
        return out

    # ---------------------------------------------------------------- save/load
    def _get_state(self, path: Path):
        target = Path(path) / MODEL_SUBDIR
        self.model_.save_pretrained(str(target))
        self.tokenizer_.save_pretrained(str(target))
        return {"model_dir": MODEL_SUBDIR}, {}

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> None:
        self._device_ = self._device()
        self.tokenizer_, self.model_ = self._load(str(Path(path) / state.get("model_dir", MODEL_SUBDIR)))
        self.model_.to(self._device_)
        self.model_.eval()
