"""The greedy ROUGE oracle that turns a reference summary into sentence labels (supervised training).

Add the article sentence that most raises mean ROUGE-1/ROUGE-2 F1 against the reference; stop when
nothing helps or ``max_sentences`` are chosen. Words are lower-cased and lightly stemmed.

Examples
--------
>>> greedy_oracle(["Rain fell.", "Rebels seized Kidal.", "Troops fled."], "Rebels seized Kidal.", 2)
[1]
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from newsml.scripts import words
from newsml.summarize.graph import _stem


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


def _gain(cur: Counter, add: Counter, ref: Counter) -> int:
    """How much adding ``add`` to ``cur`` raises the clipped overlap with ``ref``."""
    g = 0
    for k, v in add.items():
        r = ref.get(k)
        if r:
            c = cur.get(k, 0)
            if c < r:
                g += min(c + v, r) - c
    return g


def _f1_counts(overlap: int, n_sys: int, n_ref: int) -> float:
    if overlap == 0 or n_sys == 0 or n_ref == 0:
        return 0.0
    p, r = overlap / n_sys, overlap / n_ref
    return 2 * p * r / (p + r)


def greedy_oracle(sentences: list[str], reference: str, max_sentences: int = 3) -> list[int]:
    """Indices of the sentences a greedy ROUGE-1+2 oracle picks against ``reference`` (sorted).

    >>> greedy_oracle(["The cat sat.", "Dogs bark loudly.", "Cats sit on mats."], "A cat sat on a mat.", 2)
    [0, 2]
    """
    ref = _rouge_tokens(reference)
    r1, r2 = _grams(ref, 1), _grams(ref, 2)
    n1, n2 = sum(r1.values()), sum(r2.values())
    toks = [_rouge_tokens(s) for s in sentences]
    g1 = [_grams(t, 1) for t in toks]
    g2 = [_grams(t, 2) for t in toks]
    len1 = [len(t) for t in toks]
    len2 = [max(0, len(t) - 1) for t in toks]
    chosen: list[int] = []
    cur1: Counter = Counter()
    cur2: Counter = Counter()
    o1 = o2 = s1 = s2 = 0
    best = 0.0
    for _ in range(max_sentences):
        pick, pick_score = -1, best
        for i in range(len(sentences)):
            if i in chosen:
                continue
            score = (_f1_counts(o1 + _gain(cur1, g1[i], r1), s1 + len1[i], n1)
                     + _f1_counts(o2 + _gain(cur2, g2[i], r2), s2 + len2[i], n2)) / 2
            if score > pick_score + 1e-9:
                pick, pick_score = i, score
        if pick < 0:
            break
        chosen.append(pick)
        o1 += _gain(cur1, g1[pick], r1)
        o2 += _gain(cur2, g2[pick], r2)
        cur1 += g1[pick]
        cur2 += g2[pick]
        s1 += len1[pick]
        s2 += len2[pick]
        best = pick_score
    return sorted(chosen)


def sentence_labels(sentences: list[str], reference: str, oracle_sentences: int = 3,
                    kind: str = "oracle") -> np.ndarray:
    """Training targets per sentence: greedy-oracle membership, or its mean with the sentence's own ROUGE.

    >>> sentence_labels(["The cat sat.", "Dogs bark loudly."], "A cat sat.", 1).tolist()
    [1.0, 0.0]
    """
    y = np.zeros(len(sentences))
    y[greedy_oracle(sentences, reference, oracle_sentences)] = 1.0
    if kind == "soft":
        ref = _rouge_tokens(reference)
        r1, r2 = _grams(ref, 1), _grams(ref, 2)
        own = []
        for s in sentences:
            t = _rouge_tokens(s)
            own.append((_f1(_grams(t, 1), r1) + _f1(_grams(t, 2), r2)) / 2)
        y = (y + np.asarray(own)) / 2
    return y
