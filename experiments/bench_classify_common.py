"""Shared helpers for the classification benchmarks (bench_classify_*.py).

Each benchmark compares newsml classifiers with a plain scikit-learn / sentence-transformers
baseline in the same run and writes ``experiments/results/classify_<name>.json`` and ``.md``:
quality with 95% bootstrap CIs, fit and predict docs/s (time.perf_counter) and peak Python-heap
memory (tracemalloc, measured in a separate pass so it does not slow the timed runs). Folds, memory,
load and environment come from the library (``newsml.evaluate.cv_folds``, ``newsml.experiment.measure``,
``experiments/_results.py`` for the environment and the result files), so they mean what they mean in ``newsml run``. Sentence vectors are cached under ``.cache/`` so reruns do not re-encode.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from _results import write_pair  # noqa: E402

from newsml.data.recipes import shared_data_dir  # noqa: E402
from newsml.experiment.measure import load_average as _load_average  # noqa: E402
from newsml.experiment.measure import peak_memory_mib  # noqa: E402 - also used by the scripts

DATA = shared_data_dir().resolve()
CACHE_DIR = REPO / ".cache" / "classify"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def need_data(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        print(f"skipping: {path} is absent (benchmarks need ../shared/data)")
        sys.exit(0)
    return path


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0


def warm_cache(name: str, texts: list[str], pooling: str = "mean+first") -> None:
    """Encode ``texts``' sentences into newsml's sentence cache, persisted in ``.cache/``."""
    from newsml.classify.embedding import CACHE, embed_documents

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{name}.npz"
    before = CACHE.load_npz(path)
    t0 = time.perf_counter()
    embed_documents(texts, None, pooling)
    if len(CACHE) > before:
        CACHE.save_npz(path)
    print(f"[cache] {name}: {before} cached, now {len(CACHE)} sentence vectors "
          f"({time.perf_counter() - t0:.1f}s)", flush=True)


def ci_dict(ci) -> dict:
    return {"value": round(ci.value, 4), "low": round(ci.low, 4), "high": round(ci.high, 4)}


def accuracy_ci(y_true, y_pred):
    from newsml.evaluate import bootstrap_ci

    return bootstrap_ci(np.array([a == b for a, b in zip(y_true, y_pred)], dtype=float))


def macro_f1_ci(y_true, y_pred, labels=None):
    from sklearn.metrics import f1_score

    from newsml.evaluate import bootstrap_ci

    yt, yp = np.array(y_true, dtype=object), np.array(y_pred, dtype=object)
    labels = labels if labels is not None else sorted(set(y_true))

    def metric(idx):
        return f1_score(yt[idx], yp[idx], labels=labels, average="macro", zero_division=0)

    return bootstrap_ci(metric, len(yt), n_boot=500)


def multilabel_f1_ci(Y_true: np.ndarray, Y_pred: np.ndarray, average: str):
    from sklearn.metrics import f1_score

    from newsml.evaluate import bootstrap_ci

    def metric(idx):
        return f1_score(Y_true[idx], Y_pred[idx], average=average, zero_division=0)

    return bootstrap_ci(metric, len(Y_true), n_boot=300)


def load_average() -> str:
    """The 1/5/15-minute load averages as text (the machine is often shared), or "unknown"."""
    avg = _load_average()
    return ", ".join(f"{x:.1f}" for x in avg) if avg else "unknown"


def write_results(name: str, payload: dict, table_rows: list[dict], columns: list[str], notes: list[str]) -> None:
    """Write ``classify_<name>.json`` and a Markdown table ``classify_<name>.md`` (through ``_results.write_pair``)."""
    lines = [f"### Classification benchmark: {name}", ""]
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    for row in table_rows:
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    lines.append("")
    lines += [f"- {n}" for n in notes]
    write_pair(f"classify_{name}", payload, "\n".join(lines), echo=True)


def fmt_ci(d: dict) -> str:
    return f"{d['value']:.3f} [{d['low']:.3f}, {d['high']:.3f}]"


def cv_eval(name: str, make, texts: list[str], labels: list[str], n_splits: int = 5, seed: int = 0,
            memory: bool = True) -> dict:
    """Stratified k-fold: out-of-fold accuracy / macro-F1 with CIs, fit & predict docs/s, peak memory.

    ``make()`` returns an object with ``fit(texts, labels)`` and ``predict(texts)``.
    """
    from newsml.evaluate import cv_folds

    texts_a = np.array(texts, dtype=object)
    labels_a = np.array(labels, dtype=object)
    pred = np.empty(len(texts), dtype=object)
    fit_s = pred_s = 0.0
    n_fit = n_pred = 0
    everything = np.arange(len(texts))
    folds = [(np.setdiff1d(everything, te), te) for te in cv_folds(list(labels), n_splits=n_splits, seed=seed)]
    for tr, te in folds:
        model = make()
        with Timer() as t:
            model.fit(list(texts_a[tr]), list(labels_a[tr]))
        fit_s += t.seconds
        n_fit += len(tr)
        with Timer() as t:
            out = model.predict(list(texts_a[te]))
        pred_s += t.seconds
        n_pred += len(te)
        pred[te] = list(out)
    res = {
        "system": name,
        "accuracy": ci_dict(accuracy_ci(labels, list(pred))),
        "macro_f1": ci_dict(macro_f1_ci(labels, list(pred))),
        "fit_docs_per_s": round(n_fit / fit_s, 1),
        "predict_docs_per_s": round(n_pred / pred_s, 1),
    }
    if memory:
        tr, te = folds[0]

        def once():
            m = make()
            m.fit(list(texts_a[tr]), list(labels_a[tr]))
            m.predict(list(texts_a[te]))

        res["peak_mem_mb"] = round(peak_memory_mib(once), 1)
    print(f"[{name}] acc {fmt_ci(res['accuracy'])} macroF1 {fmt_ci(res['macro_f1'])} "
          f"fit {res['fit_docs_per_s']}/s predict {res['predict_docs_per_s']}/s "
          f"mem {res.get('peak_mem_mb')} MB", flush=True)
    res["_pred"] = list(pred)
    return res


def paired_vs(res_a: dict, res_b: dict, labels: list[str]) -> dict:
    """Paired bootstrap of accuracy A - B on the same documents."""
    from newsml.evaluate import paired_bootstrap

    a = np.array([p == t for p, t in zip(res_a["_pred"], labels)], dtype=float)
    b = np.array([p == t for p, t in zip(res_b["_pred"], labels)], dtype=float)
    r = paired_bootstrap(a, b)
    return {"a": res_a["system"], "b": res_b["system"], "diff": ci_dict(r.diff), "p_value": r.p_value}


class SklearnPipeline:
    """Adapter: a scikit-learn pipeline with the fit(texts, labels)/predict(texts) protocol."""

    def __init__(self, pipe):
        self.pipe = pipe

    def fit(self, texts, labels):
        self.pipe.fit(texts, labels)
        return self

    def predict(self, texts):
        return list(self.pipe.predict(texts))


def strip_private(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


# ------------------------------------------------------------------- multi-label set metrics (tagger benches)
def indicator(labels, classes) -> np.ndarray:
    """Boolean ``(n_docs, n_classes)`` matrix of label lists (every label must be in ``classes``)."""
    idx = {c: j for j, c in enumerate(classes)}
    Y = np.zeros((len(labels), len(classes)), dtype=bool)
    for i, ls in enumerate(labels):
        for x in ls:
            Y[i, idx[x]] = True
    return Y


def per_label_f1(Y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """F1 per label; nan for a label neither in the gold nor in the predictions."""
    tp = (Y & P).sum(0)
    denom = Y.sum(0) + P.sum(0)
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), np.nan)


def macro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    """Macro-F1 over labels that occur in the gold or the predictions (nan-safe)."""
    f = per_label_f1(Y, P)
    return float(np.nanmean(f)) if np.isfinite(f).any() else 0.0


def micro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    return float(2 * (Y & P).sum() / max(Y.sum() + P.sum(), 1))
