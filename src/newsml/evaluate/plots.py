"""PNG plots for reports (matplotlib, Agg backend): confusion matrix, per-label F1, metric bars with CIs.

Each function takes report dicts from :mod:`newsml.evaluate.classification` or
:mod:`newsml.evaluate.summarization` and returns a matplotlib figure; :func:`newsml.experiment.rundir.save_figure_atomic` writes it.

Examples
--------
>>> from newsml.evaluate import classification_report
>>> fig = confusion_matrix_figure(classification_report(["a", "b"], ["a", "a"], n_boot=0))
>>> fig.axes[0].get_title()
'Confusion matrix'
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def confusion_matrix_figure(report: dict[str, Any], title: str = "Confusion matrix", max_labels: int = 25):
    """Row-normalised confusion matrix of a single-label report (counts annotated when small)."""
    plt = _plt()
    cm = report["confusion_matrix"]
    labels = cm["labels"]
    M = np.asarray(cm["matrix"], dtype=float)
    if len(labels) > max_labels:  # keep the most frequent gold labels
        keep = np.argsort(-M.sum(axis=1), kind="stable")[:max_labels]
        keep.sort()
        M = M[np.ix_(keep, keep)]
        labels = [labels[i] for i in keep]
    rows = M.sum(axis=1, keepdims=True)
    N = np.divide(M, rows, out=np.zeros_like(M), where=rows > 0)
    size = max(3.5, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    im = ax.imshow(N, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    if len(labels) <= 12:
        for i in range(len(labels)):
            for j in range(len(labels)):
                if M[i, j]:
                    ax.text(j, i, int(M[i, j]), ha="center", va="center", fontsize=8,
                            color="white" if N[i, j] > 0.5 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="share of gold row")
    return fig


def per_label_f1_figure(reports: dict[str, dict[str, Any]], title: str = "Per-label F1 (95% CI)",
                        max_labels: int = 30):
    """Horizontal bars of per-label F1 with bootstrap CI whiskers, one colour per system."""
    plt = _plt()
    support: dict[str, int] = {}
    for rep in reports.values():
        for lab, d in rep["per_label"].items():
            support[lab] = max(support.get(lab, 0), d["support"])
    labels = sorted(support, key=lambda k: (-support[k], k))[:max_labels][::-1]
    k = max(1, len(reports))
    h = 0.8 / k
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.32 * len(labels) * max(1, k * 0.7) + 1)))
    for s, (name, rep) in enumerate(reports.items()):
        vals, lo, hi = [], [], []
        for lab in labels:
            d = rep["per_label"].get(lab, {"f1": 0.0, "f1_low": float("nan"), "f1_high": float("nan")})
            vals.append(d["f1"])
            lo.append(d["f1"] - d["f1_low"] if np.isfinite(d.get("f1_low", np.nan)) else 0.0)
            hi.append(d["f1_high"] - d["f1"] if np.isfinite(d.get("f1_high", np.nan)) else 0.0)
        y = np.arange(len(labels)) + (s - (k - 1) / 2) * h
        ax.barh(y, vals, height=h, xerr=[np.maximum(lo, 0), np.maximum(hi, 0)], capsize=2, label=name)
    ax.set_yticks(range(len(labels)), [f"{lab} (n={support[lab]})" for lab in labels], fontsize=8)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("F1")
    ax.set_title(title)
    if k > 1:
        ax.legend(fontsize=8, loc="lower right")
    return fig


def metric_bars_figure(values: dict[str, dict[str, dict[str, float]]], metrics: list[str],
                       title: str = "Scores (95% CI)", ylabel: str = "score"):
    """Grouped bars: ``values[system][metric] = {value, low, high}``, CI whiskers."""
    plt = _plt()
    systems = list(values)
    k = max(1, len(systems))
    w = 0.8 / k
    fig, ax = plt.subplots(figsize=(max(5, 1.4 * len(metrics) + 1.2 * k), 3.8))
    x = np.arange(len(metrics))
    for s, name in enumerate(systems):
        v = [values[name].get(m, {}).get("value", np.nan) for m in metrics]
        lo = [values[name].get(m, {}).get("low", np.nan) for m in metrics]
        hi = [values[name].get(m, {}).get("high", np.nan) for m in metrics]
        err = np.array([[max(0.0, a - b) if np.isfinite(b) else 0.0 for a, b in zip(v, lo)],
                        [max(0.0, c - a) if np.isfinite(c) else 0.0 for a, c in zip(v, hi)]])
        bars = ax.bar(x + (s - (k - 1) / 2) * w, v, width=w, yerr=err, capsize=3, label=name)
        for rect, val in zip(bars, v):
            if np.isfinite(val):
                ax.annotate(f"{val:.3f}", (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                            ha="center", va="bottom", fontsize=7, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(x, metrics)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    top = np.nanmax([values[n].get(m, {}).get("high", 0) or 0 for n in systems for m in metrics] + [0.1])
    ax.set_ylim(0, min(1.05, top * 1.25) if top <= 1 else top * 1.25)
    ax.legend(fontsize=8, ncol=min(k, 4))
    return fig
