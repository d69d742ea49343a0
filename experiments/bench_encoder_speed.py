"""Speed and quality of the sentence-encoder backends behind the centroid / MMR summarisers, in one run.

Backends (newsml.encoders): ``torch`` = sentence-transformers fp32 (the old default), ``onnx`` = the
ONNX Runtime export in fp32, ``onnx-int8`` = the same with int8 per-channel weights (the summariser
default: ``backend="auto", quantize=True``), ``onnx-int8-48`` = int8 with sentences cut to 48 word
pieces (the ``max_tokens=48`` option). The first three embed whole sentences (up to the model's 256).

Measured on BBC News Summary held-out documents (the test split of `newsml prepare bbc`, newsml.summarize.train.prepared_split):

1. export: seconds to export + quantise + check the ONNX model into an empty cache folder (first
   use on a clean machine), and the probe-sentence cosines stored with it.
2. encoder: sentences/s over all sentences of the speed documents (each backend encodes the same
   list, length-sorted batches; ONNX batch 16, torch batch 64, the defaults) and cosine of each
   sentence's vector to the torch fp32 one.
3. summariser speed: docs/s of centroid and MMR on ``--n-speed`` documents, from raw text (sentence
   splitting included) and from pre-split sentences, with torch/ONNX Runtime limited to 1 and to 2
   threads; ``--repeats`` interleaved repeats (torch, int8, torch, int8, ...) so that load from
   other jobs hits both alike; the table gives the median and the min-max. Load averages are
   recorded around each block.
4. quality: ROUGE F1 x100 on ``--n`` documents (rouge-score with Porter stemming, as in
   bench_summarize.py) with 95% percentile bootstrap CIs (newsml.evaluate.bootstrap_ci, 1,000
   resamples), for the ``bbc`` (ratio 0.4) and ``bbc3`` (3 sentences) settings, plus a paired
   bootstrap of the ROUGE-1 difference to the torch backend.
5. peak Python heap (tracemalloc) while summarising 40 documents; ONNX Runtime and torch tensor
   memory is outside the Python heap (use ``/usr/bin/time -v`` on the whole run for max RSS).

Usage::

    HF_HUB_OFFLINE=1 .venv/bin/python experiments/bench_encoder_speed.py [--n 200] [--n-speed 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, write_pair  # noqa: E402

BACKENDS = {"torch": {"backend": "torch", "quantize": False, "max_tokens": None},
            "onnx": {"backend": "onnx", "quantize": False, "max_tokens": None},
            "onnx-int8": {"backend": "onnx", "quantize": True, "max_tokens": None},
            "onnx-int8-48": {"backend": "onnx", "quantize": True, "max_tokens": 48}}
#: the summariser speed table compares these (old default, new default, new default + max_tokens=48)
SPEED_BACKENDS = ("torch", "onnx-int8", "onnx-int8-48")


def load() -> list[float] | None:
    from newsml.experiment.measure import load_average

    return load_average()


def summarizer(system: str, backend: str):
    import newsml

    return newsml.get_summarizer(system, **BACKENDS[backend])


def docs_per_s(system, docs, limits, presplit: bool) -> float:
    if hasattr(system, "_emb_cache"):
        del system._emb_cache  # time real encoding
    key = ("text", "title", "sentences") if presplit else ("text", "title")
    inputs = [{k: d[k] for k in key} for d in docs]
    t = time.perf_counter()
    system.summarize(inputs, **limits)
    return len(docs) / (time.perf_counter() - t)


def peak_heap(system, docs, limits) -> float:
    if hasattr(system, "_emb_cache"):
        del system._emb_cache
    from newsml.experiment.measure import peak_memory_mib

    inputs = [{"text": d["text"], "title": d["title"], "sentences": d["sentences"]} for d in docs]
    return round(peak_memory_mib(lambda: system.summarize(inputs, **limits)), 2)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="held-out documents for ROUGE")
    ap.add_argument("--n-speed", type=int, default=100, help="documents per speed measurement")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved repeats per speed cell")
    ap.add_argument("--threads", default="1,2", help="thread counts to time")
    ap.add_argument("--systems", default="centroid,mmr")
    ap.add_argument("--warm-cache", action="store_true",
                    help="use the normal ONNX cache instead of timing an export into an empty folder")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)

    import torch

    from newsml import encoders
    from newsml.data.article import split_document
    from newsml.data.recipes import shared_data_dir
    from newsml.summarize.train import prepared_split

    data_dir = shared_data_dir()
    if not (data_dir / "bbc_news_summary").exists():
        print(f"shared data not found at {data_dir}; nothing to benchmark", file=sys.stderr)
        return 0
    rows, _ = prepared_split("bbc", "test", os.environ.get("NEWSML_BENCH_CACHE"), data_dir)
    docs = [{"id": r["id"], "text": r["text"], "title": r["title"], "summary": r["summary"]} for r in rows[: max(args.n, args.n_speed)]]
    for d in docs:
        d["sentences"], d["firsts"] = split_document(d["text"])
    speed_docs = docs[: args.n_speed]
    systems = args.systems.split(",")
    threads = [int(t) for t in args.threads.split(",")]
    res: dict = {"n_docs": len(docs[: args.n]), "n_speed_docs": len(speed_docs)}
    try:
        import onnxruntime  # noqa: F401 - only its presence (the version is in the environment record)
    except ImportError:
        print("onnxruntime is not installed: only the torch backend can be measured", file=sys.stderr)
        return 1

    # 1. export into an empty cache folder --------------------------------------------------
    torch.set_num_threads(1)
    encoders.load_encoder(None)  # the torch model is loaded anyway; time the export itself
    tmp = None
    if not args.warm_cache:
        tmp = tempfile.TemporaryDirectory(prefix="newsml-onnx-")
        os.environ["NEWSML_CACHE"] = tmp.name
    t = time.perf_counter()
    folder = encoders.export_onnx()
    res["export"] = {"seconds": round(time.perf_counter() - t, 1), "cold": not args.warm_cache,
                     "meta": json.loads((folder / "meta.json").read_text()),
                     "mib": {p.name: round(p.stat().st_size / 2**20, 1) for p in folder.glob("*.onnx")}}
    print("export", res["export"], flush=True)

    # 2. encoder-level speed and agreement ---------------------------------------------------
    sents = list(dict.fromkeys(s for d in speed_docs for s in d["sentences"]))
    res["encoder"] = encoder_speed(sents, threads, args.repeats)
    # 3. summariser speed ---------------------------------------------------------------------
    res["speed"] = summariser_speed(systems, threads, speed_docs, args.repeats)
    # 4./5. quality and heap --------------------------------------------------------------------
    torch.set_num_threads(max(threads))
    qdocs = docs[: args.n]
    built = {(name, b): summarizer(name, b) for name in systems for b in BACKENDS}  # embeddings kept
    res["quality"] = quality(systems, built, qdocs)
    res["peak_heap_mib"] = {f"{name}|{b}": peak_heap(s, qdocs[:40], {"ratio": 0.4})
                            for (name, b), s in built.items()}
    if tmp is not None:
        tmp.cleanup()
    write_pair("encoder_speed", res, to_markdown(res), results_dir=args.out, echo=True)
    return 0


def encoder_speed(sents: list[str], threads: list[int], repeats: int) -> dict:
    """Sentences/s of every backend per thread count (interleaved repeats) and cosine to torch."""
    import torch

    from newsml import encoders

    out: dict = {"n_sentences": len(sents),
                 "mean_words": round(float(np.mean([len(s.split()) for s in sents])), 1), "threads": {}}
    for nt in threads:
        torch.set_num_threads(nt)
        for b in BACKENDS:  # warm-up
            encoders.encode(sents[:32], **BACKENDS[b])
        times: dict[str, list[float]] = {b: [] for b in BACKENDS}
        vecs = {}
        before = load()
        for _ in range(max(1, repeats - 1)):
            for b in BACKENDS:
                t = time.perf_counter()
                vecs[b] = encoders.encode(sents, **BACKENDS[b])
                times[b].append(len(sents) / (time.perf_counter() - t))
        block = {"load": [before, load()]}
        for b in BACKENDS:
            cos = (vecs[b] * vecs["torch"]).sum(axis=1)
            block[b] = {"sent_per_s": [round(x, 1) for x in times[b]],
                        "median": round(statistics.median(times[b]), 1),
                        "cos_mean": round(float(cos.mean()), 4), "cos_min": round(float(cos.min()), 4)}
        out["threads"][str(nt)] = block
        print("encoder", nt, {b: (block[b]["median"], block[b]["cos_mean"]) for b in BACKENDS}, flush=True)
    return out


def summariser_speed(systems: list[str], threads: list[int], speed_docs: list[dict], repeats: int) -> dict:
    """Docs/s of each summariser per speed backend, raw and pre-split input, interleaved repeats."""
    import torch

    limits = {"ratio": 0.4}
    out: dict = {}
    for nt in threads:
        torch.set_num_threads(nt)
        for name in systems:
            built = {b: summarizer(name, b) for b in SPEED_BACKENDS}
            for s in built.values():
                s.summarize([d["text"] for d in speed_docs[:3]], **limits)  # load models, sessions
            for presplit in (False, True):
                cell = {b: [] for b in built}
                before = load()
                for _ in range(repeats):
                    for b, s in built.items():
                        cell[b].append(docs_per_s(s, speed_docs, limits, presplit))
                key = f"{name}|{'presplit' if presplit else 'raw'}|{nt}"
                out[key] = {"load": [before, load()]}
                for b, v in cell.items():
                    out[key][b] = {"docs_per_s": [round(x, 2) for x in v], "median": round(statistics.median(v), 2)}
                print("speed", key, {b: out[key][b]["median"] for b in built}, out[key]["load"], flush=True)
    return out


def quality(systems: list[str], built: dict, qdocs: list[dict]) -> dict:
    """ROUGE with CIs per setting, system and backend; paired difference and agreement with torch."""
    from bench_summarize import ci_dict, rouge_scores

    from newsml.evaluate import paired_bootstrap

    refs = [d["summary"] for d in qdocs]
    inputs = [{"text": d["text"], "title": d["title"], "sentences": d["sentences"],
               "paragraph_first": d["firsts"]} for d in qdocs]
    out: dict = {}
    for setting, lim in (("bbc", {"ratio": 0.4}), ("bbc3", {"max_sentences": 3})):
        for name in systems:
            per_doc, preds = {}, {}
            for b in BACKENDS:
                preds[b] = [x.text for x in built[name, b].summarize(inputs, **lim)]
                per_doc[b] = rouge_scores(preds[b], refs)
                row = {m: ci_dict(v) for m, v in per_doc[b].items()}
                if b != "torch":
                    pr = paired_bootstrap(per_doc[b]["rouge1"], per_doc["torch"]["rouge1"], n_boot=1000, seed=0)
                    row["r1_vs_torch"] = {"diff": round(100 * pr.diff.value, 2),
                                          "low": round(100 * pr.diff.low, 2),
                                          "high": round(100 * pr.diff.high, 2), "p": round(pr.p_value, 4)}
                    row["same_summary"] = round(float(np.mean(
                        [a == c for a, c in zip(preds[b], preds["torch"])])), 3)
                out[f"{setting}|{name}|{b}"] = row
                print("quality", setting, name, b, row["rouge1"], row.get("r1_vs_torch"), flush=True)
    return out


def _rng(v: list[float]) -> str:
    return f"{min(v):.1f}-{max(v):.1f}"


def to_markdown(res: dict) -> str:
    ex = res["export"]
    check = ex["meta"].get("check", {})
    lines = ["# Encoder backends for the embedding summarisers (experiments/bench_encoder_speed.py)", "",
             "The 2 cores are shared with other jobs (command, machine, versions and load averages: the "
             "environment line at the end), so absolute speeds are noisy; backends were timed interleaved in "
             "the same run.", "",
             "Backends: torch = sentence-transformers fp32 (old default); onnx = ONNX Runtime export, "
             "fp32; onnx-int8 = ONNX Runtime, int8 per-channel dynamic quantisation (new default of "
             "centroid/mmr: backend='auto', quantize=True); onnx-int8-48 = the same with sentences cut to "
             "their first 48 word pieces (option max_tokens=48). Encoder: all-MiniLM-L6-v2 (embedded).", "",
             f"## One-time export (first use, {'empty' if ex['cold'] else 'existing'} cache)", "",
             f"{ex['seconds']} s (export + int8 quantisation + probe check); files {ex['mib']} MiB. "
             f"Probe cosine to torch: fp32 min {check.get('fp32_min_cos')}, int8 min "
             f"{check.get('int8_min_cos')} / mean {check.get('int8_mean_cos')}.", "",
             f"## Encoder: {res['encoder']['n_sentences']} distinct sentences of the speed documents "
             f"({res['encoder']['mean_words']} words on average)", "",
             "| threads | backend | sentences/s median | runs | cosine to torch mean | min | load before/after |",
             "|---|---|---|---|---|---|---|"]
    for nt, block in res["encoder"]["threads"].items():
        for b in BACKENDS:
            r = block[b]
            lines.append(f"| {nt} | {b} | {r['median']} | {_rng(r['sent_per_s'])} | {r['cos_mean']} | "
                         f"{r['cos_min']} | {block['load'][0][0]} / {block['load'][1][0]} |")
    lines += ["", f"## Summariser speed: docs/s on {res['n_speed_docs']} held-out BBC documents, ratio 0.4", "",
              "raw = from raw text (sentence splitting included); presplit = sentences given. Median of "
              "the interleaved repeats, with min-max.", "",
              "| system | input | threads | " + " | ".join(f"{b} docs/s" for b in SPEED_BACKENDS)
              + " | speed-up of onnx-int8 | load before/after |",
              "|---|---|---|" + "---|" * len(SPEED_BACKENDS) + "---|---|"]
    for key, cell in res["speed"].items():
        name, mode, nt = key.split("|")
        cells = " | ".join(f"{cell[b]['median']} ({_rng(cell[b]['docs_per_s'])})" for b in SPEED_BACKENDS if b in cell)
        t, q = cell["torch"], cell["onnx-int8"]
        lines.append(f"| {name} | {mode} | {nt} | {cells} | x{q['median'] / t['median']:.2f} | "
                     f"{cell['load'][0][0]} / {cell['load'][1][0]} |")
    lines += ["", f"## Quality: ROUGE F1 x100 on {res['n_docs']} held-out BBC documents (95% bootstrap CIs)", "",
              "bbc = 40 % of the sentences, bbc3 = 3 sentences. 'R1 vs torch' = paired bootstrap of the "
              "ROUGE-1 difference to the torch backend; 'same' = share of documents whose summary is "
              "identical to the torch one.", "",
              "| setting | system | backend | ROUGE-1 | ROUGE-2 | ROUGE-L | R1 vs torch | same | peak heap MiB |",
              "|---|---|---|---|---|---|---|---|---|"]
    for key, row in res["quality"].items():
        setting, name, b = key.split("|")
        cells = [f"{row[m]['value']:.2f} [{row[m]['low']:.2f}, {row[m]['high']:.2f}]"
                 for m in ("rouge1", "rouge2", "rougeL")]
        vs = row.get("r1_vs_torch")
        vs_s = f"{vs['diff']:+.2f} [{vs['low']:+.2f}, {vs['high']:+.2f}]" if vs else "—"
        heap = res["peak_heap_mib"].get(f"{name}|{b}", "—") if setting == "bbc" else "—"
        lines.append(f"| {setting} | {name} | {b} | " + " | ".join(cells) +
                     f" | {vs_s} | {row.get('same_summary', '—')} | {heap} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
