"""Few-shot CAMEO pentacode: SetFit-style tuning vs embedding + logistic regression (same MiniLM).

Training: ``--shots`` sentences per class sampled (seed 0) from the cameo_class train split; test:
its 451-sentence test split. Both systems start from the embedded all-MiniLM-L6-v2; the
baseline is plain MiniLM vectors + LogisticRegression (scikit-learn defaults), i.e. the
sentence-transformers recipe SetFit is meant to beat.

Run: .venv/bin/python experiments/bench_classify_setfit.py [--shots 16] [--iterations 5]
"""

from __future__ import annotations

import argparse

import numpy as np
from bench_classify_common import (
    CACHE_DIR,
    Timer,
    accuracy_ci,
    ci_dict,
    fmt_ci,
    macro_f1_ci,
    need_data,
    read_jsonl,
    write_results,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shots", type=int, default=16)
    ap.add_argument("--iterations", type=int, default=5)
    args = ap.parse_args()
    import newsml
    from newsml.classify.embedding import CACHE, embed_documents

    rows = read_jsonl(need_data("conflibert_events", "cameo_class.jsonl"))
    tr = [r for r in rows if r["split"] == "train"]
    te = [r for r in rows if r["split"] == "test"]
    rng = np.random.default_rng(0)
    by: dict[str, list[dict]] = {}
    for r in tr:
        by.setdefault(r["labels"][0], []).append(r)
    few = [by[c][i] for c in sorted(by) for i in rng.permutation(len(by[c]))[: args.shots]]
    Xtr, ytr = [r["text"] for r in few], [r["labels"][0] for r in few]
    Xte, yte = [r["text"] for r in te], [r["labels"][0] for r in te]
    CACHE.load_npz(CACHE_DIR / "cameo.npz")

    from sklearn.linear_model import LogisticRegression

    out, table = [], []

    def record(name, pred, fit_s, pred_s):
        res = {"system": name, "macro_f1": ci_dict(macro_f1_ci(yte, pred)), "accuracy": ci_dict(accuracy_ci(yte, pred)),
               "fit_seconds": round(fit_s, 1), "predict_docs_per_s": round(len(Xte) / pred_s, 1)}
        print(res, flush=True)
        out.append(res)
        table.append({"system": name, "macro-F1 [95% CI]": fmt_ci(res["macro_f1"]),
                      "accuracy [95% CI]": fmt_ci(res["accuracy"]), "fit s": res["fit_seconds"],
                      "predict docs/s": res["predict_docs_per_s"]})

    with Timer() as tf:
        lr = LogisticRegression(max_iter=1000).fit(embed_documents(Xtr, None, "first"), ytr)
    with Timer() as tp:
        pred = list(lr.predict(embed_documents(Xte, None, "first")))
    record("baseline: MiniLM vectors + LogisticRegression", pred, tf.seconds, tp.seconds)

    with Timer() as tf:
        emb = newsml.get_classifier("embedding", C=10.0).fit(Xtr, ytr)
    with Timer() as tp:
        pred = emb.predict(Xte)
    record("newsml embedding (C=10)", pred, tf.seconds, tp.seconds)

    with Timer() as tf:
        sf = newsml.get_classifier("setfit", num_iterations=args.iterations, epochs=1, batch_size=16,
                                   max_length=64, C=10.0).fit(Xtr, ytr)
    with Timer() as tp:
        pred = sf.predict(Xte)
    record(f"newsml setfit ({args.iterations} pair rounds, 1 epoch, C=10)", pred, tf.seconds, tp.seconds)

    payload = {"dataset": "conflibert_events/cameo_class", "shots_per_class": args.shots, "n_train": len(Xtr),
               "n_test": len(Xte), "systems": out}
    write_results(f"setfit_{args.shots}shot", payload, table,
                  ["system", "macro-F1 [95% CI]", "accuracy [95% CI]", "fit s", "predict docs/s"],
                  [f"{args.shots} training sentences per class ({len(Xtr)} in all, seed 0); test: {len(Xte)} sentences.",
                   "Baseline and newsml embedding read cached MiniLM vectors (encoding time excluded); setfit times "
                   "include tuning the encoder and encoding the test set with it.",
                   "Wall-clock on a shared, heavily loaded 2-core machine."])


if __name__ == "__main__":
    main()
