"""Benchmark: preprocessing quality, speed and memory, against a naive peer baseline in the same run.

1. Sentence splitting on our hand-checked samples (tests/preprocess/fixtures/sentences_gold.jsonl, used while
   developing, and sentences_heldout.jsonl, written afterwards and not used for tuning):
   exact match of the whole sentence list per case and boundary F1, newsml vs plain pysbd.
2. BBC summary alignment: the share of reference-summary sentences that are found verbatim among the
   article's sentences (the reference summaries are extractive, so 1.0 is reachable). Our pipeline
   (normalisation + run-on repair + news splitter) vs naive (raw text, plain pysbd).
3. Throughput (docs/s, time.perf_counter) and peak Python memory (tracemalloc, separate run) of
   ``newsml.data.prepare`` on samples of bbc and reuters21578, vs the naive baseline: read the JSONL,
   plain pysbd, ``Dataset.from_list``, ``save_to_disk`` (no cleaning, leads, dedup or manifest).

4. Dedup memory: peak RSS growth of ``DuplicateFinder`` (add + groups) on 10k, 50k and 200k synthetic
   documents (each size in a fresh process), against the previous implementation (a datasketch
   ``MinHashLSH`` index, kept below as the baseline). Target: at most 2 KB per added document. Also the peak
   RSS of the whole ``prepare`` at 10k and 50k synthetic documents, projected to 1,000,000 (target < 4 GB).

Run:  HF_HUB_OFFLINE=1 .venv/bin/python experiments/bench_preprocess.py [--bbc 600] [--reuters 1500]
      ... --only-dedup [--dedup-sizes 10000,50000,200000|keep] [--prepare-sizes 10000,50000]   (just part 4)
Writes experiments/results/preprocess.json and preprocess.md (part 4 also preprocess_dedup.json/.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import numpy as np  # noqa: E402

from newsml.data import prepare  # noqa: E402
from newsml.data.normalize import normalize_text, repair_run_on_sentences  # noqa: E402
from newsml.data.recipes import shared_data_dir  # noqa: E402
from newsml.data.sentences import pysbd_sentences, split_sentences  # noqa: E402
from newsml.evaluate.bootstrap import bootstrap_ci, paired_bootstrap  # noqa: E402

GOLD = REPO / "tests" / "preprocess" / "fixtures" / "sentences_gold.jsonl"
HELDOUT = REPO / "tests" / "preprocess" / "fixtures" / "sentences_heldout.jsonl"


def _boundaries(sents: list[str]) -> set[int]:
    """Cumulative character offsets of sentence ends, ignoring whitespace."""
    out, pos = set(), 0
    for s in sents:
        pos += len("".join(s.split()))
        out.add(pos)
    return out


def sentence_accuracy(path: Path = GOLD) -> dict:
    gold = [json.loads(line) for line in path.open(encoding="utf-8")]
    res = {"n_cases": len(gold), "n_gold_sentences": sum(len(g["sentences"]) for g in gold)}
    exact = {}
    for name, fn in (("newsml", split_sentences), ("pysbd", pysbd_sentences)):
        ok, tp, fp, fn_ = [], 0, 0, 0
        for g in gold:
            pred = fn(g["text"])
            ok.append(float(pred == g["sentences"]))
            pb, gb = _boundaries(pred), _boundaries(g["sentences"])
            tp, fp, fn_ = tp + len(pb & gb), fp + len(pb - gb), fn_ + len(gb - pb)
        exact[name] = np.array(ok)
        p, r = tp / max(1, tp + fp), tp / max(1, tp + fn_)
        res[name] = {"exact_match": bootstrap_ci(exact[name], n_boot=2000, seed=0).to_dict(),
                     "boundary_precision": p, "boundary_recall": r, "boundary_f1": 2 * p * r / max(1e-9, p + r)}
    res["paired_newsml_minus_pysbd"] = paired_bootstrap(exact["newsml"], exact["pysbd"], n_boot=2000).to_dict()
    return res


def _read_jsonl(path: Path, limit: int):
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            yield json.loads(line)


def bbc_summary_alignment(path: Path, limit: int) -> dict:
    ours, naive = [], []
    for rec in _read_jsonl(path, limit):
        body = rec["text"].split("\n", 1)[1] if "\n" in rec["text"] else rec["text"]
        art = set(split_sentences(normalize_text(body)))
        summ = split_sentences(repair_run_on_sentences(normalize_text(rec["summary"]))[0])
        ours.append(np.mean([s in art for s in summ]) if summ else 0.0)
        art_n = set(pysbd_sentences(body))
        summ_n = pysbd_sentences(rec["summary"])
        naive.append(np.mean([s in art_n for s in summ_n]) if summ_n else 0.0)
    ours, naive = np.array(ours), np.array(naive)
    return {"n_docs": len(ours), "newsml": bootstrap_ci(ours, n_boot=2000).to_dict(),
            "naive_pysbd": bootstrap_ci(naive, n_boot=2000).to_dict(),
            "paired_newsml_minus_naive": paired_bootstrap(ours, naive, n_boot=2000).to_dict()}


def naive_prepare(path: Path, out: Path, limit: int) -> int:
    from datasets import Dataset

    rows = []
    for rec in _read_jsonl(path, limit):
        rows.append({"id": str(rec["id"]), "text": rec["text"], "sentences": pysbd_sentences(rec["text"]),
                     "labels": [str(x) for x in rec.get("labels", [])], "summary": rec.get("summary")})
    Dataset.from_list(rows).save_to_disk(str(out))
    return len(rows)


def _timed(fn, *, memory: bool):
    from newsml.experiment.measure import measured

    m = measured(fn, memory=memory)
    return m.result, m.seconds, m.peak_mib


def throughput(name: str, file: Path, limit: int, tmp: Path) -> dict:
    import datasets

    datasets.disable_progress_bars()
    out: dict = {"sample_docs": limit}
    for system in ("newsml", "naive"):
        def run(system=system):
            target = tmp / f"{name}-{system}"
            shutil.rmtree(target, ignore_errors=True)
            if system == "newsml":
                return prepare(name, target, data_dir=str(file.parents[1]), limit=limit, progress=False)[1][
                    "totals"]["written"]
            return naive_prepare(file, target, limit)

        n, dt, _ = _timed(run, memory=False)
        _, _, peak = _timed(run, memory=True)
        out[system] = {"docs": n, "seconds": round(dt, 2), "docs_per_s": round(n / dt, 1),
                       "peak_tracemalloc_mib": round(peak, 1)}
    return out


# ----------------------------------------------------------------------------------------- dedup memory
class LshIndexFinder:
    """Baseline: the previous DuplicateFinder (a datasketch MinHashLSH index plus one LeanMinHash per document)."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, shingle: int = 3, seed: int = 1):
        self.threshold, self.num_perm, self.shingle, self.seed = threshold, num_perm, shingle, seed
        self._ids, self._parent, self._kind, self._exact, self._sigs = [], [], {}, {}, []
        self._lsh = self._perms = self._scheme = None

    def _find(self, i):
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def _union(self, a, b, kind):
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            lo, hi = min(ra, rb), max(ra, rb)
            self._parent[hi] = lo
            self._kind[lo] = "near" if "near" in {self._kind.get(ra), self._kind.get(rb), kind} else "exact"

    def add(self, doc_id, text):
        import hashlib
        import re

        from datasketch import LeanMinHash, MinHash, MinHashLSH

        idx = len(self._ids)
        self._ids.append(str(doc_id))
        self._parent.append(idx)
        words = re.findall(r"\w+", text.lower())
        key = hashlib.sha1(" ".join(words).encode("utf-8")).digest()
        if key in self._exact:
            self._union(self._exact[key], idx, "exact")
            self._sigs.append(None)
            return
        self._exact[key] = idx
        if self._lsh is None:
            self._lsh = MinHashLSH(threshold=max(0.05, self.threshold - 0.15), num_perm=self.num_perm)
            proto = MinHash(num_perm=self.num_perm, seed=self.seed)
            self._perms, self._scheme = proto.permutations, proto.scheme
        k = self.shingle
        shingles = {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}
        mh = MinHash(num_perm=self.num_perm, seed=self.seed, permutations=self._perms, scheme=self._scheme)
        mh.update_batch([s.encode("utf-8") for s in shingles])
        lean = LeanMinHash(mh)
        for other in self._lsh.query(lean):
            if lean.jaccard(self._sigs[other]) >= self.threshold:
                self._union(other, idx, "near")
        self._lsh.insert(idx, lean)
        self._sigs.append(lean)

    def groups(self):
        members: dict[int, list[int]] = {}
        for i in range(len(self._ids)):
            members.setdefault(self._find(i), []).append(i)
        return [m for m in members.values() if len(m) > 1]


def synthetic_documents(n: int, seed: int = 0):
    """``n`` short synthetic news-like documents (about 60 words; every 20th a near copy of an earlier one)."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(5000)])
    recent: list[str] = []
    for i in range(n):
        if i % 20 == 19 and recent:
            words = recent[int(rng.integers(len(recent)))].split()
            words[int(rng.integers(len(words)))] = str(vocab[int(rng.integers(len(vocab)))])
            text = " ".join(words)
        else:
            text = " ".join(vocab[rng.integers(0, len(vocab), 60)])
        recent = (recent + [text])[-50:]
        yield f"doc-{i:07d}", text


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def dedup_worker(impl: str, n: int) -> dict:
    """Run in a fresh process: RSS before, peak RSS after adding ``n`` documents and grouping them."""
    from newsml.data.dedup import DuplicateFinder

    finder = DuplicateFinder() if impl == "newsml" else LshIndexFinder()
    finder.add("warm", "warm up the minhash permutations and imports once")
    before = _rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    for doc_id, text in synthetic_documents(n):
        finder.add(doc_id, text)
    n_groups = len(finder.groups())
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"impl": impl, "docs": n, "rss_before_kib": before, "peak_before_kib": peak_before,
            "peak_kib": peak, "growth_kib": peak - max(before, peak_before) if peak > peak_before else peak - before,
            "seconds": round(dt, 2), "docs_per_s": round(n / dt, 1), "groups": n_groups}


def prepare_worker(n: int) -> dict:
    """Run in a fresh process: peak RSS of ``prepare`` (dedup report, 80/10/10 split) on ``n`` synthetic documents."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-prepare-mem-"))
    try:
        src = tmp / "docs.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for doc_id, text in synthetic_documents(n):
                words = text.split()
                body = " ".join(words[:20]).capitalize() + ". " + " ".join(words[20:40]) + ". " + " ".join(words[40:])
                fh.write(json.dumps({"id": doc_id, "text": body + ".", "label": words[0][:2]}) + "\n")
        prepare(src, tmp / "warm", limit=50, progress=False)
        before = _rss_kib()
        t0 = time.perf_counter()
        _, m = prepare(src, tmp / "out", progress=False)
        dt = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"impl": "prepare", "docs": n, "rss_before_kib": before, "peak_kib": peak, "seconds": round(dt, 1),
                "docs_per_s": round(n / dt, 1), "written": m["totals"]["written"]}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prepare_memory(sizes: list[int]) -> dict:
    import subprocess

    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--prepare-worker", str(n)], capture_output=True, text=True,
                             check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"prepare {n}: {rows[-1]}", file=sys.stderr)
    lo, hi = rows[0], rows[-1]
    per_doc = (hi["peak_kib"] - lo["peak_kib"]) * 1024 / (hi["docs"] - lo["docs"]) if len(rows) > 1 else None
    return {"runs": rows, "bytes_per_added_document": round(per_doc, 1) if per_doc else None,
            "projected_peak_gib_1m": round((lo["peak_kib"] * 1024 + per_doc * (1_000_000 - lo["docs"])) / 2**30, 2)
            if per_doc else None, "load_avg": os.getloadavg()}


def dedup_memory(sizes: list[int]) -> dict:
    import subprocess

    rows = []
    for impl in ("newsml", "datasketch_lsh_baseline"):
        for n in sizes:
            out = subprocess.run([sys.executable, __file__, "--dedup-worker", impl, str(n)], capture_output=True,
                                 text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"dedup {impl} {n}: {rows[-1]}", file=sys.stderr)
    slopes = {}
    for impl in ("newsml", "datasketch_lsh_baseline"):
        r = {x["docs"]: x for x in rows if x["impl"] == impl}
        lo, hi = min(sizes), max(sizes)
        slopes[impl] = {f"{a}->{b}": round((r[b]["peak_kib"] - r[a]["peak_kib"]) * 1024 / (b - a), 1)
                        for a, b in zip(sorted(sizes), sorted(sizes)[1:])}
        slopes[impl][f"{lo}->{hi}"] = round((r[hi]["peak_kib"] - r[lo]["peak_kib"]) * 1024 / (hi - lo), 1)
    return {"sizes": sizes, "runs": rows, "bytes_per_added_document": slopes, "target_bytes": 2048,
            "load_avg": os.getloadavg()}


def write_prepare_md(p: dict) -> str:
    lines = ["## `prepare` peak RSS (whole pipeline, synthetic documents)", "",
             "| documents | peak RSS MiB | docs/s | written |", "|---|---|---|---|"]
    for r in p["runs"]:
        lines.append(f"| {r['docs']:,} | {r['peak_kib'] / 1024:.0f} | {r['docs_per_s']} | {r['written']:,} |")
    lines += ["", f"Peak RSS grows by {p['bytes_per_added_document']:,.0f} bytes per added document; a straight-line "
              f"projection to 1,000,000 documents gives {p['projected_peak_gib_1m']} GiB (target: under 4 GB). "
              f"Load average: {', '.join(f'{x:.1f}' for x in p['load_avg'])}."]
    return "\n".join(lines) + "\n"


def write_dedup_md(d: dict) -> str:
    lines = ["## Dedup memory (peak RSS growth per added document)", "",
             "Each size runs in a fresh process; peak RSS is `ru_maxrss` after adding every document and "
             "computing the groups. Synthetic documents of about 60 words, 5% near copies. "
             f"Load average during the run: {', '.join(f'{x:.1f}' for x in d['load_avg'])} (2 shared cores).", "",
             "| implementation | documents | peak RSS MiB | growth over start MiB | docs/s | groups |",
             "|---|---|---|---|---|---|"]
    for r in d["runs"]:
        lines.append(f"| {r['impl']} | {r['docs']:,} | {r['peak_kib'] / 1024:.0f} | "
                     f"{(r['peak_kib'] - r['rss_before_kib']) / 1024:.0f} | {r['docs_per_s']} | {r['groups']} |")
    lines += ["", "| implementation | " + " | ".join(f"bytes/doc {k}" for k in d["bytes_per_added_document"]["newsml"])
              + " |", "|---|" + "---|" * len(d["bytes_per_added_document"]["newsml"])]
    for impl, sl in d["bytes_per_added_document"].items():
        lines.append(f"| {impl} | " + " | ".join(f"{v:,.0f}" for v in sl.values()) + " |")
    lines += ["", f"Target: at most {d['target_bytes']} bytes per added document (1,000,000 documents under "
              "4 GB peak for `prepare`). Memory is deterministic up to the allocator, so no CI is given; "
              "the slope over the widest range is the figure to read."]
    return "\n".join(lines) + "\n"


def write_md(res: dict) -> str:
    lines = ["# Preprocessing benchmark", "",
             "2 CPU cores shared with other jobs, timings are indicative (machine, date and load averages: the "
             "environment line at the end).", "", "## Sentence splitting (exact boundary match)", "",
             "| sample | splitter | exact match per case [95% CI] | boundary P | boundary R | boundary F1 |",
             "|---|---|---|---|---|---|"]
    for key, label in (("sentences", "development"), ("sentences_heldout", "held-out")):
        s = res[key]
        for name in ("newsml", "pysbd"):
            e = s[name]["exact_match"]
            lines.append(f"| {label} ({s['n_cases']} cases, {s['n_gold_sentences']} sentences) | "
                         f"{name if name == 'newsml' else 'plain pysbd (baseline)'} | {e['value']:.3f} "
                         f"[{e['low']:.3f}, {e['high']:.3f}] | {s[name]['boundary_precision']:.3f} | "
                         f"{s[name]['boundary_recall']:.3f} | {s[name]['boundary_f1']:.3f} |")
    d, h = res["sentences"]["paired_newsml_minus_pysbd"], res["sentences_heldout"]["paired_newsml_minus_pysbd"]
    lines += ["", f"Paired difference newsml - pysbd: development {d['diff']['value']:+.3f} "
              f"[{d['diff']['low']:+.3f}, {d['diff']['high']:+.3f}] (p = {d['p_value']:.3f}); held-out "
              f"{h['diff']['value']:+.3f} [{h['diff']['low']:+.3f}, {h['diff']['high']:+.3f}] (p = {h['p_value']:.3f}). "
              "Both samples are our own sentences; the development one was written while building the fixes, "
              "the held-out one afterwards and was not used to change the code.", ""]
    if "bbc_alignment" in res:
        a = res["bbc_alignment"]
        lines += [f"## BBC summary sentences found verbatim in the article ({a['n_docs']} documents)", "",
                  "| pipeline | share aligned [95% CI] |", "|---|---|",
                  f"| newsml (normalise + repair + news splitter) | {a['newsml']['value']:.3f} "
                  f"[{a['newsml']['low']:.3f}, {a['newsml']['high']:.3f}] |",
                  f"| naive (raw text, plain pysbd) | {a['naive_pysbd']['value']:.3f} "
                  f"[{a['naive_pysbd']['low']:.3f}, {a['naive_pysbd']['high']:.3f}] |", ""]
    if "throughput" in res:
        lines += ["## Throughput and memory", "",
                  "| data | sample | system | docs/s | seconds | peak tracemalloc MiB |", "|---|---|---|---|---|---|"]
        for name, t in res["throughput"].items():
            for system, label in (("newsml", "newsml.data.prepare"), ("naive", "naive baseline")):
                r = t[system]
                lines.append(f"| {name} | {t['sample_docs']} | {label} | {r['docs_per_s']} | {r['seconds']} | "
                             f"{r['peak_tracemalloc_mib']} |")
        lines += ["", f"Max RSS of the whole benchmark process: {res['max_rss_mib']:.0f} MiB.",
                  "The naive baseline keeps raw text (no normalisation, lead parsing, dedup, splits or manifest) "
                  "and holds all rows in memory before writing."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bbc", type=int, default=600, help="BBC documents for throughput")
    ap.add_argument("--reuters", type=int, default=1500, help="Reuters documents for throughput")
    ap.add_argument("--align", type=int, default=2225, help="BBC documents for summary alignment")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--dedup-sizes", default="10000,50000,200000", help="document counts for the dedup memory part")
    ap.add_argument("--only-dedup", action="store_true", help="run only the dedup memory part")
    ap.add_argument("--prepare-sizes", default="10000,50000", help="document counts for the prepare memory part")
    ap.add_argument("--dedup-worker", nargs=2, metavar=("IMPL", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--prepare-worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.dedup_worker:
        print(json.dumps(dedup_worker(args.dedup_worker[0], int(args.dedup_worker[1]))))
        return 0
    if args.prepare_worker:
        print(json.dumps(prepare_worker(args.prepare_worker)))
        return 0
    sys.path.insert(0, str(REPO / "experiments"))  # imported here, not in the measured worker processes
    from _results import RESULTS, write_pair

    path = RESULTS / "preprocess_dedup.json"
    dd = json.loads(path.read_text()) if args.dedup_sizes == "keep" and path.exists() else \
        dedup_memory([int(x) for x in args.dedup_sizes.split(",")])
    dd.pop("env", None)
    pm = prepare_memory([int(x) for x in args.prepare_sizes.split(",")])
    dd["prepare_memory"] = pm
    md = write_dedup_md(dd) + "\n" + write_prepare_md(pm)
    write_pair("preprocess_dedup", dd, "# Preprocessing benchmark: dedup memory\n\n" + md)
    if args.only_dedup:
        print(md)
        return 0
    res: dict = {}
    res["sentences"] = sentence_accuracy(GOLD)
    res["sentences_heldout"] = sentence_accuracy(HELDOUT)
    data = shared_data_dir(args.data_dir)
    if data.is_dir():
        res["bbc_alignment"] = bbc_summary_alignment(data / "bbc_news_summary" / "bbc_news_summary.jsonl",
                                                     args.align)
        tmp = Path(tempfile.mkdtemp(prefix="bench-preprocess-"))
        try:
            res["throughput"] = {
                "bbc": throughput("bbc", data / "bbc_news_summary" / "bbc_news_summary.jsonl", args.bbc, tmp),
                "reuters21578": throughput("reuters21578", data / "reuters21578" / "reuters21578_modapte.jsonl",
                                           args.reuters, tmp),
            }
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"{data} not found: only the sentence benchmark was run", file=sys.stderr)
    res["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["dedup_memory"] = dd
    md = write_md(res) + "\n" + write_dedup_md(dd) + "\n" + write_prepare_md(pm)
    write_pair("preprocess", res, md, echo=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
