"""``nli``: zero-shot tagging with any Hugging Face natural-language-inference checkpoint.

Each sentence of a document is the *premise*; each topic gives a *hypothesis* built from the
taxonomy's template (default ``"This text is about {name}."``; ``{definition}`` also works). The
model's entailment probability (entailment against contradiction when the model has both labels,
as in the classic zero-shot recipe, else the softmax over all labels) is the sentence score, and a
document's score for a topic is the maximum (or mean) over its sentences, so the evidence sentences
come for free. The entailment label is found from ``config.id2label``.

Sentence/hypothesis pairs are batched and each distinct sentence is scored once per call. Any
sequence-classification NLI checkpoint works (a hub name with internet access, or a local path).

Examples
--------
>>> import newsml
>>> clf = newsml.get_classifier("nli", model="facebook/bart-large-mnli")  # doctest: +SKIP
>>> clf.predict(["Soldiers seized power and detained the president."])  # doctest: +SKIP
[['coup']]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from newsml.classify.base import BaseClassifier, split_sentences_for_evidence
from newsml.classify.taxonomy_based import TaxonomyBased
from newsml.errors import ModelLoadError
from newsml.taxonomy.loader import Taxonomy, parse_taxonomy

DEFAULT_NLI_MODEL = "facebook/bart-large-mnli"
_MODELS: dict[tuple[str, str], Any] = {}


def load_nli(model: str, device: str = "cpu"):
    """Load (once per process) tokenizer, model and the entailment/contradiction label ids."""
    key = (str(model), device)
    if key not in _MODELS:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            tok = AutoTokenizer.from_pretrained(str(model))
            net = AutoModelForSequenceClassification.from_pretrained(str(model)).to(device).eval()
        except Exception as exc:  # noqa: BLE001 - re-raised with the name
            raise ModelLoadError(
                f"could not load NLI model {model!r}: {exc}. Use a local checkpoint path, or a hub name "
                "with internet access."
            ) from exc
        id2label = {int(k): str(v).lower() for k, v in net.config.id2label.items()}
        ent = [i for i, v in id2label.items() if v.startswith("entail")]
        con = [i for i, v in id2label.items() if v.startswith("contradict")]
        if not ent:
            raise ModelLoadError(
                f"NLI model {model!r} has no entailment label in config.id2label ({id2label}); "
                "use an NLI checkpoint whose labels include 'entailment'"
            )
        _MODELS[key] = (tok, net, ent[0], con[0] if con else None)
    return _MODELS[key]


class NLIZeroShotClassifier(TaxonomyBased, BaseClassifier):
    """Zero-shot topic tagger with an NLI cross-encoder (see module docs).

    Parameters
    ----------
    model : str
        NLI checkpoint name or path (sequence classification with an ``entailment`` label).
    taxonomy : str
        Built-in taxonomy name or YAML path; supplies topic names and definitions.
    multi_label : bool
        Multi-label output (default True).
    threshold : float
        Decision threshold on the entailment probability.
    top_k : int or None
        Keep at most this many labels per text.
    hypothesis_template : str or None
        Hypothesis with ``{name}`` / ``{definition}`` placeholders; None uses the taxonomy's.
    aggregate : {"max", "mean"}
        How sentence scores become a document score.
    batch_size : int
        Premise/hypothesis pairs per forward pass.
    max_length : int
        Token limit per pair.
    device : str
        torch device ("cpu", "cuda").

    Attributes
    ----------
    classes_ : ndarray of str
    thresholds_ : ndarray of float
    hypotheses_ : list of str
        The hypothesis used for each class.

    Examples
    --------
    >>> clf = NLIZeroShotClassifier(model="path/to/nli-checkpoint")  # doctest: +SKIP
    >>> clf.explain("Markets rose. Rebels overran the base.")["military_defeat"][0].sentence  # doctest: +SKIP
    'Rebels overran the base.'
    """

    requires_fit = False

    name = "nli"

    def __init__(self, model: str = DEFAULT_NLI_MODEL, taxonomy: str = "news_events", multi_label: bool = True,
                 threshold: float = 0.5, top_k: int | None = None, hypothesis_template: str | None = None,
                 aggregate: str = "max", batch_size: int = 16, max_length: int = 256, device: str = "cpu"):
        self.model = model
        self.taxonomy = taxonomy
        self.multi_label = multi_label
        self.threshold = threshold
        self.top_k = top_k
        self.hypothesis_template = hypothesis_template
        self.aggregate = aggregate
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device

    def _hypothesis(self, label: str, tax: Taxonomy) -> str:
        template = self.hypothesis_template or tax.hypothesis_template
        if label in tax:
            t = tax[label]
            return template.format(name=t.name, definition=t.definition, id=t.id)
        return template.format(name=label.replace("_", " "), definition=label, id=label)

    def _default_state(self) -> None:
        tax = self._init_from_taxonomy()
        self.hypotheses_ = [self._hypothesis(c, tax) for c in tax.ids]
        self.thresholds_ = self._initial_thresholds()

    def _fit(self, texts: list[str], Y: np.ndarray, validation=None) -> None:
        if self.aggregate not in ("max", "mean"):
            from newsml.errors import ConfigError

            raise ConfigError(f"nli: aggregate={self.aggregate!r}; allowed: max, mean")
        tax = self._taxonomy()
        self.taxonomy_ = tax
        self.hypotheses_ = [self._hypothesis(str(c), tax) for c in self.classes_]

    # ---------------------------------------------------------------- scoring
    def sentence_scores(self, sentences: list[str]) -> np.ndarray:
        """Entailment probabilities ``(n_sentences, n_classes)``; each distinct sentence scored once."""
        import torch

        self._check_fitted()
        tok, net, ent, con = load_nli(self.model, self.device)
        unique: dict[str, int] = {}
        index = [unique.setdefault(s, len(unique)) for s in sentences]
        prem = list(unique)
        pairs = [(p, h) for p in prem for h in self.hypotheses_]
        out = np.zeros(len(pairs), dtype=np.float32)
        limits = [self.max_length, getattr(net.config, "max_position_embeddings", None) or self.max_length]
        if 0 < int(getattr(tok, "model_max_length", 0) or 0) < 10**6:
            limits.append(int(tok.model_max_length))
        max_length = min(limits)
        # sort by length so batches pad little
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        with torch.no_grad():
            for b in range(0, len(order), self.batch_size):
                idx = order[b:b + self.batch_size]
                enc = tok([pairs[i][0] for i in idx], [pairs[i][1] for i in idx], truncation=True,
                          max_length=max_length, padding=True, return_tensors="pt").to(self.device)
                logits = net(**enc).logits.float()
                if con is not None:
                    p = torch.softmax(logits[:, [con, ent]], dim=-1)[:, 1]
                else:
                    p = torch.softmax(logits, dim=-1)[:, ent]
                out[idx] = p.cpu().numpy()
        S = out.reshape(len(prem), len(self.hypotheses_)) if prem else np.zeros((0, len(self.hypotheses_)))
        return S[index] if sentences else S

    def _predict_proba(self, texts: list[str]) -> np.ndarray:
        sents = [split_sentences_for_evidence(t) or [t] for t in texts]
        S = self.sentence_scores([s for ss in sents for s in ss])
        P = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
        k = 0
        for i, ss in enumerate(sents):
            block = S[k:k + len(ss)]
            k += len(ss)
            P[i] = block.mean(axis=0) if self.aggregate == "mean" else block.max(axis=0)
        if not self.multi_label_:
            P = P + 1e-6
            P = P / P.sum(axis=1, keepdims=True)
        return P

    # ------------------------------------------------------------------ save
    def _get_state(self, path):
        self._check_fitted()
        return {"taxonomy": self.taxonomy_.to_dict(), "hypotheses": list(self.hypotheses_)}, {}

    def _set_state(self, state, arrays, path):
        self.taxonomy_ = parse_taxonomy(state["taxonomy"], f"{path}/newsml_classifier.json:state.taxonomy")
        self.hypotheses_ = list(state["hypotheses"])
