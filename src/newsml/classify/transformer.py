"""Fine-tune any Hugging Face sequence-classification checkpoint (single- or multi-label).

A plain PyTorch loop (AdamW, linear warm-up/decay schedule, gradient clipping, seeded shuffling,
optional early stopping on validation loss) on top of ``AutoModelForSequenceClassification``, so
it runs on CPU and has no ``accelerate``/``Trainer`` dependency. The default checkpoint is the
embedded all-MiniLM-L6-v2 (a small BERT, available offline); any hub name or local path works.
Multi-label training uses ``problem_type="multi_label_classification"`` (sigmoid + BCE).
``save(dir)`` writes the fine-tuned model and tokenizer with ``save_pretrained`` under
``dir/model`` beside newsml's JSON config.

CPU notes: texts are tokenised once per ``fit``/``predict`` call (not once per epoch) and padded
per batch to the longest text in it (dynamic padding); training batches are drawn from
length-sorted buckets of shuffled texts (``group_by_length``) and prediction batches are sorted
by token length, so little time goes into padding. ``num_threads`` sets torch's intra-op threads
for the duration of ``fit``/``predict`` (on a busy machine fewer threads than cores is often
faster).

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
    num_threads : int or None
        torch intra-op threads while fitting and predicting (restored afterwards); None keeps
        torch's setting.
    group_by_length : bool
        Training batches are formed from buckets of ``50 * batch_size`` shuffled texts sorted by
        token length (the batch order is then shuffled), which cuts padding; False = plain
        shuffled batches.

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
    >>> # on a shared CPU, one torch thread avoids oversubscription (3-4x faster here under load)
    >>> TransformerClassifier(num_threads=1, epochs=3, max_length=64)  # doctest: +SKIP
    """

    name = "transformer"

    def __init__(self, multi_label: bool = False, model_name_or_path: str | None = None, epochs: int = 3,
                 batch_size: int = 16, learning_rate: float = 5e-5, weight_decay: float = 0.01,
                 warmup_ratio: float = 0.1, max_length: int = 128, class_weight: str | None = None,
                 patience: int | None = None, seed: int = 0, device: str | None = None,
                 threshold: float = 0.5, top_k: int | None = None, num_threads: int | None = None,
                 group_by_length: bool = True):
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
        self.num_threads = num_threads
        self.group_by_length = group_by_length

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
        if self.num_threads is not None and not (isinstance(self.num_threads, int) and self.num_threads > 0):
            raise ConfigError(f"transformer: num_threads must be a positive integer or None, got {self.num_threads!r}")

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

    def _tokenize(self, texts: list[str]) -> list[dict[str, list[int]]]:
        """Token ids (truncated, unpadded) per text, computed once per fit/predict call."""
        enc = self.tokenizer_(list(texts), truncation=True, max_length=self.max_length, padding=False)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        return [{k: enc[k][i] for k in keys} for i in range(len(texts))]

    def _collate(self, items: list[dict[str, list[int]]]) -> dict[str, Any]:
        """Pad ``items`` to the longest one (dynamic padding) and move the tensors to the device."""
        import torch

        width = max(len(it["input_ids"]) for it in items)
        pad_id = self.tokenizer_.pad_token_id
        pad_id = 0 if pad_id is None else int(pad_id)
        left = getattr(self.tokenizer_, "padding_side", "right") == "left"

        def pad(seqs: list[list[int]], fill: int):
            arr = np.full((len(seqs), width), fill, dtype=np.int64)
            for r, seq in enumerate(seqs):
                if left:
                    arr[r, width - len(seq):] = seq
                else:
                    arr[r, :len(seq)] = seq
            return torch.from_numpy(arr).to(self._device_)

        out = {key: pad([it[key] for it in items], pad_id if key == "input_ids" else 0) for key in items[0]}
        if "attention_mask" not in out:  # tokenizers that do not return one
            out["attention_mask"] = pad([[1] * len(it["input_ids"]) for it in items], 0)
        return out

    def _sorted_logits(self, items: list[dict[str, list[int]]]):
        """Yield ``(indices, float logits)`` over batches of ``items`` sorted by token length (little padding)."""
        order = np.argsort([len(it["input_ids"]) for it in items], kind="stable")
        for i in range(0, len(items), self.batch_size):
            idx = order[i: i + self.batch_size]
            yield idx, self.model_(**self._collate([items[j] for j in idx])).logits.float()

    def _train_order(self, lengths: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
        """Index batches for one epoch: shuffled, or (group_by_length) length-sorted within buckets."""
        n, bs = len(lengths), self.batch_size
        order = rng.permutation(n)
        if not self.group_by_length or n <= bs:
            return [order[i: i + bs] for i in range(0, n, bs)]
        batches = []
        bucket = 50 * bs
        for s in range(0, n, bucket):
            chunk = order[s: s + bucket]
            chunk = chunk[np.argsort(-lengths[chunk], kind="stable")]
            batches += [chunk[i: i + bs] for i in range(0, len(chunk), bs)]
        return [batches[j] for j in rng.permutation(len(batches))]

    class _Threads:
        """Context manager: torch intra-op threads = ``n`` inside, restored on exit (None: no-op)."""

        def __init__(self, n: int | None):
            self.n = n

        def __enter__(self):
            if self.n is not None:
                import torch

                self.before = torch.get_num_threads()
                torch.set_num_threads(self.n)
            return self

        def __exit__(self, *exc):
            if self.n is not None:
                import torch

                torch.set_num_threads(self.before)

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

    def _eval_loss(self, items: list[dict[str, list[int]]], Y: np.ndarray, loss_fn) -> float:
        import torch

        self.model_.eval()
        total = 0.0
        with torch.inference_mode():
            for idx, logits in self._sorted_logits(items):
                total += float(loss_fn(logits, self._targets(Y[idx]))) * len(idx)
        return total / max(len(items), 1)

    # ------------------------------------------------------------------ fitting
    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        self._check_params()
        with self._Threads(self.num_threads):
            self._fit_loop(texts, Y, validation)

    def _fit_loop(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        import torch

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
        items = self._tokenize(texts)  # once, not once per epoch
        lengths = np.array([len(it["input_ids"]) for it in items])
        val_items = self._tokenize(validation[0]) if validation is not None and len(validation[0]) else None
        for _epoch in range(self.epochs):
            self.model_.train()
            total = 0.0
            for idx in self._train_order(lengths, rng):
                logits = self.model_(**self._collate([items[j] for j in idx])).logits
                loss = loss_fn(logits.float(), self._targets(Y[idx]))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model_.parameters(), 1.0)
                opt.step()
                sched.step()
                total += float(loss.detach()) * len(idx)
            self.loss_history_.append(total / n)
            if val_items is not None:
                vloss = self._eval_loss(val_items, validation[1], loss_fn)
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
        with self._Threads(self.num_threads), torch.inference_mode():
            for idx, logits in self._sorted_logits(self._tokenize(texts)):
                p = torch.sigmoid(logits) if self.multi_label_ else torch.softmax(logits, dim=-1)
                out[idx] = p.cpu().numpy()
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
