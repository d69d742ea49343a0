"""Tagger speed on 500-word real articles, before/after, with each variant's cross-validated macro-F1.

Systems (each timed in its own fresh process, interleaved over ``--repeats`` rounds, so that the load
of the shared machine hits all of them alike):

* ``keyword`` and ``zero-shot`` (as shipped, torch MiniLM), no dev data;
* ``tagger (before)``: the tagger of git revision ``--before`` (default :data:`BEFORE`, the previous
  default tagger), run from a ``git archive`` copy of its ``src/`` with its own shipped weights and
  taxonomy;
* ``tagger``: the tagger of this working tree (shipped default), and speed variants of it
  (``max_sentences``, ``clauses``).

Articles: BBC News (bbc_news_summary) and CNN/DailyMail (validation) texts of at least 500 words,
cut to their first 500 words, half from each. Each timed run starts with an empty sentence-vector
cache and a loaded encoder (one warm-up call on a different text); reported are docs/s of wall time
and docs per CPU-second (``time.process_time`` of the process, all its threads), median over the
repeats, with ``OMP_NUM_THREADS`` = ``torch.set_num_threads`` = ``--threads``.

Quality: macro-F1 on ``news_events_dev`` of every variant in the same run, 5-fold CV for the taggers
(fitted on 4 folds, scored on the 5th, same folds as ``bench_tagger.py``), the whole set for keyword
and zero-shot (they use no dev data); 95% bootstrap CIs over texts. Every tagger variant reads the same
cached dev-sentence vectors (``.cache/tagger_distant.npz``, written by ``train_tagger.py``): the int8
encoder quantises activations per batch, so fresh vectors depend on batch composition and move the CV
macro-F1 by up to about 0.015 from run to run.

Run: ``python experiments/train_tagger.py --encode-only`` (once), then
``python experiments/bench_tagger_speed.py [--docs 40 --repeats 2 --threads 2]``.
Writes ``experiments/results/tagger_speed.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSML_DATA_DIR", REPO / ".." / "shared" / "data")).resolve()
#: the previous default tagger (before the guideline cue revisions and the lexical head); the code
#: before the speed work of issue 12 is git 4b0bc37 (``--before 4b0bc37``)
BEFORE = "ba442cb"
WORDS = 500

#: name -> (source: "before"/"after", kind, constructor kwargs)
VARIANTS: dict[str, tuple[str, str, dict]] = {
    "keyword": ("after", "keyword", {}),
    "zero-shot": ("after", "zero-shot", {}),
    "tagger (before)": ("before", "tagger", {}),
    "tagger": ("after", "tagger", {}),
    "tagger, max_sentences=8": ("after", "tagger", {"max_sentences": 8}),
    "tagger, max_sentences=10": ("after", "tagger", {"max_sentences": 10}),
    "tagger, max_sentences=16": ("after", "tagger", {"max_sentences": 16}),
    "tagger, max_sentences=20": ("after", "tagger", {"max_sentences": 20}),
    "tagger, max_sentences=None (all)": ("after", "tagger", {"max_sentences": None}),
    "tagger, clauses=True": ("after", "tagger", {"clauses": True}),
}
#: the variants a plain run times (and writes to ``results/tagger_speed.*``)
DEFAULT_RUN = ["keyword", "zero-shot", "tagger (before)", "tagger", "tagger, max_sentences=8",
               "tagger, max_sentences=16", "tagger, clauses=True"]


def articles(n: int) -> list[str]:
    """``n`` real articles cut to their first 500 words (half BBC, half CNN/DailyMail)."""
    def cut(path: Path, k: int) -> list[str]:
        out = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                words = json.loads(line)["text"].split()
                if len(words) >= WORDS:
                    out.append(" ".join(words[:WORDS]))
                    if len(out) >= k:
                        break
        return out

    half = n // 2
    return (cut(SHARED / "bbc_news_summary" / "bbc_news_summary.jsonl", half)
            + cut(SHARED / "cnn_dailymail" / "cnndm_validation_1000.jsonl", n - half))


def _make(kind: str, kwargs: dict):
    import newsml

    if kind == "tagger":
        from newsml.classify.tagger import NewsEventTagger

        return lambda: NewsEventTagger(**kwargs)
    return lambda: newsml.get_classifier(kind, **kwargs)


def worker(kind: str, kwargs: dict, threads: int, n_docs: int, cv: bool) -> dict:
    """Run in a fresh process (``src`` already first on ``sys.path``): time one system, optionally its CV F1."""
    import torch

    torch.set_num_threads(threads)
    from newsml.classify._vectors import CACHE

    make = _make(kind, kwargs)
    docs = articles(n_docs)
    clf = make()
    clf.predict(["Warm-up: the encoder is loaded once. Rebels said they seized the town, and the army denied it."])
    CACHE._data.clear()
    w0, c0 = time.perf_counter(), time.process_time()
    clf.predict(docs)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    out = {"n_docs": len(docs), "wall_s": wall, "cpu_s": cpu, "docs_per_s": len(docs) / wall,
           "docs_per_cpu_s": len(docs) / cpu, "load_avg_1min": os.getloadavg()[0]}
    if cv:
        out["cv"] = dev_quality(kind, make)
    return out


def dev_quality(kind: str, make) -> dict:
    """Macro-F1 on news_events_dev: 5-fold CV for the tagger, the whole set for the others."""
    import numpy as np
    from sklearn.model_selection import KFold

    sys.path.insert(1, str(REPO / "experiments"))
    from bench_classify_common import indicator, macro_f1, per_label_f1

    # The int8 ONNX encoder quantises activations per batch, so a sentence's vector depends slightly on
    # the other sentences of its batch, which moves the CV macro-F1 by up to ~0.015 between runs. All
    # variants therefore read the same dev-sentence vectors (encoded once by train_tagger.py).
    from train_tagger import CACHE_FILE, ENC

    from newsml.classify._vectors import CACHE
    from newsml.evaluate import bootstrap_ci

    CACHE.load_npz(CACHE_FILE, **ENC)
    dev = [json.loads(line) for line in open(SHARED / "news_events_dev" / "news_events_dev.jsonl", encoding="utf-8")
           if line.strip()]
    texts, labels = [r["text"] for r in dev], [r["labels"] for r in dev]
    clf = make()
    classes = [str(c) for c in newsml_topics()]
    Y = indicator(labels, classes)
    if kind == "tagger":
        P = np.zeros_like(Y, dtype=bool)
        for tr, te in KFold(5, shuffle=True, random_state=0).split(texts):
            fitted = make().fit([texts[i] for i in tr], [labels[i] for i in tr])
            P[te] = indicator(fitted.predict([texts[i] for i in te]), classes)
    else:
        P = indicator(clf.predict(texts), classes)
    ci = bootstrap_ci(lambda i: macro_f1(Y[i], P[i]), len(Y), n_boot=1000, seed=0).to_dict()
    return {"macro_f1": ci, "per_topic_f1": {c: (None if np.isnan(f) else round(float(f), 3))
                                             for c, f in zip(classes, per_label_f1(Y, P))},
            "pred": P.astype(int).tolist()}


def newsml_topics() -> list[str]:
    from newsml.taxonomy import load_taxonomy

    return list(load_taxonomy("news_events").ids)


def run_worker(src: Path, name: str, threads: int, n_docs: int, cv: bool) -> dict:
    source, kind, kwargs = VARIANTS[name]
    code = (f"import sys; sys.path.insert(0, {str(src)!r}); import json, newsml; "
            f"sys.path.insert(1, {str(REPO / 'experiments')!r}); import bench_tagger_speed as b; "
            f"print('RESULT ' + json.dumps(b.worker({kind!r}, {kwargs!r}, {threads}, {n_docs}, {cv!r})))")
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": str(src)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(REPO))
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULT ")]
    if res.returncode != 0 or not lines:
        raise RuntimeError(f"{name}: worker failed\n{res.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


def main(argv=None) -> dict:
    import numpy as np

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--before", default=BEFORE, help="git revision of the 'before' tagger")
    ap.add_argument("--only", nargs="*", help="variant names to run (default: DEFAULT_RUN); results are written "
                    "only with --write")
    ap.add_argument("--write", action="store_true", help="write the results files even with --only")
    ap.add_argument("--no-cv", action="store_true", help="speed only")
    ap.add_argument("--from-json", help="re-render the Markdown of a finished run from its JSON (no timing)")
    args = ap.parse_args(argv)
    if args.from_json:
        result = json.loads(Path(args.from_json).read_text())
        result.pop("env", None)
        for old in ("load_avg_start", "load_avg_end", "cpus"):  # a run written before the one results writer
            result.pop(old, None)
        loads = [x for s in result["systems"].values() for x in s["load_avg_1min"]]
        result.setdefault("worker_load_1min_range", [min(loads), max(loads)])
        write(result)
        return result
    names = args.only or list(DEFAULT_RUN)
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.before, "src"], cwd=REPO, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        srcs = {"before": old / "src", "after": REPO / "src"}
        runs: dict[str, list[dict]] = {n: [] for n in names}
        load0 = os.getloadavg()
        for rep in range(args.repeats):
            for name in names:
                r = run_worker(srcs[VARIANTS[name][0]], name, args.threads, args.docs,
                               cv=(rep == 0 and not args.no_cv))
                runs[name].append(r)
                print(f"[{rep}] {name:34s} {r['docs_per_s']:6.2f} docs/s  {r['docs_per_cpu_s']:6.2f} docs/CPU-s  "
                      f"load {r['load_avg_1min']:.1f}" + (f"  macro-F1 {r['cv']['macro_f1']['value']:.3f}"
                                                          if 'cv' in r else ""), flush=True)
    systems = {}
    for name, rs in runs.items():
        wall = [r["docs_per_s"] for r in rs]
        cpu = [r["docs_per_cpu_s"] for r in rs]
        systems[name] = {"kwargs": VARIANTS[name][2], "code": VARIANTS[name][0],
                         "docs_per_s": float(np.median(wall)), "docs_per_s_range": [min(wall), max(wall)],
                         "docs_per_cpu_s": float(np.median(cpu)), "docs_per_cpu_s_range": [min(cpu), max(cpu)],
                         "load_avg_1min": [r["load_avg_1min"] for r in rs]}
        if "cv" in rs[0]:
            cv = dict(rs[0]["cv"])
            cv.pop("pred", None)
            systems[name]["quality"] = cv
    loads = [x for s in systems.values() for x in s["load_avg_1min"]]
    result = {"n_docs": args.docs, "words": WORDS, "threads": args.threads, "repeats": args.repeats,
              "before": args.before, "systems": systems, "run_load_1min": [load0[0], os.getloadavg()[0]],
              "worker_load_1min_range": [min(loads), max(loads)]}
    if not args.only or args.write:
        write(result)
    return result


def write(result: dict) -> None:
    """``tagger_speed.json`` + ``.md`` through the one results writer (``experiments/_results.py``)."""
    sys.path.insert(0, str(REPO / "experiments"))
    from _results import write_pair

    write_pair("tagger_speed", result, render_md(result))


def render_md(r: dict) -> str:
    lines = ["# Tagger speed on 500-word real articles (`experiments/bench_tagger_speed.py`)", "",
             f"{r['n_docs']} articles (half BBC News, half CNN/DailyMail), each cut to its first {r['words']} words; "
             f"{r['threads']} threads; each system in a fresh process, empty sentence cache, encoder loaded; "
             f"median of {r['repeats']} interleaved rounds (min-max). `tagger (before)` is the code of git "
             f"revision {r['before']}. The 2 CPUs were shared with other jobs: 1-minute load "
             f"{r['worker_load_1min_range'][0]:.1f}-{r['worker_load_1min_range'][1]:.1f} during the timed runs, so "
             "wall rates are noisy and docs per CPU-second (process CPU time, all threads) are the steadier "
             "figure; with 2 free cores the wall rate approaches 2 x docs/CPU-s.", "",
             "Macro-F1: `news_events_dev` (284 real texts), 5-fold CV for the taggers (same folds as "
             "`tagger.md`), whole set for keyword and zero-shot (no dev data used); 95% bootstrap CIs.", "",
             "| system | docs/s (wall) | docs per CPU-second | macro-F1 [95% CI] |", "|---|---|---|---|"]
    for name, s in r["systems"].items():
        q = s.get("quality", {}).get("macro_f1")
        qs = f"{q['value']:.3f} [{q['low']:.3f}, {q['high']:.3f}]" if q else "-"
        lines.append(f"| {name} | {s['docs_per_s']:.1f} ({s['docs_per_s_range'][0]:.1f}-{s['docs_per_s_range'][1]:.1f}) "
                     f"| {s['docs_per_cpu_s']:.1f} ({s['docs_per_cpu_s_range'][0]:.1f}-{s['docs_per_cpu_s_range'][1]:.1f}) "
                     f"| {qs} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
