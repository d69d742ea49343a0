"""AG News (the 7,600-article test split, 4 topics): 5-fold accuracy of newsml classifiers vs plain baselines.

Baselines (run here, same folds): scikit-learn TfidfVectorizer + LogisticRegression, and
sentence-transformers all-MiniLM-L6-v2 vectors + LogisticRegression (scikit-learn defaults).
newsml: tfidf, embedding, and embedding with TF-IDF features concatenated (``tfidf_weight``).
Sentence vectors are cached in .cache/classify/ag_news.npz (the encoder runs once per text).

Run: .venv/bin/python experiments/bench_classify_ag_news.py
"""

from __future__ import annotations

import argparse

from bench_classify_common import (
    CACHE_DIR,
    SklearnPipeline,
    cv_eval,
    fmt_ci,
    need_data,
    paired_vs,
    read_jsonl,
    strip_private,
    warm_cache,
    write_results,
)

EMB_PARAMS = {"pooling": "first", "C": 10.0}
#: chosen by 3-fold CV inside the training part of the first outer fold (6,080 texts) over
#: C in {1, 3, 10} x tfidf_weight in {1, 2}: 0.888 / 0.894 / 0.889 / 0.896 / 0.890 / 0.896 (C=3, w=2 kept)
ENSEMBLE_PARAMS = {"pooling": "first", "C": 3.0, "tfidf_weight": 2.0}


def tfidf_lr():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return SklearnPipeline(make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)))


class MiniLMLogReg:
    """Plain sentence-transformers vectors (normalised) + scikit-learn LogisticRegression()."""

    def fit(self, texts, labels):
        from sklearn.linear_model import LogisticRegression

        self.lr = LogisticRegression(max_iter=1000).fit(self._vec(texts), labels)
        return self

    def predict(self, texts):
        return list(self.lr.predict(self._vec(texts)))

    @staticmethod
    def _vec(texts):
        # the same all-MiniLM-L6-v2 vectors as model.encode(texts, normalize_embeddings=True),
        # read through newsml's cache so the encoder runs once per text for all systems
        from newsml.classify.embedding import embed_documents

        return embed_documents(list(texts), None, "first")


def make(name, **params):
    import newsml

    return lambda: newsml.get_classifier(name, **params)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encode", action="store_true",
                    help="encode all texts with MiniLM (slow on CPU) and run the embedding systems")
    ap.add_argument("--char-ngrams", action="store_true",
                    help="also run tfidf with char n-grams (about 5 minutes more on 2 loaded cores)")
    args = ap.parse_args()
    rows = read_jsonl(need_data("ag_news", "ag_news_test.jsonl"))
    texts = [r["text"] for r in rows]
    labels = [r["labels"][0] for r in rows]
    from newsml.classify.embedding import CACHE

    n_cached = CACHE.load_npz(CACHE_DIR / "ag_news.npz")
    with_embeddings = args.encode or n_cached >= len(set(texts))
    systems = [("baseline: sklearn TfidfVectorizer+LogisticRegression", tfidf_lr, True),
               ("newsml tfidf (defaults)", make("tfidf"), False),
               ("newsml tfidf ngram_range=(1, 2) (previous default)", make("tfidf", ngram_range=(1, 2)), False)]
    if args.char_ngrams:
        systems.append(("newsml tfidf (char n-grams, C=0.5)", make("tfidf", char_ngrams=True, C=0.5), False))
    if with_embeddings:
        warm_cache("ag_news", texts, "first")
        systems += [
            ("baseline: MiniLM (sentence-transformers) + LogisticRegression", MiniLMLogReg, True),
            (f"newsml embedding {EMB_PARAMS}", make("embedding", **EMB_PARAMS), False),
            (f"newsml embedding {ENSEMBLE_PARAMS}", make("embedding", **ENSEMBLE_PARAMS), False),
        ]
    results = [cv_eval(name, fn, texts, labels) for name, fn, _ in systems]
    is_base = [b for _, _, b in systems]
    best = max((r for r, b in zip(results, is_base) if not b), key=lambda r: r["accuracy"]["value"])
    best_base = max((r for r, b in zip(results, is_base) if b), key=lambda r: r["accuracy"]["value"])
    payload = {"dataset": "ag_news (test split, 7,600)", "protocol": "5-fold stratified CV (seed 0)",
               "systems": strip_private(results), "paired_best_vs_best_baseline": paired_vs(best, best_base, labels),
               "paired_tfidf_defaults_vs_previous": paired_vs(results[1], results[2], labels),
               "paired_tfidf_defaults_vs_tfidf_lr": paired_vs(results[1], results[0], labels)}
    table = [{"system": r["system"], "accuracy [95% CI]": fmt_ci(r["accuracy"]),
              "macro-F1 [95% CI]": fmt_ci(r["macro_f1"]), "fit docs/s": r["fit_docs_per_s"],
              "predict docs/s": r["predict_docs_per_s"], "peak MB": r["peak_mem_mb"]} for r in results]
    notes = [f"n = {len(texts)} articles, 5 folds; CIs: bootstrap over out-of-fold predictions."]
    seen = set()
    for key in ("paired_best_vs_best_baseline", "paired_tfidf_defaults_vs_previous", "paired_tfidf_defaults_vs_tfidf_lr"):
        d = payload[key]
        if (d["a"], d["b"]) in seen:
            continue
        seen.add((d["a"], d["b"]))
        notes.append(f"Paired bootstrap, {d['a']} minus {d['b']}: {fmt_ci(d['diff'])} accuracy, p = {d['p_value']:.3f}.")
    notes += [
             f"newsml embedding {ENSEMBLE_PARAMS}: C and tfidf_weight chosen by 3-fold CV inside the training part "
             "of the first outer fold (grid C 1/3/10 x tfidf_weight 1/2), not on out-of-fold scores.",
             "Embedding systems' docs/s exclude encoding (vectors cached once for all systems).",
             "Peak MB: tracemalloc peak of one fold's fit+predict (Python/numpy heap; torch memory not traced).",
             ("Embedding systems: run with all texts encoded." if with_embeddings else
              f"Embedding systems NOT run: only {n_cached} of {len(texts)} texts could be encoded with MiniLM in this "
              "session's CPU budget (about 2 texts/s on the loaded shared machine); rerun with --encode."),
             "Timings are wall-clock on a shared 2-core machine under heavy load from other jobs."]
    # without the embedding systems, write a separate table rather than overwrite the full one
    write_results("ag_news" if with_embeddings else "ag_news_tfidf", payload, table, ["system", "accuracy [95% CI]", "macro-F1 [95% CI]", "fit docs/s",
                                              "predict docs/s", "peak MB"], notes)



if __name__ == "__main__":
    main()
