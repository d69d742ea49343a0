"""Prediction speed of the ``keyword`` classifier: this branch against ``main``'s implementation, same run.

"Before" is ``git show <ref>:src/newsml/classify/keyword.py`` (and its ``taxonomy_based.py``) loaded as
modules; "after" is the working tree. Both predict the same documents one at a time, interleaved (old,
new, old, new, ...) so machine load hits both alike; each document's CPU time (``time.process_time``)
and wall time are recorded. Reported per corpus: docs per CPU-second and wall docs/s, with 95%
bootstrap CIs over documents, and the speed-up (paired bootstrap). The outputs are also checked equal.

With ``--tagger`` it also measures the default classifier (``NewsEventTagger``) on 420-600-word BBC
articles with a cold sentence cache (as ``bench_tagger.py`` does), for issue 12's >= 20 docs/s target.

Run: OMP_NUM_THREADS=1 .venv/bin/python experiments/bench_keyword_speed.py [--tagger]   (a few minutes)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_classify_common import DATA, REPO, need_data, read_jsonl, write_results

from newsml.experiment.measure import load_average  # noqa: E402 - after bench_classify_common sets the path

B = 2000


def load_old(ref: str):
    """``ref``'s keyword module (with ``ref``'s taxonomy_based), imported under private names."""
    tmp = Path(tempfile.mkdtemp(prefix="kw_old_"))

    def show(path: str) -> str:
        return subprocess.run(["git", "show", f"{ref}:{path}"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout

    def load(name: str, source: str):
        (tmp / f"{name}.py").write_text(source)
        spec = importlib.util.spec_from_file_location(f"newsml.classify.{name}", tmp / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod

    load("_old_taxonomy_based", show("src/newsml/classify/taxonomy_based.py"))
    src = show("src/newsml/classify/keyword.py").replace(
        "from newsml.classify.taxonomy_based import", "from newsml.classify._old_taxonomy_based import")
    return load("_old_keyword", src)


def boot_rate(t: np.ndarray, rng) -> dict:
    """docs per second = n / sum(t), with a 95% bootstrap CI over documents."""
    idx = rng.integers(0, len(t), (B, len(t)))
    rates = len(t) / t[idx].sum(axis=1)
    return {"value": float(len(t) / t.sum()), "low": float(np.percentile(rates, 2.5)),
            "high": float(np.percentile(rates, 97.5))}


def boot_ratio(t_old: np.ndarray, t_new: np.ndarray, rng) -> dict:
    idx = rng.integers(0, len(t_old), (B, len(t_old)))
    r = t_old[idx].sum(axis=1) / t_new[idx].sum(axis=1)
    return {"value": float(t_old.sum() / t_new.sum()), "low": float(np.percentile(r, 2.5)),
            "high": float(np.percentile(r, 97.5))}


def fmt(d: dict, nd: int = 1) -> str:
    return f"{d['value']:.{nd}f} [{d['low']:.{nd}f}, {d['high']:.{nd}f}]"


def time_pair(old_clf, new_clf, docs: list[str]) -> dict:
    old_clf.predict_proba(docs[:2])
    new_clf.predict_proba(docs[:2])  # warm-up: patterns compiled, default state built
    n = len(docs)
    cpu = np.zeros((2, n))
    wall = np.zeros((2, n))
    same = True
    for i, d in enumerate(docs):
        outs = []
        for k, clf in enumerate((old_clf, new_clf)):
            c0, w0 = time.process_time(), time.perf_counter()
            outs.append(clf.predict_proba([d]))
            cpu[k, i], wall[k, i] = time.process_time() - c0, time.perf_counter() - w0
        same &= bool(np.array_equal(outs[0], outs[1]))
    return {"cpu": cpu, "wall": wall, "identical": same}


def tagger_speed(n_docs: int) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_tagger import speed

    from newsml.classify.tagger import NewsEventTagger

    rows = read_jsonl(DATA / "bbc_news_summary" / "bbc_news_summary.jsonl")
    long_docs = [r["text"] for r in rows if 420 <= len(r["text"].split()) <= 600]
    docs = long_docs[:n_docs]
    clf = NewsEventTagger()
    # warm-up on other articles: every encoder the tagger uses is loaded before timing (a one-line
    # warm-up text does not load the zero-shot part's encoder); speed() then clears the sentence cache
    clf.predict(long_docs[-2:])
    load0 = load_average()
    c0 = time.process_time()
    out = speed(clf, docs)
    out["cpu_seconds"] = time.process_time() - c0
    out["load_average_before"], out["load_average_after"] = load0, load_average()
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="main", help="git ref of the 'before' implementation")
    ap.add_argument("--n-long", type=int, default=300, help="XSum and BBC articles timed")
    ap.add_argument("--n-short", type=int, default=1500, help="AG News texts timed")
    ap.add_argument("--tagger", action="store_true", help="also time the default tagger on 500-word articles")
    ap.add_argument("--tagger-docs", type=int, default=60)
    args = ap.parse_args(argv)

    from newsml.classify.keyword import KeywordClassifier

    old = load_old(args.ref)
    rng = np.random.default_rng(0)
    corpora = {
        "XSum": [r["text"] for r in read_jsonl(need_data("xsum_test1000", "xsum_test1000.jsonl"))][: args.n_long],
        "BBC": [r["text"] for r in read_jsonl(DATA / "bbc_news_summary" / "bbc_news_summary.jsonl")][: args.n_long],
        "AG News": [r["text"] for r in read_jsonl(DATA / "ag_news" / "ag_news_test.jsonl")][: args.n_short],
    }
    out, rows = [], []
    for corpus, docs in corpora.items():
        r = time_pair(old.KeywordClassifier(), KeywordClassifier(), docs)
        res = {"corpus": corpus, "n_docs": len(docs), "identical_probabilities": r["identical"],
               "mean_words": float(np.mean([len(d.split()) for d in docs]))}
        for k, name in enumerate(("before", "after")):
            res[f"{name}_docs_per_cpu_s"] = boot_rate(r["cpu"][k], rng)
            res[f"{name}_wall_docs_per_s"] = boot_rate(r["wall"][k], rng)
        res["speedup_cpu"] = boot_ratio(r["cpu"][0], r["cpu"][1], rng)
        print(json.dumps(res), flush=True)
        out.append(res)
        for name in ("before", "after"):
            rows.append({"system": f"keyword ({name}: {args.ref if name == 'before' else 'this branch'})",
                         "corpus": f"{corpus}, n={len(docs)}, ~{res['mean_words']:.0f} words",
                         "docs per CPU-second": fmt(res[f"{name}_docs_per_cpu_s"]),
                         "wall docs/s": fmt(res[f"{name}_wall_docs_per_s"]),
                         "speed-up (CPU)": fmt(res["speedup_cpu"], 2) if name == "after" else "",
                         "identical output": str(res["identical_probabilities"]) if name == "after" else ""})
    payload = {"keyword": out, "ref": args.ref}
    notes = [f"'before' = `git show {args.ref}:src/newsml/classify/keyword.py` (+ its taxonomy_based.py) loaded as a "
             "module; 'after' = this tree. One document per predict_proba call, old and new interleaved.",
             f"95% bootstrap CIs over documents ({B} resamples); speed-up = paired ratio of total CPU time "
             "(2 shared cores; load averages in the environment line)."]
    if args.tagger:
        t = tagger_speed(args.tagger_docs)
        print("tagger:", t, flush=True)
        payload["tagger"] = t
        rows.append({"system": "tagger (default classifier), cold sentence cache",
                     "corpus": f"BBC 420-600 words, n={t['n_docs']}, ~{t['mean_words']:.0f} words",
                     "docs per CPU-second": f"{t['n_docs'] / t['cpu_seconds']:.1f}",
                     "wall docs/s": f"{t['docs_per_s']:.1f}"})
        notes.append(f"Tagger: OMP_NUM_THREADS={t['threads'] or 'unset'}; load average {t['load_average_before']} "
                     f"before, {t['load_average_after']} after; issue 12 target >= 20 docs/s on 2 cores.")
    write_results("keyword_speed", payload, rows,
                  ["system", "corpus", "docs per CPU-second", "wall docs/s", "speed-up (CPU)", "identical output"],
                  notes)


if __name__ == "__main__":
    main()
