"""BBC News, 5-fold: the default ``tfidf`` against the textbook TF-IDF + LinearSVC pipeline, same folds.

Systems (all in this run, the same stratified folds, seed 0):

* ``baseline: TfidfVectorizer() + LinearSVC()`` (scikit-learn defaults);
* ``newsml tfidf`` (defaults: word unigrams, sublinear tf, LinearSVC C=1, softmax at one CV-fitted
  temperature, so the predicted class is the SVM's argmax; the unigram default was chosen by
  ``select_tfidf_defaults.py`` on inner CV of training parts, not on these out-of-fold scores);
* ``newsml tfidf ngram_range=(1, 2)`` (word 1-2-grams: the previous default).

Accuracy with 95% bootstrap CIs over the pooled out-of-fold predictions, and paired bootstrap
differences against the baseline. Run: ``OMP_NUM_THREADS=1 python experiments/bench_tfidf_vs_linearsvc.py``.
Writes ``experiments/results/tfidf_vs_linearsvc.json`` / ``.md``.
"""

from __future__ import annotations

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


def main() -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    import newsml
    from newsml.evaluate import bootstrap_ci

    rows = [json.loads(x) for x in (SHARED / "bbc_news_summary" / "bbc_news_summary.jsonl").read_text().splitlines() if x]
    texts, y = [r["text"] for r in rows], np.array([r["labels"][0] for r in rows])
    systems = {
        "baseline: TfidfVectorizer() + LinearSVC()": lambda: make_pipeline(TfidfVectorizer(), LinearSVC()),
        "newsml tfidf (defaults)": lambda: newsml.get_classifier("tfidf"),
        "newsml tfidf ngram_range=(1, 2) (previous default)": lambda: newsml.get_classifier("tfidf", ngram_range=(1, 2)),
    }
    correct = {k: np.zeros(len(y)) for k in systems}
    seconds = dict.fromkeys(systems, 0.0)
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        for name, make in systems.items():
            t0 = time.perf_counter()
            m = make().fit([texts[i] for i in tr], list(y[tr]))
            correct[name][te] = np.array(m.predict([texts[i] for i in te])) == y[te]
            seconds[name] += time.perf_counter() - t0
    base = "baseline: TfidfVectorizer() + LinearSVC()"
    out = {"n": len(y), "folds": 5, "systems": {}}
    for name in systems:
        out["systems"][name] = {"accuracy": bootstrap_ci(correct[name], seed=0).to_dict(),
                                "fit_predict_seconds": round(seconds[name], 1)}
        if name != base:
            d = correct[name] - correct[base]
            out["systems"][name]["minus_baseline"] = bootstrap_ci(d, seed=0).to_dict()
    lines = ["# Default tfidf vs TF-IDF + LinearSVC on BBC News (`experiments/bench_tfidf_vs_linearsvc.py`)", "",
             f"{out['n']} articles, 5-fold stratified CV (seed 0), same folds for every system; 95% bootstrap CIs.", "",
             "| system | accuracy [95% CI] | minus baseline (paired) [95% CI] | fit+predict s |", "|---|---|---|---|"]
    for name, s in out["systems"].items():
        a, d = s["accuracy"], s.get("minus_baseline")
        diff = f"{d['value']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]" if d else "-"
        lines.append(f"| {name} | {a['value']:.4f} [{a['low']:.4f}, {a['high']:.4f}] | {diff} | {s['fit_predict_seconds']} |")
    write_pair("tfidf_vs_linearsvc", out, "\n".join(lines), echo=True)
    return out


if __name__ == "__main__":
    main()
