"""Choose the ``tfidf`` classifier's default word features by cross-validation on training parts only.

The candidates are scored by the accuracy of newsml's own single-label model (its vectoriser and
one-vs-rest LinearSVC; the single-label prediction is the SVM argmax, so calibration does not change
it and is skipped here to keep the run small) under 3-fold stratified CV inside:

* BBC News: the training part (4/5) of the first outer fold of ``bench_tfidf_vs_linearsvc.py``
  (stratified 5-fold, seed 0), so the outer test fold is never seen;
* AG News: the training part (4/5) of the first outer fold of ``bench_classify_ag_news.py``
  (``newsml.evaluate.cv_folds``, seed 0), subsampled to ``--ag-n`` texts with seed 0.

Reuters-21578 is not used for choosing (its CV is too slow for a 2-core machine); the chosen
setting is checked on it by ``bench_classify_reuters.py`` (defaults row).

Run: ``OMP_NUM_THREADS=1 python experiments/select_tfidf_defaults.py``; writes
``experiments/results/select_tfidf_defaults.json`` / ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "experiments"))
SHARED = Path(os.environ.get("NEWSML_DATA_DIR", REPO / ".." / "shared" / "data")).resolve()

from _results import write_pair  # noqa: E402

#: candidate settings (everything else at the classifier's defaults)
CANDIDATES = {
    "ngram (1,2) [old default]": {"ngram_range": (1, 2)},
    "ngram (1,1)": {"ngram_range": (1, 1)},
    "ngram (1,1), sublinear_tf=False": {"ngram_range": (1, 1), "sublinear_tf": False},
    "ngram (1,1), min_df=2": {"ngram_range": (1, 1), "min_df": 2},
    "ngram (1,1), C=0.5": {"ngram_range": (1, 1), "C": 0.5},
    "ngram (1,1), C=2": {"ngram_range": (1, 1), "C": 2.0},
    "ngram (1,2), min_df=2": {"ngram_range": (1, 2), "min_df": 2},
    "ngram (1,2), C=2": {"ngram_range": (1, 2), "C": 2.0},
}


def read(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(x) for x in fh if x.strip()]


def inner_cv(texts, y, params, folds=3):
    """3-fold stratified CV accuracy (seed 0) of newsml tfidf's vectoriser + SVM with ``params``."""
    from sklearn.model_selection import StratifiedKFold

    from newsml.classify.tfidf import TfidfClassifier

    classes = sorted(set(y))
    yi = np.array([classes.index(v) for v in y])
    correct = np.zeros(len(y))
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, yi):
        clf = TfidfClassifier(**params)
        clf._check_params()
        clf.vectorizers_, clf.lead_vectorizers_ = clf._vectorizers(), []
        X = clf._features([texts[i] for i in tr], fit=True)
        Y = np.eye(len(classes), dtype=np.float32)[yi[tr]]
        coef, intercept = clf._linear(X, Y)
        Z = np.asarray(clf._features([texts[i] for i in te]) @ coef.T) + intercept
        correct[te] = Z.argmax(1) == yi[te]
    return correct


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ag-n", type=int, default=3000, help="AG News training texts used (seed-0 subsample)")
    args = ap.parse_args()
    from sklearn.model_selection import StratifiedKFold

    from newsml.evaluate import bootstrap_ci, cv_folds

    bbc = read(SHARED / "bbc_news_summary" / "bbc_news_summary.jsonl")
    bt, by = [r["text"] for r in bbc], np.array([r["labels"][0] for r in bbc])
    tr, _ = next(StratifiedKFold(5, shuffle=True, random_state=0).split(bt, by))
    data = {"bbc": ([bt[i] for i in tr], list(by[tr]))}
    ag = read(SHARED / "ag_news" / "ag_news_test.jsonl")
    at, ay = [r["text"] for r in ag], [r["labels"][0] for r in ag]
    te0 = set(cv_folds(ay, n_splits=5, seed=0)[0].tolist())
    train = np.array([i for i in range(len(at)) if i not in te0])
    sub = np.sort(np.random.default_rng(0).choice(train, size=min(args.ag_n, len(train)), replace=False))
    data["ag_news"] = ([at[i] for i in sub], [ay[i] for i in sub])

    out = {"protocol": "3-fold stratified CV (seed 0) inside the training part of outer fold 1",
           "n": {k: len(v[1]) for k, v in data.items()}, "candidates": {}}
    ref = "ngram (1,2) [old default]"
    correct = {}
    for name, params in CANDIDATES.items():
        row = {"params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}}
        for ds, (texts, y) in data.items():
            t0 = time.perf_counter()
            correct[name, ds] = inner_cv(texts, y, params)
            row[ds] = {"accuracy": bootstrap_ci(correct[name, ds], seed=0).to_dict(),
                       "seconds": round(time.perf_counter() - t0, 1)}
            if name != ref:
                row[ds]["minus_old_default"] = bootstrap_ci(correct[name, ds] - correct[ref, ds], seed=0).to_dict()
        row["mean_accuracy"] = float(np.mean([row[ds]["accuracy"]["value"] for ds in data]))
        out["candidates"][name] = row
        print(name, {ds: round(row[ds]["accuracy"]["value"], 4) for ds in data}, flush=True)
    lines = ["# Choosing tfidf's default features (`experiments/select_tfidf_defaults.py`)", "",
             f"Accuracy under {out['protocol']}: BBC {out['n']['bbc']} texts, AG News {out['n']['ag_news']} "
             "(seed-0 subsample); outer test folds unseen. Paired bootstrap 95% CIs vs the old default.", "",
             "| candidate | BBC acc [95% CI] | BBC minus old | AG acc [95% CI] | AG minus old | mean | s (BBC+AG) |",
             "|---|---|---|---|---|---|---|"]

    def f(d):
        return f"{d['value']:.4f} [{d['low']:.4f}, {d['high']:.4f}]"

    def g(d):
        return f"{d['value']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]" if d else "-"

    for name, row in out["candidates"].items():
        b, a = row["bbc"], row["ag_news"]
        lines.append(f"| {name} | {f(b['accuracy'])} | {g(b.get('minus_old_default'))} | {f(a['accuracy'])} | "
                     f"{g(a.get('minus_old_default'))} | {row['mean_accuracy']:.4f} | {b['seconds'] + a['seconds']:.0f} |")
    write_pair("select_tfidf_defaults", out, "\n".join(lines), echo=True)
    return out


if __name__ == "__main__":
    main()
