"""Abstractive summaries from any Hugging Face sequence-to-sequence checkpoint.

Works with a hub name (``facebook/bart-large-cnn``, ``sshleifer/distilbart-cnn-12-6``,
``google/pegasus-xsum``; needs internet or a local cache) or a local directory, through
``AutoTokenizer`` + ``AutoModelForSeq2SeqLM.generate`` (transformers 5 has no summarization pipeline).

Long documents are handled by **token-aware chunking**: the article's sentences are packed, in order,
into chunks that fit the model's input window (``max_input_tokens``, default the smaller of the
tokenizer's ``model_max_length`` and the model's position limit); each chunk is summarised, and if
there was more than one chunk the joined chunk summaries are summarised again (up to ``max_rounds``
times). Generation is deterministic (beam search, no sampling). Settings left as None come from the
checkpoint's own generation config (for example bart-large-cnn's beams and length limits).

Length limits: ``max_words`` sets ``max_new_tokens`` (about 1.5 tokens per word) and the text is
cut at that many words; ``max_sentences``/``ratio`` keep the first sentences of the generated text.
``focus`` keeps the sentences most relevant to the focus topics (embedding similarity, at least
half of the article, in document order) before generating.

Examples
--------
>>> from newsml.summarize.seq2seq import Seq2SeqSummarizer
>>> s = Seq2SeqSummarizer("sshleifer/distilbart-cnn-12-6")  # doctest: +SKIP
>>> s.summarize(["BAMAKO, Mali (AP) — Mali cut diplomatic ties with Ukraine on Sunday ..."])[0].text  # doctest: +SKIP
'Mali has cut diplomatic ties with Ukraine ...'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from newsml.data.sentences import split_sentences
from newsml.errors import ModelLoadError
from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.scripts import cut_words
from newsml.summarize._budget import check_limits, sentence_limit
from newsml.summarize._prepare import _Doc, as_list
from newsml.summarize.base import BaseSummarizer, Summary
from newsml.summarize.focus import focus_queries

DEFAULT_SEQ2SEQ = "sshleifer/distilbart-cnn-12-6"


class Seq2SeqSummarizer(BaseSummarizer):
    """Abstractive summariser over ``AutoModelForSeq2SeqLM.generate``.

    Parameters
    ----------
    model_name:
        Hub name or local path of a seq2seq checkpoint (BART, PEGASUS, T5, ...).
    max_input_tokens:
        Tokens per input chunk (None: the model's window).
    num_beams:
        Beam size (None: the checkpoint's setting).
    min_new_tokens, max_new_tokens:
        Generated length bounds (None: the checkpoint's settings; ``max_words`` overrides the maximum).
    length_penalty, no_repeat_ngram_size:
        Beam-search settings (None: the checkpoint's settings).
    prefix:
        Text put before every input (None: ``"summarize: "`` for T5 models, else nothing).
    max_rounds:
        How many times chunk summaries may be summarised again for very long documents.
    batch_size:
        Chunks per ``generate`` call.
    device:
        Torch device (``"cpu"``, ``"cuda"``...).
    focus_weight, focus_encoder:
        Focus settings: share of sentences dropped at most (``focus_weight`` x half the article) and the
        encoder used to rank sentences against the focus.
    default_sentences:
        If set, keep at most this many generated sentences when no limit is given.
    progress:
        Show a progress bar (None: only for long batches on a terminal).
    max_input_chars, max_input_sentences:
        Per-document cost caps: at most this many characters are split and this many sentences
        scored (the first ones; None: no cap). A cut is reported in ``Summary.truncated``.

    Attributes
    ----------
    model_, tokenizer_ :
        Loaded on first use.

    Examples
    --------
    >>> Seq2SeqSummarizer("path/to/local/bart", num_beams=2).get_params()["num_beams"]
    2
    """

    name = "seq2seq"

    def __init__(self, model_name: str = DEFAULT_SEQ2SEQ, max_input_tokens: int | None = None,
                 num_beams: int | None = None, min_new_tokens: int | None = None,
                 max_new_tokens: int | None = None, length_penalty: float | None = None,
                 no_repeat_ngram_size: int | None = None, prefix: str | None = None, max_rounds: int = 3,
                 batch_size: int = 4, device: str = "cpu", focus_weight: float = 0.7,
                 focus_encoder: str | None = None, default_sentences: int | None = None,
                 progress: bool | None = None, max_input_chars: int | None = DEFAULT_MAX_INPUT_CHARS,
                 max_input_sentences: int | None = DEFAULT_MAX_INPUT_SENTENCES) -> None:
        self._store(locals())

    # ------------------------------------------------------------------ loading
    def _load(self) -> None:
        if getattr(self, "model_", None) is not None:
            return
        try:
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            tok = AutoTokenizer.from_pretrained(str(self.model_name))
            model = AutoModelForSeq2SeqLM.from_pretrained(str(self.model_name))
        except Exception as exc:  # noqa: BLE001 - re-raised with the name and a fix
            raise ModelLoadError(
                f"seq2seq summariser: cannot load {self.model_name!r}: {exc}. Pass a local checkpoint "
                "directory as model_name (--model PATH), or a hub name with internet access."
            ) from exc
        model.to(self.device)
        model.eval()
        self.tokenizer_ = tok
        self.model_ = model

    def window(self) -> int:
        """Input tokens per chunk (special tokens included)."""
        self._load()
        if self.max_input_tokens:
            return int(self.max_input_tokens)
        limits = []
        tml = getattr(self.tokenizer_, "model_max_length", None)
        if tml and tml < 100_000:
            limits.append(int(tml))
        mpe = getattr(self.model_.config, "max_position_embeddings", None)
        if mpe:
            limits.append(int(mpe))
        return min(limits) if limits else 512

    def _prefix(self) -> str:
        if self.prefix is not None:
            return self.prefix
        return "summarize: " if getattr(self.model_.config, "model_type", "") == "t5" else ""

    # ------------------------------------------------------------------ chunking
    def chunk(self, sentences: list[str]) -> list[str]:
        """Pack sentences, in order, into texts that fit :meth:`window` tokens."""
        self._load()
        if not sentences:
            return []
        prefix = self._prefix()
        budget = max(8, self.window() - self._n_special() - len(self._ids(prefix)))
        pieces: list[str] = []
        for s in sentences:  # a sentence longer than the window is cut into word runs that fit
            pieces.extend(self._fit_piece(s, budget))
        sentences = pieces
        lengths = self._lengths(sentences)
        chunks: list[str] = []
        cur: list[str] = []
        used = 0
        for s, n in zip(sentences, lengths):
            n += 1  # the joining space
            if cur and used + n > budget:
                chunks.append(" ".join(cur))
                cur, used = [], 0
            cur.append(s)
            used += n
        if cur:
            chunks.append(" ".join(cur))
        return chunks

    def _lengths(self, texts: list[str]) -> list[int]:
        enc = self.tokenizer_(texts, add_special_tokens=False, verbose=False)
        return [len(ids) for ids in enc["input_ids"]]

    def _fit_piece(self, sentence: str, budget: int) -> list[str]:
        if self._lengths([sentence])[0] < budget:
            return [sentence]
        ws = sentence.split()
        if len(ws) <= 1:
            return [sentence]
        mid = len(ws) // 2
        return self._fit_piece(" ".join(ws[:mid]), budget) + self._fit_piece(" ".join(ws[mid:]), budget)

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer_(text, add_special_tokens=False, verbose=False)["input_ids"] if text else []

    def _n_special(self) -> int:
        try:
            return len(self.tokenizer_("a")["input_ids"]) - len(self._ids("a"))
        except Exception:  # noqa: BLE001
            return 2

    # ------------------------------------------------------------------ generation
    def _gen_kwargs(self, max_words: int | None) -> dict[str, Any]:
        kw: dict[str, Any] = {"do_sample": False}
        for key in ("num_beams", "min_new_tokens", "max_new_tokens", "length_penalty", "no_repeat_ngram_size"):
            value = getattr(self, key)
            if value is not None:
                kw[key] = value
        if max_words is not None:
            kw["max_new_tokens"] = max(1, int(max_words * 1.5) + 2)
            if kw.get("min_new_tokens", 0) >= kw["max_new_tokens"]:
                kw["min_new_tokens"] = 0
            gc = getattr(self.model_, "generation_config", None)
            if gc is not None and getattr(gc, "min_length", 0) and gc.min_length >= kw["max_new_tokens"]:
                kw["min_length"] = 0
        return kw

    def generate(self, texts: list[str], max_words: int | None = None) -> list[str]:
        """Generate one summary per input text (each must already fit the window)."""
        import torch

        self._load()
        if not texts:
            return []
        prefix = self._prefix()
        out: list[str] = []
        kw = self._gen_kwargs(max_words)
        step = max(1, int(self.batch_size))
        for start in self._progress(range(0, len(texts), step), len(texts), step):
            batch = [prefix + t for t in texts[start:start + step]]
            enc = self.tokenizer_(batch, return_tensors="pt", padding=True, truncation=True,
                                  max_length=self.window())
            enc = {k: v.to(self.device) for k, v in enc.items()}
            with torch.no_grad():
                ids = self.model_.generate(**enc, **kw)
            out.extend(t.strip() for t in self.tokenizer_.batch_decode(ids, skip_special_tokens=True))
        return out

    def summarize(self, texts, max_sentences: int | None = None, max_words: int | None = None,
                  ratio: float | None = None, focus=None) -> list[Summary]:
        """Abstractive summaries; see :meth:`BaseSummarizer.summarize` for the arguments."""
        texts = as_list(texts)
        check_limits(max_sentences, max_words, ratio)
        self._load()
        docs = self._prepare(texts)
        queries = focus_queries(focus)
        inputs = [self._focus_filter(d, queries) if queries else d.sentences for d in docs]
        current = [self.chunk(s) for s in inputs]
        final: list[str | None] = [None] * len(docs)
        max_rounds = max(1, int(self.max_rounds))
        for round_ in range(max_rounds):
            active = [i for i in range(len(docs)) if final[i] is None]
            if not active:
                break
            gen = self.generate([c for i in active for c in current[i]], max_words=max_words)
            pos = 0
            for i in active:
                outs = gen[pos:pos + len(current[i])]
                pos += len(current[i])
                if len(current[i]) <= 1 or round_ == max_rounds - 1:
                    final[i] = " ".join(outs)
                else:  # several chunks: summarise the joined chunk summaries again
                    current[i] = self.chunk(outs)
        return [self._finish(final[i] or "", d, max_sentences, max_words, ratio) for i, d in enumerate(docs)]

    def _focus_filter(self, doc: _Doc, queries: list[str]) -> list[str]:
        from newsml.encoders import encode

        n = len(doc.sentences)
        if n <= 3:
            return doc.sentences
        E = encode(doc.sentences, self.focus_encoder)
        rel = (E @ encode(queries, self.focus_encoder).T).max(axis=1)
        keep_n = max(3, int(round(n * (1 - 0.5 * float(self.focus_weight)))))
        keep = sorted(np.argsort(-rel, kind="stable")[:keep_n].tolist())
        return [doc.sentences[i] for i in keep]

    def _finish(self, text: str, doc: _Doc, max_sentences, max_words, ratio) -> Summary:
        text = " ".join(text.split())
        if not doc.sentences:
            return Summary("", [], [], self.name, doc.cut)
        k = sentence_limit(len(doc.sentences), max_sentences, max_words, ratio, self.default_sentences or None)
        if k is not None:
            sents = split_sentences(text) if text else []
            text = " ".join(sents[:k])
        if max_words is not None:
            text = cut_words(text, max_words)
        return Summary(text, [], [], self.name, doc.cut)
