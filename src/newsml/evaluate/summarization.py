"""Summarisation metrics: ROUGE, lengths, novelty, embedding similarity, each with a bootstrap 95% CI.

ROUGE is Google's ``rouge-score`` with the Porter stemmer. Its tokeniser lowercases and keeps runs
of ``[a-z0-9]``. ROUGE-Lsum needs sentences on separate lines: both the prediction and the
reference are split with :func:`newsml.data.split_sentences` and joined with newlines, so every
system is scored with the same sentence boundaries whatever its own output looks like.

Examples
--------
>>> s = summarization_report(["troops crossed the border"], ["troops crossed a border"], n_boot=10)
>>> round(s["metrics"]["rouge1"]["value"], 2)
0.75
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsml.errors import InputError
from newsml.evaluate._common import ci_dict as _ci_dict
from newsml.evaluate._common import safe_div as _div
from newsml.evaluate.bootstrap import bootstrap_weights, ci_from_samples, paired_bootstrap, permutation_test

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_TOKEN_RE = re.compile(r"[a-z0-9]+")


# ------------------------------------------------------------------------------ summarisation
def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(str(text).lower())


def _split(text: str) -> list[str]:
    try:
        from newsml.data import split_sentences
    except ImportError:  # the preprocessing package re-exports it; fall back to the module
        from newsml.data.sentences import split_sentences
    return split_sentences(text or "")


def _sentence_lines(text: str) -> str:
    return "\n".join(_split(text))


def rouge_scores(predictions: Sequence[str], references: Sequence[str],
                 types: Sequence[str] = ROUGE_TYPES) -> dict[str, dict[str, np.ndarray]]:
    """Per-document ROUGE precision/recall/F1 (``rouge-score``, Porter stemmer).

    ROUGE-Lsum is computed on newline-joined sentences from :func:`newsml.data.split_sentences`.

    Examples
    --------
    >>> r = rouge_scores(["the army retreated"], ["the army retreated north"])
    >>> round(float(r["rouge1"]["recall"][0]), 2), float(r["rouge1"]["precision"][0])
    (0.75, 1.0)
    """
    from rouge_score import rouge_scorer

    predictions, references = list(predictions), list(references)
    if len(predictions) != len(references):
        raise InputError(f"rouge_scores: {len(predictions)} predictions but {len(references)} references")
    scorer = rouge_scorer.RougeScorer(list(types), use_stemmer=True)
    out = {t: {k: np.zeros(len(predictions)) for k in ("precision", "recall", "f1")} for t in types}
    for i, (p, r) in enumerate(zip(predictions, references)):
        p, r = p or "", r or ""
        if "rougeLsum" in types:
            p_l, r_l = _sentence_lines(p), _sentence_lines(r)
        for t in types:
            if t == "rougeLsum":
                s = scorer.score(r_l, p_l)[t]
            else:
                s = scorer.score(r, p)[t]
            out[t]["precision"][i] = s.precision
            out[t]["recall"][i] = s.recall
            out[t]["f1"][i] = s.fmeasure
    return out


def novel_ngram_ratio(summary: str, source: str, n: int = 2) -> float:
    """Share of the summary's n-grams (with repeats) that do not occur in the source.

    0 means purely extractive wording, 1 fully new wording. Tokens are lowercased runs of
    ``[a-z0-9]`` (the ROUGE tokeniser, without stemming). A summary shorter than ``n`` tokens
    scores 0. N-grams run across the summary's sentence joins, so extractive summaries made of
    non-adjacent sentences score slightly above 0 for ``n >= 2``.

    Examples
    --------
    >>> novel_ngram_ratio("rebels seized the town", "the rebels seized the town at dawn", n=1)
    0.0
    >>> novel_ngram_ratio("rebels took the town", "the rebels seized the town", n=2)
    0.6666666666666666
    """
    s, src = _tokens(summary), _tokens(source)
    grams = [tuple(s[i:i + n]) for i in range(len(s) - n + 1)]
    if not grams:
        return 0.0
    have = {tuple(src[i:i + n]) for i in range(len(src) - n + 1)}
    return sum(g not in have for g in grams) / len(grams)


def length_stats(texts: Sequence[str]) -> dict[str, float]:
    """Mean, median, std, min and max of word and sentence counts.

    Examples
    --------
    >>> length_stats(["One two three. Four.", "Five six."])["words_mean"]
    3.0
    """
    texts = list(texts)
    words = np.array([len(str(t or "").split()) for t in texts], dtype=float)
    sents = np.array([len(_split(t)) for t in texts], dtype=float)
    out: dict[str, float] = {"n": len(texts)}
    for name, arr in (("words", words), ("sentences", sents)):
        if arr.size:
            out.update({f"{name}_mean": float(arr.mean()), f"{name}_median": float(np.median(arr)),
                        f"{name}_std": float(arr.std()), f"{name}_min": float(arr.min()),
                        f"{name}_max": float(arr.max())})
    return out


def _embedding_similarity(predictions, references, sources, encoder):
    from newsml.encoders import encode

    preds = [p or "" for p in predictions]
    sim_ref = sim_src = None
    P = encode(preds, encoder)
    if references is not None:
        R = encode([r or "" for r in references], encoder)
        sim_ref = (P * R).sum(axis=1)
    if sources is not None:
        # a source is the normalised centroid of its sentence vectors (MiniLM reads 256 word pieces,
        # so one vector of the whole article would only see its beginning)
        sents, owner = [], []
        for i, src in enumerate(sources):
            ss = _split(src) or [src or ""]
            sents.extend(ss)
            owner.extend([i] * len(ss))
        S = encode(sents, encoder)
        C = np.zeros((len(preds), S.shape[1]), dtype=np.float64)
        np.add.at(C, np.array(owner), S)
        C /= np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
        sim_src = (P * C).sum(axis=1)
    return sim_ref, sim_src


def summarization_report(predictions: Sequence[str], references: Sequence[str] | None,
                         sources: Sequence[str] | None = None, *, embeddings: bool = False,
                         encoder: str | None = None, n_boot: int = 1000, level: float = 0.95,
                         seed: int = 0) -> dict[str, Any]:
    """Score summaries: ROUGE-1/2/L/Lsum F1, lengths, novel n-grams, optional embedding similarity.

    Parameters
    ----------
    predictions:
        System summaries.
    references:
        Reference summaries (None: only reference-free statistics).
    sources:
        Source articles (enables compression, novel n-gram ratios and similarity to the source).
    embeddings:
        Also compute cosine similarity (sentence encoder) of each summary to its reference and
        to its source; this loads the encoder (default: the embedded all-MiniLM-L6-v2).
    encoder:
        Encoder name or path for ``embeddings``.
    n_boot, level, seed:
        Bootstrap settings for the CIs (per-document scores, mean over documents).

    Returns
    -------
    dict
        ``metrics`` (name -> ``{value, low, high, level, n}``; ROUGE as F1 in [0, 1]),
        ``rouge_detail`` (mean precision/recall/F1 per type), ``length`` (prediction, reference
        and source length statistics) and ``per_doc`` (per-document scores, for paired tests).

    Examples
    --------
    >>> rep = summarization_report(["Rebels took the town."], ["Rebels seized the town."],
    ...                            ["At dawn the rebels seized the town. Many fled."], n_boot=10)
    >>> sorted(rep["metrics"])[:3]
    ['compression', 'length_words', 'novel_1gram']
    """
    predictions = ["" if p is None else str(p) for p in predictions]
    n = len(predictions)
    per_doc: dict[str, np.ndarray] = {}
    detail: dict[str, dict[str, float]] = {}
    if references is not None:
        references = ["" if r is None else str(r) for r in references]
        if len(references) != n:
            raise InputError(f"summarization_report: {n} predictions but {len(references)} references")
        rs = rouge_scores(predictions, references)
        for t in ROUGE_TYPES:
            per_doc[t] = rs[t]["f1"]
            detail[t] = {k: float(v.mean()) if n else float("nan") for k, v in rs[t].items()}
    words = np.array([len(p.split()) for p in predictions], dtype=float)
    per_doc["length_words"] = words
    if sources is not None:
        sources = ["" if s is None else str(s) for s in sources]
        if len(sources) != n:
            raise InputError(f"summarization_report: {n} predictions but {len(sources)} sources")
        src_words = np.array([len(s.split()) for s in sources], dtype=float)
        per_doc["compression"] = _div(words, src_words)
        for k in (1, 2, 3):
            per_doc[f"novel_{k}gram"] = np.array([novel_ngram_ratio(p, s, k)
                                                   for p, s in zip(predictions, sources)])
    if embeddings and n:
        sim_ref, sim_src = _embedding_similarity(predictions, references, sources, encoder)
        if sim_ref is not None:
            per_doc["sim_reference"] = np.asarray(sim_ref, dtype=float)
        if sim_src is not None:
            per_doc["sim_source"] = np.asarray(sim_src, dtype=float)
    W = bootstrap_weights(n, n_boot, seed) if n_boot and n else None
    metrics = {}
    for k, v in per_doc.items():
        value = float(v.mean()) if n else float("nan")
        samples = (W @ v) / n if W is not None else np.array([])
        metrics[k] = _ci_dict(ci_from_samples(value, samples, level=level, n=n))
    length = {"prediction": length_stats(predictions)}
    if references is not None:
        length["reference"] = length_stats(references)
    if sources is not None:
        length["source"] = length_stats(sources)
    return {"task": "summarization", "n": n, "metrics": metrics, "rouge_detail": detail, "length": length,
            "per_doc": {k: v.tolist() for k, v in per_doc.items()},
            "bootstrap": {"n_boot": int(n_boot), "level": level, "seed": seed}}


def compare_summarizers(scores_a: dict[str, Sequence[float]], scores_b: dict[str, Sequence[float]], *,
                        keys: Sequence[str] = ROUGE_TYPES, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Paired bootstrap and permutation test of A - B on each per-document score in ``keys``.

    ``scores_a``/``scores_b`` are the ``per_doc`` dicts of two :func:`summarization_report`
    results on the same documents in the same order.

    Examples
    --------
    >>> a = {"rouge1": [0.5, 0.6, 0.7, 0.6]}
    >>> b = {"rouge1": [0.4, 0.5, 0.5, 0.5]}
    >>> res = compare_summarizers(a, b, keys=["rouge1"], n_boot=200)
    >>> round(res["rouge1"]["diff"]["value"], 3)
    0.125
    """
    out = {}
    for k in keys:
        if k not in scores_a or k not in scores_b:
            continue
        a, b = np.asarray(scores_a[k], float), np.asarray(scores_b[k], float)
        res = paired_bootstrap(a, b, n_boot=n_boot, seed=seed)
        out[k] = {"diff": _ci_dict(res.diff), "p_value": res.p_value,
                  "permutation_p_value": permutation_test(a, b, seed=seed), "n": int(a.size)}
    return out
