"""Benchmark newsml summarisers against lead-3, the greedy oracle and sumy's LexRank/TextRank, in one run.

Settings (data from ../shared/data through the data layer; documents a shipped model was trained on are
dropped, and the run says so on stderr and in the report):

* ``cnndm``: CNN/DailyMail validation, original form (cnndm_validation_1000.jsonl; all CNN articles), 3
  sentences, the *report* part: records 300-999 (the first 300 are the *selection* part the original-form
  fixes - glued ``City (CNN)`` datelines, canonical-form features - were chosen on).
* ``cnndm_tok``: CNN/DailyMail validation, tokenised lower-case form, the *report* part (ids >= 3000; the
  ids 1000-2999 are the *selection* part the shipped model's settings were chosen on), 3 sentences.
* ``xsum``: XSum (first 1,000 test articles), one-sentence abstractive references, 1 sentence. Only the
  documents the previous default (trained on ~70 % of them) did not see, so that it can be compared.
* ``bbc``: the test split of ``newsml prepare bbc`` (extractive references), 40 % of the sentences.

Inputs are the raw records (``read_documents`` + the recipe's source-specific repairs, no cleaning), so
lead and furniture removal are part of what is measured. Systems:

* ``lead-3``: the first k sentences of the raw text cut by a plain regex splitter (the classic baseline,
  k = the setting's sentence count; for ``bbc`` 40 %);
* ``oracle``: greedy ROUGE-1+2 oracle over newsml's sentences (an upper bound, uses the reference);
* every registered newsml extractive summariser (``lead``, ``textrank``, ``lexrank``, ``supervised``
  = the shipped model, ``centroid``, ``mmr``); ``seq2seq`` needs a downloaded checkpoint and is left out;
* ``default-before``: the supervised model shipped before this change (commit a58ad9a), loaded from git;
* sumy 0.11 LexRank/TextRank (English stop words, Snowball stemmer, newsml sentences).

Scoring: Google ``rouge-score`` (``use_stemmer=True``), F1 per document; ROUGE-Lsum on newsml sentences
joined by newlines. 95 % CIs: percentile bootstrap over documents (newsml.evaluate.bootstrap_ci, 1,000
resamples); "vs lead-3" is a paired bootstrap of the ROUGE-1 difference (newsml.evaluate.paired_bootstrap).
Speed: docs/s end to end from raw text (sentence splitting included) and docs per CPU-second of the
process, median of ``--repeats`` rounds on the first ``--n-speed`` documents; each round runs every system
once, one after the other (interleaved, so load changes hit all alike), 1 thread. The report gives each
newsml system's speed over the faster of sumy LexRank/TextRank (issue 10: at least 2x).

Usage::

    python experiments/bench_summarize.py [--n 500] [--n-speed 100] [--train] [--quick]
    # the speed pass of experiments/results/summarize_speed.md
    python experiments/bench_summarize.py --settings cnndm --n 200 --n-speed 200 --repeats 3 \
        --systems lead-3,lead,textrank,lexrank,supervised,sumy-lexrank,sumy-textrank --name summarize_speed

``--train`` first retrains the shipped supervised model (newsml.summarize.train.train_default).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from newsml.experiment.measure import machine_summary, peak_memory_mib  # noqa: E402
from newsml.experiment.rundir import environment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
METRICS = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
BEFORE_COMMIT = "a58ad9a"
SELECTION_MAX_ID = 3000  # tokenised validation ids below this are the selection part
CNNDM_SELECTION = 300  # the first records of the original-form file are its selection part


# --------------------------------------------------------------------------- peers and baselines
class OfflineTokenizer:
    """sumy tokenizer without NLTK data: newsml sentences + a regex word tokenizer."""

    language = "english"
    _WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

    def to_sentences(self, paragraph):
        from newsml.data import split_sentences

        return tuple(split_sentences(paragraph))

    def to_words(self, sentence):
        return tuple(self._WORD.findall(sentence.lower()))


class SumyPeer:
    """sumy's LexRank / TextRank with English stop words and the Snowball stemmer."""

    def __init__(self, kind: str):
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words

        cls = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
        self.impl = cls(Stemmer("english"))
        self.impl.stop_words = get_stop_words("english")
        self.tokenizer = OfflineTokenizer()

    def summarize(self, docs, max_sentences=None, ratio=None):
        from sumy.parsers.plaintext import PlaintextParser

        from newsml.data.lead import strip_lead

        out = []
        for d in docs:
            parser = PlaintextParser.from_string(strip_lead(d["text"]), self.tokenizer)
            n = len(parser.document.sentences)
            k = max_sentences if max_sentences is not None else max(1, round(ratio * n))
            out.append(" ".join(str(s) for s in self.impl(parser.document, k)))
        return out


_REGEX_SPLIT = re.compile(r"(?<=[.!?])\s+")


class LeadRegex:
    """lead-k on a plain regex split of the raw text (no lead or furniture removal)."""

    def summarize(self, docs, max_sentences=None, ratio=None):
        out = []
        for d in docs:
            sents = [s for s in _REGEX_SPLIT.split(d["text"].strip()) if s]
            k = max_sentences if max_sentences is not None else max(1, round(ratio * len(sents)))
            out.append(" ".join(sents[:k]))
        return out


class Oracle:
    """Greedy ROUGE-1+2 oracle over newsml's sentences (uses the reference: an upper bound)."""

    def summarize(self, docs, max_sentences=None, ratio=None):
        from newsml.summarize.supervised import greedy_oracle

        out = []
        for d in docs:
            sents = d["sentences"]
            k = max_sentences if max_sentences is not None else max(1, round(ratio * len(sents)))
            out.append(" ".join(sents[i] for i in greedy_oracle(sents, d["summary"], k)))
        return out


def default_before():
    """The supervised summariser shipped before this change, rebuilt from git (module + weights)."""
    tmp = Path(tempfile.mkdtemp(prefix="newsml-before-"))
    (tmp / "models" / "news").mkdir(parents=True)
    base = "src/newsml/summarize"
    for rel, dst in [(f"{base}/supervised.py", tmp / "before_supervised.py"),
                     (f"{base}/models/news/newsml_summarizer.json", tmp / "models/news/newsml_summarizer.json"),
                     (f"{base}/models/news/weights.safetensors", tmp / "models/news/weights.safetensors")]:
        dst.write_bytes(subprocess.run(["git", "show", f"{BEFORE_COMMIT}:{rel}"], cwd=ROOT, check=True,
                                       capture_output=True).stdout)
    spec = importlib.util.spec_from_file_location("before_supervised", tmp / "before_supervised.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.SupervisedSummarizer(pretrained=None)
    cfg = json.loads((tmp / "models/news/newsml_summarizer.json").read_text())
    from safetensors.numpy import load_file

    model._set_state(cfg["state"], load_file(str(tmp / "models/news/weights.safetensors")))
    model.name = "default-before"
    # its own sentence preparation is the one of this version (the data layer), as for every system
    return model


def before_training_ids(ids):
    """Ids the previous default trained on: a SHA-1 hash split, 70 % of bbc and xsum (its train.py)."""
    import hashlib

    return {i for i in ids if int(hashlib.sha1(str(i).encode()).hexdigest()[:8], 16) % 1000 < 700}


# --------------------------------------------------------------------------- data
def load_setting(name, n):
    from datasets import load_from_disk  # noqa: F401 - fail early when datasets is missing

    from newsml.data import read_documents
    from newsml.data.document import ReadReport
    from newsml.data.recipes import RECIPES, recipe_files
    from newsml.summarize.train import prepared_split

    recipe = {"cnndm": "cnn_dailymail", "cnndm_tok": "cnn_dailymail", "xsum": "xsum", "bbc": "bbc"}[name]
    files = recipe_files(recipe)
    if name == "cnndm":
        files, keep = [f for f in files if f.name == "cnndm_validation_1000.jsonl"], None
    elif name == "cnndm_tok":
        files, keep = [f for f in files if f.name == "cnndm_validation_tokenized_4368.jsonl"], None
    elif name == "bbc":
        keep = {r["id"] for r in prepared_split("bbc", "test", CACHE)[0]}
    else:
        keep = None
    report = ReadReport()
    docs = []
    for doc in read_documents(files, report=report):
        if keep is not None and doc.id not in keep:
            continue
        if name == "cnndm_tok" and int(doc.id.rsplit("-", 1)[1]) < SELECTION_MAX_ID:
            continue
        if RECIPES[recipe].transform and recipe != "cnn_dailymail":  # CNN/DM furniture stays: it is measured
            doc = RECIPES[recipe].transform(doc, report)
        if doc is None or not doc.text.strip() or not (doc.summary or "").strip():
            continue
        docs.append({"id": doc.id, "text": doc.text, "title": doc.title or "", "summary": doc.summary})
    if name == "cnndm":  # report on the held-out part only
        docs = docs[CNNDM_SELECTION:]
    return docs


CACHE = Path(os.environ.get("NEWSML_BENCH_CACHE", Path(tempfile.gettempdir()) / "newsml-bench-cache"))


# --------------------------------------------------------------------------- scoring
def rouge_scores(preds, refs):
    from rouge_score import rouge_scorer

    from newsml.data import split_sentences

    scorer = rouge_scorer.RougeScorer(METRICS, use_stemmer=True)
    out = {m: [] for m in METRICS}
    for p, r in zip(preds, refs):
        r_l = "\n".join(split_sentences(r))
        p_l = "\n".join(split_sentences(p)) if p.strip() else ""
        s = scorer.score(r, p)
        s_l = scorer.score(r_l, p_l)
        for m in METRICS:
            out[m].append((s_l if m == "rougeLsum" else s)[m].fmeasure)
    return {m: np.array(v) for m, v in out.items()}


def ci_dict(values):
    from newsml.evaluate import bootstrap_ci

    ci = bootstrap_ci(values, n_boot=1000, seed=0)
    return {"value": round(100 * ci.value, 2), "low": round(100 * ci.low, 2), "high": round(100 * ci.high, 2)}


def paired(a, b):
    from newsml.evaluate import paired_bootstrap

    pr = paired_bootstrap(a, b, n_boot=1000, seed=0)
    return {"diff": round(100 * pr.diff.value, 2), "low": round(100 * pr.diff.low, 2),
            "high": round(100 * pr.diff.high, 2), "p": round(pr.p_value, 4)}


# --------------------------------------------------------------------------- runner
def build(name):
    import newsml

    if name.startswith("sumy-"):
        return SumyPeer(name.split("-", 1)[1])
    if name == "lead-3":
        return LeadRegex()
    if name == "oracle":
        return Oracle()
    if name == "default-before":
        return default_before()
    return newsml.get_summarizer(name)


def run_system(system, docs, limits, presplit=True):
    if not hasattr(system, "_prepare"):
        return system.summarize(docs, **limits)
    if presplit:  # the sentences split_document() gives for the raw text, computed once per document
        inputs = [{"text": d["text"], "title": d["title"], "sentences": d["sentences"],
                   "paragraph_first": d["firsts"]} for d in docs]
    else:
        inputs = [{"text": d["text"], "title": d["title"]} for d in docs]
    return [s.text for s in system.summarize(inputs, **limits)]


def timed(system, docs, limits, repeats):
    if isinstance(system, Oracle):
        return None
    if hasattr(system, "_emb_cache"):
        del system._emb_cache
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        run_system(system, docs, limits, presplit=False)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return len(docs) / statistics.median(times), len(docs) / max(1e-9, statistics.median(cpu))


def speed_pass(systems, docs, limits, repeats):
    """Docs/s and docs per CPU-second of each system, median of ``repeats`` rounds.

    Each round runs every system once on the same documents, one after the other (interleaved), so that
    a change in machine load hits all systems alike. End to end from raw text (splitting included).
    """
    times = {name: ([], []) for name, system in systems.items() if not isinstance(system, Oracle)}
    for name in times:  # warm-up: imports, model loading, compiled regexes
        run_system(systems[name], docs[:3], limits, presplit=False)
    for _ in range(repeats):
        for name, (wall, cpu) in times.items():
            t, c = time.perf_counter(), time.process_time()
            run_system(systems[name], docs, limits, presplit=False)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return {name: (round(len(docs) / statistics.median(w), 1), round(len(docs) / max(1e-9, statistics.median(c)), 1))
            for name, (w, c) in times.items()}


def speed_ratios(block):
    """Speed of each newsml system over the faster sumy system (docs/s and docs/CPU-s) in one setting."""
    rows = block["systems"]
    sumy = [rows[k] for k in ("sumy-lexrank", "sumy-textrank") if rows.get(k, {}).get("docs_per_s")]
    if not sumy:
        return {}
    best_wall = max(r["docs_per_s"] for r in sumy)
    best_cpu = max(r["docs_per_cpu_s"] for r in sumy)
    return {name: {"x_wall": round(r["docs_per_s"] / best_wall, 2), "x_cpu": round(r["docs_per_cpu_s"] / best_cpu, 2)}
            for name, r in rows.items() if not name.startswith("sumy") and name not in ("lead-3", "oracle")
            and r.get("docs_per_s")}


def peak_memory(system, docs, limits):
    return round(peak_memory_mib(lambda: run_system(system, docs, limits, presplit=False)), 2)


SETTINGS = {"cnndm": {"max_sentences": 3}, "cnndm_tok": {"max_sentences": 3}, "xsum": {"max_sentences": 1},
            "bbc": {"ratio": 0.4}}


def system_row(name, system, docs, refs, limits, args, per_doc, before_seen):
    """One system's scores (with CIs and paired differences), speed and memory on one setting."""
    speed_docs = docs[: args.n_speed]
    sub = docs[: args.n_embed] if name in ("centroid", "mmr") else docs
    preds = run_system(system, sub, limits)
    scores = rouge_scores(preds, refs[: len(sub)])
    row = {m: ci_dict(v) for m, v in scores.items()}
    row["n_docs"] = len(sub)
    row["avg_words"] = round(float(np.mean([len(p.split()) for p in preds])), 1)
    if name in ("centroid", "mmr"):  # slow (sentence embeddings): one run on at most 30 documents, alone
        sp = timed(system, speed_docs[: min(len(speed_docs), 30)], limits, 1)
        row["docs_per_s"] = None if sp is None else round(sp[0], 1)
        row["docs_per_cpu_s"] = None if sp is None else round(sp[1], 1)
    # every other system is timed in speed_pass(), interleaved with the others
    if hasattr(system, "_prepare"):
        row["peak_mem_mib"] = peak_memory(system, docs[:20], limits)
    if name != "lead-3" and "lead-3" in per_doc:
        row["r1_vs_lead3"] = paired(scores["rouge1"], per_doc["lead-3"]["rouge1"][: len(sub)])
    if name != "lead" and "lead" in per_doc and name != "lead-3":
        row["r1_vs_lead"] = paired(scores["rouge1"], per_doc["lead"]["rouge1"][: len(sub)])
    if name == "supervised" and "default-before" in per_doc:
        row["r1_vs_before"] = paired(scores["rouge1"], per_doc["default-before"]["rouge1"])
    if name == "default-before" and "supervised" in per_doc:
        row["r1_vs_before"] = paired(per_doc["supervised"]["rouge1"], scores["rouge1"])
        if before_seen:
            clean = np.array([d["id"] not in before_seen for d in docs])
            row["r1_vs_before_unseen"] = paired(per_doc["supervised"]["rouge1"][clean],
                                                scores["rouge1"][clean])
    return row, scores


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500, help="documents per setting")
    ap.add_argument("--n-embed", type=int, default=100, help="documents per setting for centroid/mmr (slow)")
    ap.add_argument("--n-speed", type=int, default=100, help="documents per speed measurement")
    ap.add_argument("--repeats", type=int, default=3, help="speed timings per system (median)")
    ap.add_argument("--settings", default=",".join(SETTINGS))
    ap.add_argument("--train", action="store_true", help="retrain the shipped supervised model first")
    ap.add_argument("--quick", action="store_true", help="no embedding methods (fast check)")
    ap.add_argument("--systems", default=None, help="comma-separated systems (default: all)")
    ap.add_argument("--out", default=None, help="results folder (default experiments/results, or $NEWSML_RESULTS_DIR)")
    ap.add_argument("--name", default="summarize", help="base name of the result files in --out")
    args = ap.parse_args(argv)

    import newsml
    from newsml.data.article import split_document
    from newsml.data.recipes import shared_data_dir
    from newsml.summarize.train import train_default, training_ids

    if not (shared_data_dir() / "cnn_dailymail").exists():
        print(f"shared data not found at {shared_data_dir()}; nothing to benchmark", file=sys.stderr)
        return 0
    train_info = None
    if args.train:
        t = time.perf_counter()
        model = train_default(cache_dir=CACHE)
        train_info = {"train_docs": model.n_train_docs_, "seconds": round(time.perf_counter() - t, 1)}
        print("trained shipped model:", train_info, flush=True)
    trained_on = training_ids()

    systems = ["lead-3", "oracle", "lead", "textrank", "lexrank", "supervised", "default-before", "centroid", "mmr",
               "sumy-lexrank", "sumy-textrank"]
    if args.quick:
        systems = [s for s in systems if s not in ("centroid", "mmr")]
    if args.systems:
        systems = args.systems.split(",")
    results = {"settings": {}, "default": newsml.summarize.DEFAULT_SUMMARIZER,
               "machine": f"{machine_summary()} at start, 1 thread", "python": environment()["python"],
               "train": train_info, "notes": [], "repeats": args.repeats,
               "command": "python experiments/bench_summarize.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    built = {}
    for setting in args.settings.split(","):
        limits = SETTINGS[setting]
        docs = load_setting(setting, args.n)
        dropped = [d["id"] for d in docs if d["id"] in trained_on]
        if dropped:
            msg = (f"{setting}: {len(dropped)} documents are training documents of the shipped supervised model; "
                   "dropped")
            print(msg, file=sys.stderr)
            results["notes"].append(msg)
        docs = [d for d in docs if d["id"] not in trained_on]
        if setting == "xsum":  # keep what the previous default did not train on, so it can be compared
            seen = before_training_ids([d["id"] for d in docs])
            docs = [d for d in docs if d["id"] not in seen]
        docs = docs[: args.n]
        for d in docs:
            d["sentences"], d["firsts"] = split_document(d["text"])
        refs = [d["summary"] for d in docs]
        before_seen = before_training_ids([d["id"] for d in docs]) if setting == "bbc" else set()
        block = {"n_docs": len(docs), "n_speed_docs": min(len(docs), args.n_speed), "limits": limits,
                 "systems": {}}
        if before_seen:
            msg = (f"{setting}: default-before was trained on {len(before_seen)} of these {len(docs)} documents "
                   "(its hash split); its comparison with the new default is also given on the other "
                   f"{len(docs) - len(before_seen)}")
            print(msg, file=sys.stderr)
            block["note"] = msg
        per_doc = {}
        for name in systems:
            try:
                system = built.get(name) or build(name)
                built[name] = system
            except Exception as exc:  # noqa: BLE001 - report and go on
                print(f"{name}: cannot build: {exc}", file=sys.stderr)
                continue
            t = time.perf_counter()
            row, scores = system_row(name, system, docs, refs, limits, args, per_doc, before_seen)
            per_doc[name] = scores
            block["systems"][name] = row
            print(setting, name, {m: row[m]["value"] for m in METRICS}, f"{time.perf_counter() - t:.0f}s", flush=True)
        timed_systems = {name: built[name] for name in block["systems"] if name not in ("centroid", "mmr")}
        for name, (wall, cpu) in speed_pass(timed_systems, docs[: args.n_speed], limits, args.repeats).items():
            block["systems"][name]["docs_per_s"], block["systems"][name]["docs_per_cpu_s"] = wall, cpu
            print(setting, name, f"{wall} docs/s, {cpu} docs/CPU-s", flush=True)
        block["speed_vs_sumy"] = speed_ratios(block)
        results["settings"][setting] = block
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _results import RESULTS as default_results

    out = Path(args.out or default_results)
    out.mkdir(parents=True, exist_ok=True)
    from _results import write_pair  # the environment record + atomic JSON/MD pair of every benchmark

    write_pair(args.name, results, to_markdown(results), results_dir=out, echo=True)
    return 0


def _diff(d):
    return f"{d['diff']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}]" if d else "—"


def to_markdown(results):
    lines = ["# Summarisation benchmark (experiments/bench_summarize.py)", "",
             f"Command: `{results.get('command', '')}`", "",
             "ROUGE F1 x100 with 95% bootstrap CIs (rouge-score, Porter stemming; Lsum on newsml sentences). "
             "Documents a shipped model trained on are dropped. "
             f"Machine: {results['machine']}. docs/s = end to end from raw text (splitting included), median "
             f"of {results.get('repeats', 3)} rounds, each round running every system once on the same documents "
             "(interleaved; centroid/mmr: 1 run on at most 30 documents, alone); docs/CPU-s = the same per CPU "
             "second of the benchmark process (less sensitive to other jobs). lead-3 = first sentences of a plain "
             "regex split of the raw text; oracle = greedy ROUGE oracle (upper bound); supervised = the shipped "
             f"model; default-before = the default shipped before ({BEFORE_COMMIT}); DEFAULT_SUMMARIZER = "
             f"`{results.get('default')}`. centroid/mmr run on fewer documents (see n).", ""]
    for note in results.get("notes", []):
        lines += [f"Note: {note}", ""]
    if results.get("train"):
        lines += [f"Shipped supervised model retrained in this run: {results['train']}", ""]
    for setting, block in results["settings"].items():
        lines += [f"## {setting}: n={block['n_docs']} (speed on the first {block.get('n_speed_docs')}), "
                  f"limits {block['limits']}", ""]
        if block.get("note"):
            lines += [f"Note: {block['note']}", ""]
        lines += ["| system | n | ROUGE-1 | ROUGE-2 | ROUGE-L | ROUGE-Lsum | words | R1 vs lead-3 | R1 vs lead | "
                  "docs/s | docs/CPU-s | peak MiB |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for name, row in block["systems"].items():
            cells = [f"{row[m]['value']:.2f} [{row[m]['low']:.2f}, {row[m]['high']:.2f}]" for m in METRICS]
            lines.append(f"| {name} | {row['n_docs']} | " + " | ".join(cells) + f" | {row['avg_words']} | "
                         f"{_diff(row.get('r1_vs_lead3'))} | {_diff(row.get('r1_vs_lead'))} | "
                         f"{row.get('docs_per_s') or '—'} | {row.get('docs_per_cpu_s') or '—'} | "
                         f"{row.get('peak_mem_mib', '—')} |")
        ratios = block.get("speed_vs_sumy") or {}
        if ratios:
            lines += ["", "Speed over the faster sumy system (x docs/s; x docs/CPU-s): " + ", ".join(
                f"{name} {r['x_wall']:.2f}x; {r['x_cpu']:.2f}x" for name, r in ratios.items())]
        before = block["systems"].get("default-before", {})
        if before.get("r1_vs_before"):
            lines += ["", f"supervised vs default-before, ROUGE-1: {_diff(before['r1_vs_before'])}"
                      + (f"; on documents default-before did not train on: {_diff(before['r1_vs_before_unseen'])}"
                         if before.get("r1_vs_before_unseen") else "")]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
