"""Embedding summarisers: centroid and MMR over sentence embeddings (all-MiniLM-L6-v2 by default).

* **centroid**: a sentence's score is the cosine between its embedding and the article centroid (the
  mean of all sentence embeddings); sentences too similar (cosine >= ``redundancy``) to a better one are
  used only when nothing else is left.
* **mmr** (Maximal Marginal Relevance, Carbonell & Goldstein 1998): sentences are picked one by one,
  maximising ``lambda_ * relevance - (1 - lambda_) * max similarity to the sentences already picked``,
  so the summary covers different facts. Relevance is the centroid similarity (blended with focus
  relevance when ``focus`` is given).

Both can add a small lead prior (``position_weight``): news puts its key facts first.
By default sentences are encoded by the int8 ONNX export of the encoder on the CPU (``backend="auto"``,
``quantize=True``; torch when ONNX Runtime is missing or the device is a GPU); ``backend="torch"``
gives the sentence-transformers embeddings exactly. ``max_tokens`` can cut long sentences before they
are embedded (a small saving on articles with very long sentences).
Sentences of a whole batch of documents are encoded in one call (each distinct sentence once), and
a summariser keeps the embeddings of recently seen sentences, so summarising the same articles again
with other limits or a focus does not re-encode them.

Examples
--------
>>> from newsml.summarize.embedding import MMRSummarizer
>>> s = MMRSummarizer().summarize(["Rebels seized the town. Rebels took control of the town. "
...                                "The army sent reinforcements."], max_sentences=2)[0]  # doctest: +SKIP
>>> len(s.sentences)  # doctest: +SKIP
2
"""

from __future__ import annotations

import numpy as np

from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.summarize._budget import _or
from newsml.summarize._prepare import _Doc
from newsml.summarize.base import BaseSummarizer
from newsml.summarize.focus import minmax


class _EmbeddingSummarizer(BaseSummarizer):
    def __init__(self, encoder: str | None = None, position_weight: float = 0.0, redundancy: float = 0.9,
                 default_sentences: int = 3, dedup_threshold: float = 0.7, focus_weight: float = 0.7,
                 focus_encoder: str | None = None, device: str = "cpu", batch_size: int = 64,
                 progress: bool | None = None, backend: str = "auto", quantize: bool = True,
                 max_tokens: int | None = None, max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self._store(locals())

    #: sentences whose embeddings are kept between calls (per summariser instance)
    cache_size = 20_000

    def _focus_encoder(self):
        """Focus queries go through this summariser's encoder and backend (ONNX int8 by default)."""
        enc = self.focus_encoder or self.encoder
        how = {"backend": _or(self.backend, "auto"), "quantize": bool(_or(self.quantize, True))}
        return enc, how, enc == self.encoder

    def _embed(self, docs: list[_Doc]) -> None:
        from newsml.encoders import encode

        todo = [d for d in docs if "emb" not in d.cache]
        if not todo:
            return
        backend = _or(self.backend, "auto")
        quantize = bool(_or(self.quantize, True))
        max_tokens = self.max_tokens
        key = (self.encoder, self.device, backend, quantize, max_tokens)
        cache = getattr(self, "_emb_cache", None)
        if cache is None or cache[0] != key:
            cache = (key, {})
            self._emb_cache = cache
        store: dict[str, np.ndarray] = cache[1]
        missing = list(dict.fromkeys(s for d in todo for s in d.sentences if s not in store))
        if missing:
            E = encode(missing, self.encoder, device=self.device, backend=backend, quantize=quantize,
                       max_tokens=max_tokens)
            if len(store) + len(missing) > self.cache_size:
                store.clear()
            store.update(zip(missing, E))
        for d in todo:
            d.cache["emb"] = (np.stack([store[s] for s in d.sentences]) if d.sentences
                              else np.zeros((0, 1), np.float32))

    def _score_docs(self, docs: list[_Doc]) -> list[np.ndarray]:
        self._embed(docs)
        out = []
        pw = float(self.position_weight or 0.0)
        for d in docs:
            E = d.cache["emb"]
            if len(E) == 0:
                out.append(np.zeros(0))
                continue
            c = E.mean(axis=0)
            norm = float(np.linalg.norm(c))
            rel = E @ (c / norm) if norm > 0 else np.zeros(len(E))
            if pw:
                pos = 1.0 / np.sqrt(1.0 + np.arange(len(E)))
                rel = (1 - pw) * minmax(rel) + pw * pos
            out.append(rel.astype(np.float64))
        return out


class CentroidSummarizer(_EmbeddingSummarizer):
    """Pick the sentences closest to the article's embedding centroid.

    Parameters
    ----------
    encoder:
        Sentence encoder name or path (None: the embedded all-MiniLM-L6-v2).
    position_weight:
        Weight (0..1) of a lead prior ``1/sqrt(1+i)`` blended with the centroid similarity.
    redundancy:
        Skip a sentence whose cosine to an already chosen one is at least this.
    default_sentences, dedup_threshold, focus_weight, focus_encoder, batch_size, progress:
        Shared settings, see :class:`newsml.summarize.lead.LeadSummarizer`.
    device:
        Torch device for the encoder.
    backend:
        Encoder backend, ``"auto"`` (default: ONNX Runtime on the CPU when onnxruntime is installed,
        else torch), ``"onnx"`` (warns and uses torch when unavailable) or ``"torch"``. See
        :mod:`newsml.encoders`.
    quantize:
        Use the int8 ONNX model (default True: about twice as fast as fp32 on 2 CPU cores, ROUGE
        within the bootstrap CI of fp32, see ``experiments/results/encoder_speed.md``). Ignored by torch.
    max_tokens:
        Cut sentences to their first ``max_tokens`` word pieces when embedding them (None, the default:
        the encoder's own limit, 256). At 48, ROUGE-1 on 200 held-out BBC articles moved by -0.1 to
        +0.5 (centroid and mmr, 40% and 3 sentences; ``experiments/results/encoder_speed.md``); the
        encoder ran 7% faster on articles with long sentences and no faster on typical BBC ones.
    max_input_chars, max_input_sentences:
        Per-document cost caps: at most this many characters are split and this many sentences
        scored (the first ones; None: no cap). A cut is reported in ``Summary.truncated``.

    Examples
    --------
    >>> s = CentroidSummarizer().summarize(["Mali cut ties with Ukraine. Mali accused Kyiv of helping rebels. "
    ...                                     "It was sunny."], max_sentences=1)[0]  # doctest: +SKIP
    >>> s.sentences  # doctest: +SKIP
    [1]
    """

    name = "centroid"

    def _order(self, doc: _Doc, scores: np.ndarray) -> list[int]:
        E = doc.cache.get("emb")
        base = super()._order(doc, scores)
        if E is None or len(E) == 0:
            return base
        kept: list[int] = []
        skipped: list[int] = []
        max_sim = np.full(len(E), -np.inf)  # best cosine of each sentence to a kept one (no n x n matrix)
        for i in base:
            if kept and float(max_sim[i]) >= float(self.redundancy):
                skipped.append(i)  # redundant: only used if nothing else is left
                continue
            kept.append(i)
            max_sim = np.maximum(max_sim, E @ E[i])
        return kept + skipped


class MMRSummarizer(_EmbeddingSummarizer):
    """Maximal Marginal Relevance selection over sentence embeddings.

    Parameters
    ----------
    lambda_:
        Trade-off between relevance (1.0) and novelty (0.0).
    encoder, position_weight, redundancy, device, backend, quantize, max_tokens, max_input_chars,
    max_input_sentences:
        See :class:`CentroidSummarizer`.
    default_sentences, dedup_threshold, focus_weight, focus_encoder, batch_size, progress:
        Shared settings, see :class:`newsml.summarize.lead.LeadSummarizer`.

    Examples
    --------
    >>> MMRSummarizer(lambda_=0.6).get_params()["lambda_"]
    0.6
    """

    name = "mmr"

    def __init__(self, lambda_: float = 0.7, encoder: str | None = None, position_weight: float = 0.0,
                 redundancy: float = 0.9, default_sentences: int = 3, dedup_threshold: float = 0.7,
                 focus_weight: float = 0.7, focus_encoder: str | None = None, device: str = "cpu",
                 batch_size: int = 64, progress: bool | None = None, backend: str = "auto",
                 quantize: bool = True, max_tokens: int | None = None, max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self._store(locals())

    def _order(self, doc: _Doc, scores: np.ndarray) -> list[int]:
        E = doc.cache.get("emb")
        n = len(scores)
        if E is None or n == 0:
            return super()._order(doc, scores)
        lam = float(self.lambda_)
        rel = np.asarray(scores, dtype=np.float64)
        sim = E @ E.T
        chosen: list[int] = []
        skipped: list[int] = []
        max_sim = np.full(n, -np.inf)
        remaining = np.ones(n, dtype=bool)
        for _ in range(n):
            penalty = np.where(np.isfinite(max_sim), max_sim, 0.0)
            mmr = lam * rel - (1 - lam) * penalty
            mmr[~remaining] = -np.inf
            i = int(np.argmax(mmr))  # first maximum: ties go to the earlier sentence
            if chosen and max_sim[i] >= float(self.redundancy):
                remaining[i] = False
                skipped.append(i)  # redundant: only used if nothing else is left
                if not remaining.any():
                    break
                continue
            chosen.append(i)
            remaining[i] = False
            max_sim = np.maximum(max_sim, sim[i])
            if not remaining.any():
                break
        return chosen + skipped
