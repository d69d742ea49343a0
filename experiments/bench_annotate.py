"""Corpus-scale benchmark of ``newsml annotate``: docs/s and peak memory, local engine vs Ray Data.

Documents are generated at run time by recombining real sentences from ``../shared/data`` (CNN/DailyMail
validation, BBC, XSum, AG News): each document is 4-16 sentences drawn at random (seeded) from a pool
of about 100k sentences, so the text is real news prose but no document is copied, and nothing is written
to the repository except the numbers. Inputs are Parquet files under ``$TMPDIR/newsml-bench-annotate``.

Every configuration runs in a fresh ``nice``d subprocess, so its memory is measured alone:

* **peak tree RSS**: the largest sum of RSS over the job's whole process tree (workers, Ray raylet and
  actors included), sampled every 0.2 s from ``/proc``;
* **getrusage**: ``ru_maxrss`` of the job process and of its largest finished child (as asked in the issue);
* **docs/s**: documents / wall seconds of the whole job (model loading included), and the steady-state rate
  between Parquet parts with a 95% bootstrap CI over parts (part write times are the clock).

Sizes whose extrapolated duration (from the previous size's per-document cost) exceeds ``--max-minutes``
are not run; their extrapolation is reported instead.

Run::

    nice python experiments/bench_annotate.py                       # 1k, 10k fast; Ray vs local on 2k; default comps
    nice python experiments/bench_annotate.py --sizes 1000,10000,100000,1000000 --max-minutes 25
    nice python experiments/bench_annotate.py --sizes "" --ray-size 0 --default-sizes "" --engine-sizes 40000 --append
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
DATA = Path(os.environ.get("NEWSML_DATA_DIR", REPO / ".." / "shared" / "data")).resolve()
RESULTS = REPO / "experiments" / "results"
WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "newsml-bench-annotate"
FAST = {"classifier": "keyword", "summarizer": "lead"}
DEFAULT = {"classifier": "default", "summarizer": "default"}
SOURCES = [("cnn_dailymail", "cnndm_validation_1000.jsonl"), ("bbc_news_summary", "bbc_news_summary.jsonl"),
           ("xsum_test1000", "xsum_test1000.jsonl"), ("ag_news", "ag_news_test.jsonl")]


# ----------------------------------------------------------------------------------------- inputs
def sentence_pool(limit: int = 100_000) -> list[str]:
    """Real sentences (6-60 words) from the shared data sets, split with the fast regex splitter."""
    from newsml.summarize.base import fast_split_sentences

    pool: list[str] = []
    for folder, name in SOURCES:
        path = DATA / folder / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text") or ""
                for s in fast_split_sentences(text):
                    if 6 <= len(s.split()) <= 60:
                        pool.append(s)
                if len(pool) >= limit:
                    return pool
    return pool


def make_input(n: int, pool: list[str], seed: int = 13) -> Path:
    """A Parquet file of ``n`` generated documents (cached by size)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"gen-{n}.parquet"
    if path.exists():
        return path
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, pa.schema([("id", pa.string()), ("text", pa.string())])) as w:
        for start in range(0, n, 10_000):
            ids, texts = [], []
            for i in range(start, min(n, start + 10_000)):
                k = rng.randint(4, 16)
                ids.append(f"g{i:07d}")
                texts.append(" ".join(rng.choice(pool) for _ in range(k)))
            w.write_table(pa.table({"id": ids, "text": texts}))
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------------------------ measuring
_TICK = os.sysconf("SC_CLK_TCK")


def tree_rss_mib(root: int, cpu: dict[int, float] | None = None) -> float:
    """Sum of VmRSS over ``root`` and all its descendants (Linux /proc); records each one's own CPU seconds
    (user + system) into ``cpu``."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parent[int(d)] = int(fields[1])
            ticks[int(d)] = int(fields[11]) + int(fields[12])  # own utime + stime
            with open(f"/proc/{d}/statm") as fh:
                rss[int(d)] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    keep, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for c, pp in parent.items():
            if pp == p and c not in keep:
                keep.add(c)
                frontier.append(c)
    if cpu is not None:
        for p in keep:
            if p in ticks:
                cpu[p] = max(cpu.get(p, 0.0), ticks[p] / _TICK)
    return sum(rss.get(p, 0) for p in keep) / 2**20


def run_child(spec: dict) -> dict:
    """Run one configuration in a niced subprocess, sampling its process tree's RSS."""
    cmd = [sys.executable, __file__, "--one", json.dumps(spec)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
           "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(["nice", "-n", "10", *cmd], env=env, stdout=subprocess.PIPE, text=True)
    peak = [0.0]
    cpu: dict[int, float] = {}

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_mib(proc.pid, cpu))
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {spec}")
    res = json.loads(out.strip().splitlines()[-1])
    res["peak_tree_rss_mib"] = round(peak[0], 1)
    # CPU seconds of the whole tree, summed over every process seen (Ray's raylet and actors are not
    # children the job waits for, so getrusage alone would miss them); at most one 0.2 s sample is lost per
    # process, so the larger of this and the job's getrusage figure is kept
    res["cpu_s"] = max(res["cpu_s_rusage"], sum(cpu.values()))
    return res


def one(spec: dict) -> None:
    """Child side: run the job, print one JSON line with timings and getrusage figures."""
    import resource
    import shutil

    import newsml

    out = WORK / f"out-{os.getpid()}"
    shutil.rmtree(out, ignore_errors=True)
    t_init = 0.0
    if spec["engine"] == "ray":
        import logging

        import ray

        t0 = time.perf_counter()
        ray.init(num_cpus=spec.get("num_cpus", 2), include_dashboard=False, logging_level=logging.ERROR)
        t_init = time.perf_counter() - t0
    t0 = time.time()
    res = newsml.annotate(spec["input"], out, engine=spec["engine"], workers=spec["workers"],
                          batch_size=spec.get("batch_size", 64), rows_per_part=spec["rows_per_part"],
                          progress=False, **spec["components"])
    wall = time.time() - t0
    parts = [(p.stat().st_mtime, len_rows(p)) for p in res.parts]
    kb = 1024
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "engine": spec["engine"],
        "cpu_s_rusage": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "wall_s": wall, "ray_init_s": t_init, "rows": res.manifest["counts"]["rows"],
        "failed": res.manifest["counts"]["failed"], "duplicate_ids": res.manifest["counts"]["duplicate_ids"],
        "start": t0, "parts": parts,
        "ru_maxrss_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kb,
        "ru_maxrss_children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kb,
        "workers": res.workers}))
    shutil.rmtree(out, ignore_errors=True)


def len_rows(p: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(p).metadata.num_rows


def steady_rate(parts: list, start: float, n_boot: int = 1000, seed: int = 0) -> dict:
    """docs/s between part writes (the first part, which includes model loading, is left out), with a
    95% bootstrap CI over parts."""
    parts = sorted(parts)
    if len(parts) < 3:
        return {"value": None, "low": None, "high": None, "n_parts": len(parts)}
    t = np.array([start] + [p[0] for p in parts])
    rows = np.array([p[1] for p in parts], dtype=float)[1:]
    dt = np.diff(t)[1:]
    dt = np.maximum(dt, 1e-3)
    value = rows.sum() / dt.sum()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(rows), size=(n_boot, len(rows)))
    samples = rows[idx].sum(1) / dt[idx].sum(1)
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return {"value": round(float(value), 2), "low": round(float(lo), 2), "high": round(float(hi), 2),
            "n_parts": int(len(rows))}


def summarise(name: str, spec: dict, res: dict) -> dict:
    rate = steady_rate(res["parts"], res["start"])
    row = {"run": name, "engine": spec["engine"], "workers": spec["workers"],
           "components": f"{spec['components']['classifier']} + {spec['components']['summarizer']}",
           "docs": res["rows"], "wall_s": round(res["wall_s"], 1), "docs_per_s": round(res["rows"] / res["wall_s"], 2),
           "cpu_s": round(res["cpu_s"], 1), "docs_per_cpu_s": round(res["rows"] / res["cpu_s"], 2),
           "cpu_ms_per_doc": round(1000 * res["cpu_s"] / res["rows"], 2),
           "steady_docs_per_s": rate, "peak_tree_rss_mib": res["peak_tree_rss_mib"],
           "ru_maxrss_self_mib": round(res["ru_maxrss_self_mib"], 1),
           "ru_maxrss_children_mib": round(res["ru_maxrss_children_mib"], 1),
           "failed": res["failed"], "duplicate_ids": res["duplicate_ids"], "ray_init_s": round(res["ray_init_s"], 1),
           "load_after": os.getloadavg()[0]}
    print(json.dumps(row), flush=True)
    return row


# ----------------------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="1000,10000", help="local-engine sizes with the fast components")
    ap.add_argument("--ray-size", type=int, default=2000, help="documents for Ray vs local (0: skip)")
    ap.add_argument("--default-sizes", default="300,1000", help="sizes with the default components ('' to skip)")
    ap.add_argument("--engine-sizes", default="", help="sizes with no classifier + lead: the engine's own cost "
                    "and memory at scale ('' to skip)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=25.0)
    ap.add_argument("--out", default=str(RESULTS / "annotate"))
    ap.add_argument("--append", action="store_true", help="add these runs to the rows already in --out")
    args = ap.parse_args()
    if args.one:
        one(json.loads(args.one))
        return
    if not DATA.is_dir():
        print(f"skipping: {DATA} is absent (the benchmark recombines its sentences)")
        return
    sys.path.insert(0, str(REPO / "experiments"))  # imported here, not in the measured --one children
    from _results import environment  # the start load average is taken now

    pool = sentence_pool()
    print(f"sentence pool: {len(pool)} real sentences", flush=True)
    rows: list[dict] = []
    skipped: list[dict] = []

    def plan(name: str, n: int, engine: str, workers: int, comps: dict, cost_s_per_doc: float | None) -> dict | None:
        if cost_s_per_doc is not None and n * cost_s_per_doc > 60 * args.max_minutes:
            est = n * cost_s_per_doc / 60
            skipped.append({"run": name, "docs": n, "extrapolated_minutes": round(est, 1),
                            "extrapolated_docs_per_s": round(1 / cost_s_per_doc, 2)})
            print(f"not running {name}: extrapolated {est:.0f} min > {args.max_minutes}", flush=True)
            return None
        spec = {"input": str(make_input(n, pool)), "engine": engine, "workers": workers, "components": comps,
                "rows_per_part": max(50, n // 40), "batch_size": 64}
        row = summarise(name, spec, run_child(spec))
        rows.append(row)
        return row

    cost = None
    for n in [int(x) for x in args.sizes.split(",") if x]:
        r = plan(f"local fast {n}", n, "local", args.workers, FAST, cost)
        if r:
            cost = r["wall_s"] / r["docs"]
    if args.ray_size:
        n = args.ray_size
        plan(f"local fast {n} (vs Ray)", n, "local", args.workers, FAST, None)
        plan(f"ray fast {n}, {args.workers} actors", n, "ray", args.workers, FAST, None)
        plan(f"ray fast {n}, default actors (CPUs-1)", n, "ray", 0, FAST, None)
    cost = None
    for n in [int(x) for x in args.engine_sizes.split(",") if x]:
        r = plan(f"local engine-only {n} (none + lead)", n, "local", args.workers,
                 {"classifier": "none", "summarizer": "lead"}, cost)
        if r:
            cost = r["wall_s"] / r["docs"]
    cost = None
    for n in [int(x) for x in args.default_sizes.split(",") if x]:
        r = plan(f"local default {n}", n, "local", args.workers, DEFAULT, cost)
        if r:
            cost = r["wall_s"] / r["docs"]
    env = environment()
    old = Path(args.out).with_suffix(".json")
    if args.append and old.exists():
        prev = json.loads(old.read_text())
        rows, skipped = prev["rows"] + rows, prev["not_run"] + skipped
        env["load_average_start"] = (prev.get("env") or {}).get("load_average_start", prev.get("load_average_start"))
    write(Path(args.out), {"rows": rows, "not_run": skipped, "sentence_pool": len(pool)}, env)


def write(out: Path, payload: dict, env: dict) -> None:
    from _results import write_pair

    cols = ["run", "docs", "wall_s", "docs_per_s", "steady docs/s [95% CI]", "cpu_ms_per_doc", "docs_per_cpu_s",
            "peak_tree_rss_mib",
            "ru_maxrss_self_mib", "ru_maxrss_children_mib", "failed", "duplicate_ids"]
    lines = ["### Corpus job benchmark (`newsml annotate`)", "",
             "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in payload["rows"]:
        s = r["steady_docs_per_s"]
        ci = f"{s['value']} [{s['low']}, {s['high']}]" if s["value"] is not None else "n/a"
        vals = {**r, "steady docs/s [95% CI]": ci}
        lines.append("| " + " | ".join(str(vals.get(c, "")) for c in cols) + " |")
    lines.append("")
    for s in payload["not_run"]:
        lines.append(f"- Not run: {s['run']} ({s['docs']} docs): extrapolated {s['extrapolated_minutes']} min at "
                     f"{s['extrapolated_docs_per_s']} docs/s.")
    lines += [f"- Machine: {env['cpus']} CPUs shared with other jobs (load averages: the environment line).",
              "- peak_tree_rss_mib: largest summed RSS of the job's process tree (workers / Ray processes included).",
              "- Steady docs/s: between Parquet part writes (the first part, with model loading, left out).",
              "- cpu_ms_per_doc: CPU seconds of the whole process tree (workers, Ray processes) per document; on a "
              "loaded shared machine this, not wall time, is the stable cost figure."]
    write_pair(out.stem, payload, "\n".join(lines), results_dir=out.parent, env=env, echo=True)


if __name__ == "__main__":
    main()
