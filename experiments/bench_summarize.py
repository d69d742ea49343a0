"""Benchmark newsml summarisers against lead and sumy's LexRank/TextRank, in one run.

Datasets (from ../shared/data, skipped when absent), held-out documents only (the shipped supervised
model is trained on the other ~70 %, see newsml.summarize.train):

* bbc: BBC News Summary, extractive references (spaces between sentences repaired); every system
  returns 40 % of the article's sentences (references average 43 %).
* xsum: XSum test (first 1,000), one-sentence abstractive references; every system returns 1 sentence.
* bbc3: the same BBC documents with 3-sentence summaries (the highlights-style default length).

Scoring: Google ``rouge-score`` 0.1.2, ``RougeScorer(['rouge1','rouge2','rougeL','rougeLsum'],
use_stemmer=True)``, F1 per document. Its default tokenizer lower-cases, replaces every
non-alphanumeric character with a space and splits on whitespace; Porter stemming is on. For
ROUGE-Lsum, system and reference are split into sentences with newsml.data.split_sentences and
joined with newlines. 95 % CIs: percentile bootstrap over documents (newsml.evaluate.bootstrap_ci,
1,000 resamples); "vs lead" is a paired bootstrap of the ROUGE-1 difference.

Quality runs get each document's sentences from newsml.summarize.base.split_document (what
``summarize`` does on raw text), computed once. Speed: docs/s with time.perf_counter, end to end from
raw text (sentence splitting included) and from pre-split sentences (as after ``newsml prepare``),
with ``--threads`` intra-op threads for torch and ONNX Runtime (default 1: the 2-core machine is
often shared by several jobs; use 2 on a quiet machine). Peak memory: Python
heap peak via tracemalloc over 40 documents in a separate pass (tracemalloc does not see torch's
tensor allocations). The machine is shared (2 cores), so speeds are noisy lower bounds.

Usage::

    HF_HUB_OFFLINE=1 .venv/bin/python experiments/bench_summarize.py [--n 300] [--n-speed 100] [--train] [--quick]

``--train`` first retrains the shipped supervised model (newsml/summarize/models/news).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from newsml.experiment.measure import machine_summary  # noqa: E402
from newsml.experiment.rundir import environment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
METRICS = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


# --------------------------------------------------------------------------- sumy peers
class OfflineTokenizer:
    """sumy tokenizer without NLTK data: newsml sentences + a regex word tokenizer."""

    language = "english"
    _WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

    def to_sentences(self, paragraph):
        from newsml.summarize.base import _default_splitter

        return tuple(_default_splitter()(paragraph))

    def to_words(self, sentence):
        return tuple(self._WORD.findall(sentence))


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

        out = []
        for d in docs:
            parser = PlaintextParser.from_string(d["body"], self.tokenizer)
            n = len(parser.document.sentences)
            k = max_sentences if max_sentences is not None else max(1, round(ratio * n))
            out.append(" ".join(str(s) for s in self.impl(parser.document, k)))
        return out


# --------------------------------------------------------------------------- scoring
def rouge_scores(preds, refs, ref_lines):
    from rouge_score import rouge_scorer

    from newsml.summarize.base import _default_splitter

    split = _default_splitter()
    scorer = rouge_scorer.RougeScorer(METRICS, use_stemmer=True)
    out = {m: [] for m in METRICS}
    for p, r, r_l in zip(preds, refs, ref_lines):
        p_l = "\n".join(split(p)) if p.strip() else ""
        s = scorer.score(r, p)
        s_l = scorer.score(r_l, p_l)
        for m in METRICS:
            out[m].append((s_l if m == "rougeLsum" else s)[m].fmeasure)
    return {m: np.array(v) for m, v in out.items()}


def ci_dict(values):
    from newsml.evaluate import bootstrap_ci

    ci = bootstrap_ci(values, n_boot=1000, seed=0)
    return {"value": round(100 * ci.value, 2), "low": round(100 * ci.low, 2), "high": round(100 * ci.high, 2)}


# --------------------------------------------------------------------------- runner
def build(name):
    import newsml

    if name.startswith("sumy-"):
        return SumyPeer(name.split("-", 1)[1])
    if name == "supervised-noprior":
        return newsml.get_summarizer("supervised", lead_prior=0.0)
    if name in ("centroid+pos", "mmr+pos"):
        return newsml.get_summarizer(name.split("+")[0], position_weight=0.5)
    if name in ("centroid-torch", "mmr-torch"):  # the sentence-transformers (fp32 torch) encoder
        return newsml.get_summarizer(name.split("-")[0], backend="torch")
    return newsml.get_summarizer(name)


def run_system(name, system, docs, limits):
    if isinstance(system, SumyPeer):
        return system.summarize(docs, **limits)
    # the sentences split_document() gives for the raw text, computed once per document
    inputs = [{"text": d["text"], "title": d["title"], "sentences": d["sentences"],
               "paragraph_first": d["firsts"]} for d in docs]
    return [s.text for s in system.summarize(inputs, **limits)]


def timed(name, system, docs, limits, presplit):
    if hasattr(system, "_emb_cache"):
        del system._emb_cache  # time real encoding, not the embeddings kept from the quality run
    if isinstance(system, SumyPeer):
        if presplit:
            return None
        t = time.perf_counter()
        system.summarize(docs, **limits)
        return len(docs) / (time.perf_counter() - t)
    if presplit:
        inputs = [{"text": d["text"], "title": d["title"], "sentences": d["sentences"]} for d in docs]
    else:
        inputs = [{"text": d["text"], "title": d["title"]} for d in docs]
    t = time.perf_counter()
    system.summarize(inputs, **limits)
    return len(docs) / (time.perf_counter() - t)


def peak_memory(system, docs, limits):
    if hasattr(system, "_emb_cache"):
        del system._emb_cache
    from newsml.experiment.measure import peak_memory_mib

    return round(peak_memory_mib(lambda: run_system("", system, docs, limits)), 2)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="held-out documents per dataset")
    ap.add_argument("--n-speed", type=int, default=100, help="documents per speed measurement")
    ap.add_argument("--train", action="store_true", help="retrain the shipped supervised model first")
    ap.add_argument("--quick", action="store_true", help="no embedding methods (fast check)")
    ap.add_argument("--systems", default=None, help="comma-separated systems (default: all)")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--merge", action="store_true",
                    help="update only the systems run here in an existing summarize.json")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch/ONNX intra-op threads (1 is much faster when other jobs share the CPU)")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from newsml.evaluate import paired_bootstrap
    from newsml.summarize.base import _default_splitter

    split = _default_splitter()
    from newsml.summarize.base import split_document, strip_lead
    from newsml.summarize.train import load_pairs, shared_data_dir, train_default

    data_dir = shared_data_dir()
    if not (data_dir / "bbc_news_summary").exists():
        print(f"shared data not found at {data_dir}; nothing to benchmark", file=sys.stderr)
        return 0
    train_info = None
    if args.train:
        t = time.perf_counter()
        model = train_default()
        train_info = {"train_docs": model.n_train_docs_, "seconds": round(time.perf_counter() - t, 1)}
        print("trained shipped model:", train_info, flush=True)

    systems = ["lead", "textrank", "lexrank", "supervised", "supervised-noprior", "centroid", "mmr",
               "mmr+pos", "centroid-torch", "mmr-torch", "sumy-lexrank", "sumy-textrank"]
    if args.quick:
        systems = [s for s in systems if not s.startswith(("centroid", "mmr"))]
    if args.systems:
        systems = args.systems.split(",")
    settings = {"bbc": ("bbc", {"ratio": 0.4}), "bbc3": ("bbc", {"max_sentences": 3}),
                "xsum": ("xsum", {"max_sentences": 1})}
    data = {}
    for ds in ("bbc", "xsum"):
        pairs = load_pairs(ds, data_dir, "test", limit=args.n)
        for p in pairs:
            p["body"] = strip_lead(p["text"])
            p["sentences"], p["firsts"] = split_document(p["text"])
            p["ref_lines"] = "\n".join(split(p["summary"]))
        data[ds] = pairs
    built = {}
    results = {"settings": {}, "machine": f"{machine_summary()} at start, {args.threads} torch/ONNX thread(s)",
               "python": environment()["python"], "train": train_info,
               "command": "python experiments/bench_summarize.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    for setting, (ds, limits) in settings.items():
        docs = data[ds]
        refs = [d["summary"] for d in docs]
        block = {"dataset": ds, "n_docs": len(docs), "n_speed_docs": min(len(docs), args.n_speed),
                 "limits": limits, "systems": {}}
        per_doc = {}
        for name in systems:
            try:
                system = built.get(name) or build(name)
                built[name] = system
            except Exception as exc:  # noqa: BLE001 - report and go on
                print(f"{name}: cannot build: {exc}", file=sys.stderr)
                continue
            preds = run_system(name, system, docs, limits)
            scores = rouge_scores(preds, refs, [d["ref_lines"] for d in docs])
            per_doc[name] = scores
            row = {m: ci_dict(v) for m, v in scores.items()}
            row["avg_words"] = round(float(np.mean([len(p.split()) for p in preds])), 1)
            if setting != "bbc3":
                tdocs = docs[: args.n_speed]
                row["docs_per_s_raw"] = round(timed(name, system, tdocs, limits, False), 1)
                sp = timed(name, system, tdocs, limits, True)
                row["docs_per_s_presplit"] = None if sp is None else round(sp, 1)
                row["peak_mem_mib"] = peak_memory(system, docs[:40], limits)
                if name in ("lead", "textrank", "lexrank"):
                    fast = build(name).set_params(splitter="fast")
                    row["docs_per_s_raw_fast"] = round(timed(name, fast, tdocs, limits, False), 1)
            if name != "lead" and "lead" in per_doc:
                pr = paired_bootstrap(scores["rouge1"], per_doc["lead"]["rouge1"], n_boot=1000, seed=0)
                row["r1_vs_lead"] = {"diff": round(100 * pr.diff.value, 2), "low": round(100 * pr.diff.low, 2),
                                     "high": round(100 * pr.diff.high, 2), "p": round(pr.p_value, 4)}
            block["systems"][name] = row
            print(setting, name, {m: row[m]["value"] for m in METRICS}, row.get("docs_per_s_raw"), flush=True)
        results["settings"][setting] = block
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.merge and (out / "summarize.json").exists():
        results = merge_results(json.loads((out / "summarize.json").read_text()), results)
    (out / "summarize.json").write_text(json.dumps(results, indent=2))
    (out / "summarize.md").write_text(to_markdown(results))
    print((out / "summarize.md").read_text())
    return 0


def merge_results(old: dict, new: dict) -> dict:
    """``old`` results with the systems measured in ``new`` replaced or added (``--merge``)."""
    for setting, block in new["settings"].items():
        if setting in old["settings"]:
            merged = old["settings"][setting]
            merged["systems"].update(block["systems"])
            block["systems"] = merged["systems"]
    old["settings"].update(new["settings"])
    old["command"] = f"{old.get('command', '')}; then {new['command']}"
    return old


def to_markdown(results):
    lines = ["# Summarisation benchmark (experiments/bench_summarize.py)", "",
             f"Command: `{results.get('command', '')}`", "",
             "ROUGE F1 x100 with 95% bootstrap CIs (rouge-score, Porter stemming, default tokenizer; "
             "Lsum on newsml sentences). Held-out documents only. "
             f"Machine: {results['machine']}. docs/s raw = from raw text incl. sentence splitting; "
             "fast splitter = splitter='fast' (regex) instead of newsml.data.split_sentences (pysbd); "
             "presplit = from pre-split sentences; peak = Python heap (tracemalloc, 40 docs). "
             "supervised = the shipped model (DEFAULT_SUMMARIZER, lead_prior=2); supervised-noprior = "
             "same weights, lead_prior=0; +pos = position_weight=0.5; centroid/mmr use the int8 ONNX encoder "
             "(the default), -torch = the same with the sentence-transformers torch encoder.", ""]
    for note in results.get("notes", []):
        lines += [f"Note: {note}", ""]
    if results.get("train"):
        lines += [f"Shipped supervised model retrained in this run: {results['train']}", ""]
    for setting, block in results["settings"].items():
        lines += [f"## {setting}: {block['dataset']} held-out, n={block['n_docs']} (speed on the first "
                  f"{block.get('n_speed_docs')}), limits {block['limits']}", "",
                  "| system | ROUGE-1 | ROUGE-2 | ROUGE-L | ROUGE-Lsum | words | R1 vs lead | docs/s raw | "
                  "docs/s raw, fast splitter | docs/s presplit | peak MiB |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for name, row in block["systems"].items():
            cells = [f"{row[m]['value']:.2f} [{row[m]['low']:.2f}, {row[m]['high']:.2f}]" for m in METRICS]
            vs = row.get("r1_vs_lead")
            vs_s = f"{vs['diff']:+.2f} [{vs['low']:+.2f}, {vs['high']:+.2f}]" if vs else "—"
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {row['avg_words']} | {vs_s} | "
                         f"{row.get('docs_per_s_raw', '—')} | {row.get('docs_per_s_raw_fast', '—')} | "
                         f"{row.get('docs_per_s_presplit') or '—'} | "
                         f"{row.get('peak_mem_mib', '—')} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
