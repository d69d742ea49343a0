"""Prediction speed of newsml tfidf vs the plain scikit-learn TF-IDF + LogisticRegression pipeline.

Both are fitted on 6,000 AG News texts, then predict all 7,600 AG News texts (short news) and
all 2,225 BBC articles (long news). Reported: wall-clock docs/s and docs per CPU-second
(time.process_time, one process). On a shared, loaded machine the CPU-second figure is the better
estimate of what one free core delivers.

Run: .venv/bin/python experiments/bench_classify_speed.py   (under a minute)
"""

from __future__ import annotations

import statistics
import time

from bench_classify_common import DATA, need_data, peak_memory_mib, read_jsonl, write_results

REPEATS = 3


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    import newsml

    ag = read_jsonl(need_data("ag_news", "ag_news_test.jsonl"))
    bbc = [r["text"] for r in read_jsonl(DATA / "bbc_news_summary" / "bbc_news_summary.jsonl")]
    X = [r["text"] for r in ag]
    y = [r["labels"][0] for r in ag]
    systems = {
        "baseline: sklearn TfidfVectorizer+LogisticRegression": make_pipeline(TfidfVectorizer(),
                                                                              LogisticRegression(max_iter=1000)),
        "newsml tfidf (defaults)": newsml.get_classifier("tfidf"),
    }
    rows, out = [], []
    for name, model in systems.items():
        model.fit(X[:6000], y[:6000])
        for corpus, docs in (("AG News (short)", X), ("BBC (long)", bbc)):
            walls, cpus = [], []
            for _ in range(REPEATS):  # median of a few timings: the machine is shared
                t0, c0 = time.perf_counter(), time.process_time()
                model.predict(docs)
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            mem = peak_memory_mib(lambda m=model, d=docs: m.predict(d))
            r = {"system": name, "corpus": corpus, "n_docs": len(docs), "wall_docs_per_s": round(len(docs) / wall),
                 "docs_per_cpu_s": round(len(docs) / cpu), "predict_peak_mem_mb": round(mem, 1)}
            print(r, flush=True)
            out.append(r)
            rows.append({"system": name, "corpus": f"{corpus}, n={len(docs)}", "wall docs/s": r["wall_docs_per_s"],
                         "docs per CPU-second": r["docs_per_cpu_s"], "predict peak MB": r["predict_peak_mem_mb"]})
    write_results("speed", {"systems": out, "fit_on": "6,000 AG News texts"}, rows,
                  ["system", "corpus", "wall docs/s", "docs per CPU-second", "predict peak MB"],
                  ["Fitted on 6,000 AG News texts; predictions over whole corpora in one call.",
                   f"Median of {REPEATS} timings. Wall docs/s is on a 2-core machine shared with other jobs (load "
                   "averages in the environment line); docs per "
                   "CPU-second uses time.process_time of this process (numpy may use both cores, so it can "
                   "be below the wall figure)."])


if __name__ == "__main__":
    main()
