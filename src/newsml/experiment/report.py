"""Reports: ``report.md`` + PNG plots for one run, the terminal summary table, and run comparisons.

Examples
--------
>>> fmt_ci({"value": 0.8123, "low": 0.79, "high": 0.833})
'0.812 [0.790, 0.833]'
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

from newsml.errors import InputError
from newsml.experiment import rundir as rd

CLS_SINGLE = ["accuracy", "macro_f1", "weighted_f1", "micro_f1"]
CLS_MULTI = ["example_f1", "micro_f1", "macro_f1", "subset_accuracy", "hamming_loss"]
CLS_PROBA = ["roc_auc_macro", "pr_auc_macro", "ece"]
SUM_KEYS = ["rouge1", "rouge2", "rougeL", "rougeLsum", "length_words", "novel_2gram", "sim_reference", "sim_source"]
ROUGE = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
MAX_PAIRS = 15


def fmt_ci(d: dict[str, float] | None, digits: int = 3) -> str:
    """``value [low, high]``, or just the value when the interval is undefined or from one item."""
    if not d:
        return "–"
    v, lo, hi = d.get("value"), d.get("low"), d.get("high")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if (lo is None or hi is None or any(isinstance(x, float) and math.isnan(x) for x in (lo, hi))
            or d.get("n") == 1):
        return f"{v:.{digits}f}"
    return f"{v:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def _p(p: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def classification_keys(report: dict[str, Any]) -> list[str]:
    keys = CLS_MULTI if report.get("multi_label") else CLS_SINGLE
    return [k for k in keys + CLS_PROBA if k in report["metrics"]]


def summarization_keys(report: dict[str, Any]) -> list[str]:
    return [k for k in SUM_KEYS if k in report["metrics"]]


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _mem(result: dict[str, Any]) -> str:
    m = result.get("timing", {}).get("peak_memory_mib")
    return f"{m:.1f}" if m is not None else "–"


def _speed(result: dict[str, Any]) -> str:
    dps = result.get("timing", {}).get("docs_per_second")
    if not dps:
        return "–"
    return f"{dps:.1f}" if dps >= 10 else f"{dps:.2g}"


# ------------------------------------------------------------------------------ comparisons
def _aligned(preds: list[dict], a: str, b: str, kind: str):
    pa = {p["id"]: p for p in preds if p["system"] == a and p["kind"] == kind}
    pb = {p["id"]: p for p in preds if p["system"] == b and p["kind"] == kind}
    ids = [i for i in pa if i in pb]
    return ids, pa, pb


def compare_classifier_preds(pa: dict[str, dict], pb: dict[str, dict], ids: list[str], n_boot: int,
                             seed: int) -> dict[str, Any]:
    from newsml.evaluate import compare_classifiers

    gold = [pa[i]["gold"] for i in ids]
    multi = any(isinstance(g, list) for g in gold)
    return compare_classifiers(gold, [pa[i]["pred"] for i in ids], [pb[i]["pred"] for i in ids],
                               multi_label=multi, metric="macro_f1", n_boot=n_boot, seed=seed)


def compare_summary_preds(pa: dict[str, dict], pb: dict[str, dict], ids: list[str], n_boot: int,
                          seed: int) -> dict[str, Any]:
    from newsml.evaluate import compare_summarizers

    keys = [k for k in ROUGE if all(k in pa[i].get("scores", {}) and k in pb[i].get("scores", {}) for i in ids)]
    a = {k: [pa[i]["scores"][k] for i in ids] for k in keys}
    b = {k: [pb[i]["scores"][k] for i in ids] for k in keys}
    return compare_summarizers(a, b, keys=keys, n_boot=n_boot, seed=seed)


def compare_within_run(results: dict[str, dict], preds: list[dict], cfg) -> dict[str, list]:
    """Paired tests between every two classifiers / summarisers of one run (same documents)."""
    out: dict[str, list] = {"classifiers": [], "summarizers": []}
    n_boot = max(cfg.evaluation.n_boot, 200) if cfg.evaluation.n_boot else 0
    if not n_boot:
        return out
    for kind, key in (("classifier", "classifiers"), ("summarizer", "summarizers")):
        names = list(results[key])
        for a, b in list(itertools.combinations(names, 2))[:MAX_PAIRS]:
            ids, pa, pb = _aligned(preds, a, b, kind)
            if len(ids) < 2:
                continue
            if kind == "classifier":
                res = compare_classifier_preds(pa, pb, ids, n_boot, cfg.seed)
            else:
                res = compare_summary_preds(pa, pb, ids, n_boot, cfg.seed)
                if not res:
                    continue
            out[key].append({"a": a, "b": b, "n": len(ids), "result": res})
    return out


def _comparison_rows(comps: dict[str, list]) -> list[list[str]]:
    rows = []
    for c in comps.get("classifiers", []):
        r = c["result"]
        rows.append([f"{c['a']} − {c['b']}", r["metric"], fmt_ci(r["diff"]), _p(r["p_value"]),
                     f"{_p(r['permutation_p_value'])} ({r['permutation_on']})", str(c["n"])])
    for c in comps.get("summarizers", []):
        for k, r in c["result"].items():
            rows.append([f"{c['a']} − {c['b']}", k, fmt_ci(r["diff"]), _p(r["p_value"]),
                         _p(r["permutation_p_value"]), str(c["n"])])
    return rows


COMPARISON_HEADER = ["A − B", "metric", "difference [95% CI]", "p (paired bootstrap)", "p (permutation)", "docs"]


# ------------------------------------------------------------------------------ run report
def summary_table(metrics: dict[str, Any]) -> str:
    """A short plain-text table of each system's headline numbers (for the terminal)."""
    lines = []
    n = metrics.get("data", {}).get("n_eval", "?")
    for key, res in metrics.get("classifiers", {}).items():
        rep = res["report"]
        ks = classification_keys(rep)[:3]
        lines.append((f"classifier {key}", "  ".join(f"{k}={fmt_ci(rep['metrics'][k])}" for k in ks)))
    for key, res in metrics.get("summarizers", {}).items():
        rep = res["report"]
        ks = [k for k in ("rouge1", "rouge2", "rougeL", "rougeLsum") if k in rep["metrics"]] or ["length_words"]
        lines.append((f"summarizer {key}", "  ".join(f"{k}={fmt_ci(rep['metrics'][k])}" for k in ks)))
    width = max((len(a) for a, _ in lines), default=10)
    head = f"{metrics.get('name', 'run')}: {n} documents (95% bootstrap CIs)"
    return "\n".join([head] + [f"  {a:<{width}}  {b}" for a, b in lines])


def _plots(path: Path, metrics: dict[str, Any]) -> dict[str, str]:
    from newsml.evaluate import plots

    made: dict[str, str] = {}
    cls = metrics.get("classifiers", {})
    for key, res in cls.items():
        rep = res["report"]
        if rep["confusion_matrix"].get("kind") == "matrix" and rep["labels"]:
            name = f"confusion_{_slug(key)}.png"
            rd.save_figure_atomic(plots.confusion_matrix_figure(rep, title=f"Confusion matrix: {key}"), path / name)
            made[f"confusion:{key}"] = name
    if cls:
        rd.save_figure_atomic(plots.per_label_f1_figure({k: r["report"] for k, r in cls.items()}),
                              path / "per_label_f1.png")
        made["per_label_f1"] = "per_label_f1.png"
    summ = metrics.get("summarizers", {})
    rouge = {k: r["report"]["metrics"] for k, r in summ.items()}
    keys = [k for k in ROUGE if any(k in m for m in rouge.values())]
    if summ and keys:
        rd.save_figure_atomic(plots.metric_bars_figure(rouge, keys, title="ROUGE F1 (95% bootstrap CI)",
                                                       ylabel="F1"), path / "rouge.png")
        made["rouge"] = "rouge.png"
    elif summ:
        other = [k for k in ("novel_1gram", "novel_2gram", "compression") if any(k in m for m in rouge.values())]
        rd.save_figure_atomic(plots.metric_bars_figure(rouge, other, title="Summary statistics (95% CI)"),
                              path / "summary_stats.png")
        made["summary_stats"] = "summary_stats.png"
    return made


def _slug(s: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s)


def write_run_report(path: str | Path, metrics: dict[str, Any], plots: bool = True) -> Path:
    """Write ``report.md`` (and its PNG plots) for a run's ``metrics`` into ``path``."""
    path = Path(path)
    images = _plots(path, metrics) if plots else {}
    data = metrics.get("data", {})
    md = [f"# Run report: {metrics.get('name')}", ""]
    if metrics.get("description"):
        md += [metrics["description"], ""]
    md += [f"- data: `{data.get('source')}`, split `{data.get('eval_split')}`, {data.get('n_eval')} evaluation "
           f"documents ({data.get('n_train', 0)} training); fingerprint `{str(data.get('fingerprint', ''))[:16]}`",
           f"- seed {metrics.get('seed')}; intervals are 95% percentile bootstrap CIs over documents "
           f"({metrics.get('n_boot', 1000)} resamples); docs/s: prediction only (time.perf_counter, "
           "model loading included); peak MiB: Python heap (tracemalloc) predicting "
           f"{metrics.get('memory_sample') or 'a sample of'} documents, when measured",
           "- reproduce: `newsml run config.yaml` (the resolved config saved next to this report)"]
    n_eval = data.get("n_eval") or 0
    if n_eval < 30:
        md.append(f"- **only {n_eval} document{'s' if n_eval != 1 else ''}**: the numbers describe these documents, "
                  "not a system's quality" + ("; no interval can be computed from one document" if n_eval == 1
                                              else "; intervals are wide and unreliable"))
    md.append("")
    cls = metrics.get("classifiers", {})
    if cls:
        multi = any(r["report"].get("multi_label") for r in cls.values())
        keys: list[str] = []
        for r in cls.values():
            keys += [k for k in classification_keys(r["report"]) if k not in keys]
        rows = [[k, *(fmt_ci(r["report"]["metrics"].get(m)) for m in keys),
                 f"{r['timing']['fit_seconds']:.1f}", _speed(r), _mem(r)] for k, r in cls.items()]
        md += ["## Classification" + (" (multi-label)" if multi else ""), "",
               _table(["system", *keys, "fit s", "docs/s", "peak MiB"], rows), ""]
        for key, r in cls.items():
            rep = r["report"]
            per = sorted(rep["per_label"].items(), key=lambda kv: (-kv[1]["support"], kv[0]))
            rows = [[lab, f"{d['precision']:.3f}", f"{d['recall']:.3f}",
                     fmt_ci({"value": d["f1"], "low": d["f1_low"], "high": d["f1_high"], "n": rep["n"]}),
                     str(d["support"]), str(d["predicted"])] for lab, d in per[:40]]
            more = f" (top 40 of {len(per)} by support)" if len(per) > 40 else ""
            md += [f"### Per-label scores: {key}{more}", "",
                   _table(["label", "precision", "recall", "F1 [95% CI]", "support", "predicted"], rows), ""]
            if f"confusion:{key}" in images:
                md += [f"![confusion matrix {key}]({images[f'confusion:{key}']})", ""]
        if "per_label_f1" in images:
            md += ["![per-label F1](per_label_f1.png)", ""]
    summ = metrics.get("summarizers", {})
    if summ:
        keys = []
        for r in summ.values():
            keys += [k for k in summarization_keys(r["report"]) if k not in keys]
        rows = [[k, *(fmt_ci(r["report"]["metrics"].get(m), 1 if m == "length_words" else 3) for m in keys),
                 _speed(r), _mem(r)] for k, r in summ.items()]
        md += ["## Summarisation", "",
               "ROUGE is F1 (rouge-score, Porter stemmer; Lsum on sentences split by newsml). "
               "`length_words`: summary words; `novel_2gram`: share of summary bigrams not in the source; "
               "`sim_*`: cosine similarity of MiniLM embeddings.", "",
               _table(["system", *keys, "docs/s", "peak MiB"], rows), ""]
        for img in ("rouge", "summary_stats"):
            if img in images:
                md += [f"![{img}]({images[img]})", ""]
    comps = metrics.get("comparisons") or {}
    rows = _comparison_rows(comps)
    if rows:
        md += ["## Paired comparisons (same documents)", "", _table(COMPARISON_HEADER, rows), ""]
    rd.write_text_atomic(path / "report.md", "\n".join(md).rstrip() + "\n")
    return path / "report.md"


# ------------------------------------------------------------------------------ run comparisons
def _load_run(run_dir: str | Path) -> dict[str, Any]:
    run_dir = Path(run_dir)
    if not (run_dir / "metrics.json").exists():
        raise InputError(f"{run_dir}: not a newsml run directory (no metrics.json); pass a folder written by newsml run")
    if not rd.is_complete(run_dir):
        raise InputError(f"{run_dir}: the run is incomplete (no {rd.COMPLETE} marker); rerun it with newsml run")
    metrics = rd.read_json(run_dir / "metrics.json")
    preds = rd.read_jsonl(run_dir / "predictions.jsonl") if (run_dir / "predictions.jsonl").exists() else []
    return {"dir": run_dir, "metrics": metrics, "preds": preds}


def compare_runs(run_dirs: list[str | Path], out: str | Path | None = None, *, n_boot: int = 1000,
                 seed: int = 0) -> str:
    """Side-by-side table of several runs' systems, paired tests where they share documents.

    Systems are named ``<run>/<system>``. Two systems of the same kind from different runs are
    compared with the paired bootstrap (and a permutation test) on the documents they share,
    aligned by document id. With ``out``, writes ``report.md`` and ``comparison.png`` there.

    Returns
    -------
    str
        The Markdown report.
    """
    runs = [_load_run(d) for d in run_dirs]
    names = [r["metrics"].get("name", r["dir"].name) for r in runs]
    if len(set(names)) < len(names):
        names = [f"{n}@{r['dir'].name}" for n, r in zip(names, runs)]
    md = ["# Run comparison", ""]
    md += [f"- `{n}`: {r['dir']} ({r['metrics'].get('data', {}).get('n_eval')} documents, data "
           f"`{str(r['metrics'].get('data', {}).get('fingerprint', ''))[:16]}`)" for n, r in zip(names, runs)]
    md.append("")
    systems: dict[str, list[tuple[str, dict, str, int]]] = {"classifiers": [], "summarizers": []}
    for k_run, (n, r) in enumerate(zip(names, runs)):
        for kind in systems:
            for key, res in r["metrics"].get(kind, {}).items():
                systems[kind].append((f"{n}/{key}", res, key, k_run))
    tables, plot_values, plot_keys = _system_tables(systems)
    md += tables
    rows = _paired_rows_across_runs(runs, systems, n_boot, seed)
    if rows:
        md += ["## Paired comparisons (documents shared by both runs)", "", _table(COMPARISON_HEADER, rows), ""]
    else:
        md += ["No two runs share documents, so no paired test was run.", ""]
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if plot_values and plot_keys:
            from newsml.evaluate import plots

            fig = plots.metric_bars_figure(plot_values, plot_keys, title="Runs compared (95% bootstrap CI)")
            rd.save_figure_atomic(fig, out / "comparison.png")
            md += ["![comparison](comparison.png)", ""]
        rd.write_text_atomic(out / "report.md", "\n".join(md).rstrip() + "\n")
    return "\n".join(md).rstrip() + "\n"


def _system_tables(systems: dict[str, list[tuple[str, dict, str, int]]]) -> tuple[list[str], dict[str, dict], list[str]]:
    """Markdown tables of every system per task, and the headline values to plot."""
    md: list[str] = []
    plot_values: dict[str, dict] = {}
    plot_keys: list[str] = []
    for kind, title, keyfn in (("classifiers", "Classification", classification_keys),
                               ("summarizers", "Summarisation", summarization_keys)):
        if not systems[kind]:
            continue
        keys: list[str] = []
        for _, res, _, _ in systems[kind]:
            keys += [k for k in keyfn(res["report"]) if k not in keys]
        rows = [[label, *(fmt_ci(res["report"]["metrics"].get(k)) for k in keys),
                 str(res["report"].get("n"))] for label, res, _, _ in systems[kind]]
        md += [f"## {title}", "", _table(["system", *keys, "docs"], rows), ""]
        main = [k for k in (["macro_f1"] if kind == "classifiers" else ["rouge1", "rouge2", "rougeL"]) if k in keys]
        for label, res, _, _ in systems[kind]:
            plot_values[label] = {k: res["report"]["metrics"][k] for k in main if k in res["report"]["metrics"]}
        plot_keys += [k for k in main if k not in plot_keys]
    return md, plot_values, plot_keys


def _paired_rows_across_runs(runs: list[dict], systems: dict[str, list[tuple[str, dict, str, int]]],
                             n_boot: int, seed: int) -> list[list[str]]:
    """Paired-test table rows for same-kind systems of different runs, on the documents both scored."""
    rows: list[list[str]] = []
    for kind, kind1 in (("classifiers", "classifier"), ("summarizers", "summarizer")):
        compare = compare_classifier_preds if kind == "classifiers" else compare_summary_preds
        pairs = [(a, b) for a, b in itertools.combinations(systems[kind], 2) if a[3] != b[3]][:MAX_PAIRS]
        for (la, _, sa, ka), (lb, _, sb, kb) in pairs:
            pa = {p["id"]: p for p in runs[ka]["preds"] if p["system"] == sa and p["kind"] == kind1}
            pb = {p["id"]: p for p in runs[kb]["preds"] if p["system"] == sb and p["kind"] == kind1}
            ids = [i for i in pa if i in pb]
            if len(ids) < 2:
                continue
            res = compare(pa, pb, ids, n_boot, seed)
            rows += _comparison_rows({kind: [{"a": la, "b": lb, "n": len(ids), "result": res}]})
    return rows
