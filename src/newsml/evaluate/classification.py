"""Classification metrics, every headline number with a bootstrap 95% CI.

Metrics are computed from label-indicator matrices, and their confidence intervals from *resample
weights* (:func:`newsml.evaluate.bootstrap.bootstrap_weights`): the counts of true positives, false
positives... of all 1,000 resamples are one matrix product, so a report on thousands of documents and
dozens of labels takes about a second. The resamples are the same as
:func:`~newsml.evaluate.bootstrap.bootstrap_ci` draws with the same seed.

Conventions (the same as scikit-learn's defaults unless said otherwise):

* the label set is the union of gold and predicted labels (or ``classes`` when given); a label
  absent from a bootstrap resample keeps its full-data score in that resample's macro average
  (likewise for per-label ROC-AUC/PR-AUC), so rare labels do not drop out and shift the interval;
* a ratio with a zero denominator counts as 0 (scikit-learn's ``zero_division=0``), except
  example-based F1 of a document with no gold and no predicted label, which is 1 (nothing to find,
  nothing wrongly found; the same rule as ``BaseClassifier.score``);
* ROC-AUC and PR-AUC (average precision, scikit-learn's step definition) are macro averages over
  labels that have both positive and negative gold examples;
* expected calibration error (ECE) uses 10 equal-width bins: of the top label for single-label
  data, of every (document, label) probability for multi-label data.

Examples
--------
>>> rep = classification_report(["a", "b", "b", "a"], ["a", "b", "a", "a"], n_boot=200)
>>> rep["metrics"]["accuracy"]["value"], rep["per_label"]["b"]["recall"]
(0.75, 0.5)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from newsml.errors import InputError
from newsml.evaluate._common import ci_dict as _ci_dict
from newsml.evaluate._common import safe_div as _div
from newsml.evaluate.bootstrap import bootstrap_weights, ci_from_samples, paired_bootstrap, permutation_test

ECE_BINS = 10


# ---------------------------------------------------------------------------------- helpers
def _is_multi(values: Sequence[Any]) -> bool:
    return any(isinstance(v, (list, tuple, set, frozenset)) for v in values)


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, (list, tuple, set, frozenset)):
        return [str(x) for x in v]
    return [str(v)]


def _single(v: Any, where: str) -> str:
    if isinstance(v, (list, tuple, set, frozenset)):
        v = list(v)
        if len(v) != 1:
            raise InputError(f"{where}: {len(v)} labels on a single-label item; pass multi_label=True")
        return str(v[0])
    return str(v)


def _indicators(y_true, y_pred, classes, multi_label):
    if multi_label:
        t_sets = [_as_list(v) for v in y_true]
        p_sets = [_as_list(v) for v in y_pred]
    else:
        t_sets = [[_single(v, f"y_true[{i}]")] for i, v in enumerate(y_true)]
        p_sets = [[_single(v, f"y_pred[{i}]")] for i, v in enumerate(y_pred)]
    if classes is None:
        classes = sorted({x for s in t_sets for x in s} | {x for s in p_sets for x in s})
    else:
        classes = [str(c) for c in classes]
    index = {c: j for j, c in enumerate(classes)}
    n, L = len(t_sets), len(classes)
    Yt = np.zeros((n, L), dtype=bool)
    Yp = np.zeros((n, L), dtype=bool)
    for i, (ts, ps) in enumerate(zip(t_sets, p_sets)):
        for x in ts:
            if x in index:
                Yt[i, index[x]] = True
        for x in ps:
            if x in index:
                Yp[i, index[x]] = True
    return Yt, Yp, list(classes)


def _count_metrics(W: np.ndarray, Yt: np.ndarray, Yp: np.ndarray, multi_label: bool,
                   fixed_labels: bool, fill: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every count-based metric for each row of weights ``W`` (shape ``(B, n)``) -> arrays ``(B,)``.

    With ``fill`` (full-data per-label precision/recall/F1), a label absent from a resample keeps
    its full-data score in the macro average, so the label set stays that of the full data.
    """
    TP = W @ (Yt & Yp)
    FP = W @ (~Yt & Yp)
    FN = W @ (Yt & ~Yp)
    support = TP + FN
    present = np.ones_like(support, dtype=bool) if fixed_labels else (support + TP + FP) > 0
    prec = _div(TP, TP + FP)
    rec = _div(TP, support)
    f1 = _div(2 * TP, 2 * TP + FP + FN)
    n_present = present.sum(axis=1)
    out: dict[str, np.ndarray] = {}
    for name, per in (("precision", prec), ("recall", rec), ("f1", f1)):
        if fill is not None and per.shape[1]:
            out[f"macro_{name}"] = np.where(present, per, fill[name][None, :]).mean(axis=1)
        else:
            out[f"macro_{name}"] = _div((per * present).sum(axis=1), n_present)
        out[f"_per_label_{name}"] = per
        out[f"weighted_{name}"] = _div((per * support).sum(axis=1), support.sum(axis=1))
    tp, fp, fn = TP.sum(axis=1), FP.sum(axis=1), FN.sum(axis=1)
    out["micro_precision"] = _div(tp, tp + fp)
    out["micro_recall"] = _div(tp, tp + fn)
    out["micro_f1"] = _div(2 * tp, 2 * tp + fp + fn)
    total = W.sum(axis=1)
    if multi_label:
        exact = (Yt == Yp).all(axis=1)
        mismatch = (Yt != Yp).mean(axis=1) if Yt.shape[1] else np.zeros(len(Yt))
        inter = (Yt & Yp).sum(axis=1)
        denom = Yt.sum(axis=1) + Yp.sum(axis=1)
        ex_f1 = np.where(denom == 0, 1.0, _div(2.0 * inter, denom))
        out["subset_accuracy"] = _div(W @ exact, total)
        out["hamming_loss"] = _div(W @ mismatch, total)
        out["example_f1"] = _div(W @ ex_f1, total)
    else:
        correct = (Yt & Yp).any(axis=1)
        out["accuracy"] = _div(W @ correct, total)
    return out


def _weighted_ranking(y: np.ndarray, s: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted ROC-AUC and average precision of scores ``s`` for binary ``y``, one per row of W."""
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s_sorted) != 0) + 1]
    Ws = W[:, order]
    pos = np.add.reduceat(Ws * y_sorted, starts, axis=1)
    neg = np.add.reduceat(Ws * ~y_sorted, starts, axis=1)
    P, N = pos.sum(axis=1), neg.sum(axis=1)
    neg_below = N[:, None] - np.cumsum(neg, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (pos * (neg_below + 0.5 * neg)).sum(axis=1) / (P * N)
        tp, fp = np.cumsum(pos, axis=1), np.cumsum(neg, axis=1)
        prec = _div(tp, tp + fp)
        ap = (pos * prec).sum(axis=1) / P
    bad = (P == 0) | (N == 0)
    auc[bad] = np.nan
    ap[P == 0] = np.nan
    return auc, ap


def _calibration_bins(conf: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS):
    """Per-item sums per bin: counts, confidence sums, correct sums; each shape ``(n, bins)``."""
    conf = np.clip(np.asarray(conf, dtype=np.float64), 0.0, 1.0)
    if conf.ndim == 1:
        conf, correct = conf[:, None], np.asarray(correct)[:, None]
    b = np.minimum((conf * bins).astype(int), bins - 1)
    n = conf.shape[0]
    cnt = np.zeros((n, bins))
    sconf = np.zeros((n, bins))
    scor = np.zeros((n, bins))
    rows = np.repeat(np.arange(n), conf.shape[1])
    np.add.at(cnt, (rows, b.ravel()), 1.0)
    np.add.at(sconf, (rows, b.ravel()), conf.ravel())
    np.add.at(scor, (rows, b.ravel()), np.asarray(correct, dtype=np.float64).ravel())
    return cnt, sconf, scor


def _ece_from_bins(W: np.ndarray, cnt, sconf, scor) -> np.ndarray:
    c, sc, sr = W @ cnt, W @ sconf, W @ scor
    return _div(np.abs(sr - sc).sum(axis=1), c.sum(axis=1))


def expected_calibration_error(confidence, correct, bins: int = ECE_BINS) -> float:
    """ECE with ``bins`` equal-width bins: sum over bins of ``n_b / N * |accuracy_b - confidence_b|``.

    Parameters
    ----------
    confidence:
        Predicted probability of each prediction (top-label probability, or each label's
        probability for multi-label data, flattened).
    correct:
        1 where the prediction was right (or the label is gold), else 0.
    bins:
        Number of equal-width bins on [0, 1].

    Examples
    --------
    >>> round(expected_calibration_error([0.9, 0.9, 0.2, 0.2], [1, 0, 0, 0]), 6)
    0.3
    """
    conf = np.asarray(confidence, dtype=np.float64).ravel()
    cor = np.asarray(correct, dtype=np.float64).ravel()
    if conf.size == 0:
        return float("nan")
    cnt, sc, sr = _calibration_bins(conf, cor, bins)
    return float(_ece_from_bins(np.ones((1, conf.size)), cnt, sc, sr)[0])


# ----------------------------------------------------------------------------- classification
def classification_report(y_true: Sequence[Any], y_pred: Sequence[Any], proba=None, classes=None,
                          multi_label: bool | None = None, *, proba_classes=None, n_boot: int = 1000,
                          level: float = 0.95, seed: int = 0) -> dict[str, Any]:
    """Score predicted labels against gold labels, with bootstrap CIs for every headline number.

    Parameters
    ----------
    y_true, y_pred:
        One label per item, or (multi-label) a list of labels per item.
    proba:
        Optional probability matrix ``(n_items, n_columns)``; enables ROC-AUC, PR-AUC and ECE.
    classes:
        The label set to score (default: union of gold and predicted labels).
    multi_label:
        None detects it (any list-valued label means multi-label).
    proba_classes:
        Label of each ``proba`` column (default: ``classes``, else the label set).
    n_boot, level, seed:
        Bootstrap resamples (0 disables intervals), interval level and seed.

    Returns
    -------
    dict
        ``metrics`` (name -> ``{value, low, high, level, n}``), ``per_label`` (precision,
        recall, F1 with its CI, support, predicted count), ``confusion_matrix``, ``labels``,
        ``multi_label``, ``n`` and the bootstrap settings.

    Examples
    --------
    >>> rep = classification_report([["war"], ["war", "aid"], []], [["war"], ["war"], ["aid"]], n_boot=100)
    >>> rep["multi_label"], rep["metrics"]["subset_accuracy"]["value"]
    (True, 0.3333333333333333)
    >>> round(rep["metrics"]["hamming_loss"]["value"], 4)
    0.3333
    """
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise InputError(f"classification_report: {len(y_true)} gold items but {len(y_pred)} predictions")
    if multi_label is None:
        multi_label = _is_multi(y_true) or _is_multi(y_pred)
    Yt, Yp, labels = _indicators(y_true, y_pred, classes, multi_label)
    n = len(Yt)
    full_w = np.ones((1, n))
    W = bootstrap_weights(n, n_boot, seed) if n_boot and n else np.zeros((0, n))
    fixed = classes is not None
    full = _count_metrics(full_w, Yt, Yp, multi_label, fixed)
    fill = {k: full[f"_per_label_{k}"][0] for k in ("precision", "recall", "f1")}
    boots = _count_metrics(W, Yt, Yp, multi_label, fixed, None if fixed else fill) if len(W) else {}

    def ci(name: str, value: np.ndarray, samples: np.ndarray | None) -> dict[str, float]:
        return _ci_dict(ci_from_samples(float(value[0]), samples if samples is not None else np.array([]),
                                        level=level, n=n))

    headline = (["subset_accuracy", "hamming_loss", "example_f1"] if multi_label else ["accuracy"])
    headline += [f"{avg}_{m}" for avg in ("micro", "macro", "weighted") for m in ("precision", "recall", "f1")]
    metrics = {k: ci(k, full[k], boots.get(k)) for k in headline}

    if proba is not None and n:
        P = np.asarray(proba, dtype=np.float64)
        pcls = [str(c) for c in (proba_classes if proba_classes is not None else labels)]
        if P.shape != (n, len(pcls)):
            raise InputError(f"classification_report: proba has shape {P.shape}, expected ({n}, {len(pcls)})")
        metrics.update(_probability_metrics(P, pcls, y_true, multi_label, W, level, n))

    per_label = {}
    TP = (Yt & Yp).sum(axis=0)
    FP = (~Yt & Yp).sum(axis=0)
    FN = (Yt & ~Yp).sum(axis=0)
    f1_boot = boots.get("_per_label_f1")
    for j, lab in enumerate(labels):
        c = ci_from_samples(float(full["_per_label_f1"][0, j]),
                            f1_boot[:, j] if f1_boot is not None else np.array([]), level=level, n=n)
        per_label[lab] = {
            "precision": float(_div(TP[j], TP[j] + FP[j])),
            "recall": float(_div(TP[j], TP[j] + FN[j])),
            "f1": c.value, "f1_low": c.low, "f1_high": c.high,
            "support": int(TP[j] + FN[j]), "predicted": int(TP[j] + FP[j]),
        }
    if multi_label:
        cm = {lab: [[int((~Yt[:, j] & ~Yp[:, j]).sum()), int(FP[j])], [int(FN[j]), int(TP[j])]]
              for j, lab in enumerate(labels)}
        confusion = {"kind": "per_label", "layout": "[[tn, fp], [fn, tp]]", "matrices": cm}
    else:
        ti = Yt.argmax(axis=1)
        pi = Yp.argmax(axis=1)
        M = np.zeros((len(labels), len(labels)), dtype=int)
        ok = Yt.any(axis=1) & Yp.any(axis=1)
        np.add.at(M, (ti[ok], pi[ok]), 1)
        confusion = {"kind": "matrix", "layout": "rows = gold, columns = predicted", "labels": labels,
                     "matrix": M.tolist()}
    return {
        "task": "classification", "n": n, "multi_label": bool(multi_label), "labels": labels,
        "metrics": metrics, "per_label": per_label, "confusion_matrix": confusion,
        "bootstrap": {"n_boot": int(n_boot), "level": level, "seed": seed},
    }


def _probability_metrics(P, pcls, y_true, multi_label, W, level, n) -> dict[str, dict[str, float]]:
    gold = [set(_as_list(v)) for v in y_true]
    Y = np.array([[c in g for c in pcls] for g in gold], dtype=bool).reshape(n, len(pcls))
    full_w = np.ones((1, n))
    aucs, aps, aucs_b, aps_b = [], [], [], []
    for j in range(len(pcls)):
        if Y[:, j].all() or not Y[:, j].any():
            continue
        a, p = _weighted_ranking(Y[:, j], P[:, j], full_w)
        aucs.append(a[0])
        aps.append(p[0])
        if len(W):
            # a resample without positives (or negatives) of this label keeps its full-data score,
            # so every resample averages over the same labels as the full data
            ab, pb = _weighted_ranking(Y[:, j], P[:, j], W)
            aucs_b.append(np.where(np.isnan(ab), a[0], ab))
            aps_b.append(np.where(np.isnan(pb), p[0], pb))
    out = {}
    if aucs:
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                sa = np.nanmean(np.vstack(aucs_b), axis=0) if aucs_b else np.array([])
                sp = np.nanmean(np.vstack(aps_b), axis=0) if aps_b else np.array([])
        out["roc_auc_macro"] = _ci_dict(ci_from_samples(float(np.mean(aucs)), sa, level=level, n=n))
        out["pr_auc_macro"] = _ci_dict(ci_from_samples(float(np.mean(aps)), sp, level=level, n=n))
    if multi_label:
        cnt, sc, sr = _calibration_bins(P, Y)
    else:
        top = P.argmax(axis=1)
        correct = Y[np.arange(n), top]
        cnt, sc, sr = _calibration_bins(P.max(axis=1), correct)
    ece = float(_ece_from_bins(full_w, cnt, sc, sr)[0])
    ece_b = _ece_from_bins(W, cnt, sc, sr) if len(W) else np.array([])
    out["ece"] = _ci_dict(ci_from_samples(ece, ece_b, level=level, n=n))
    return out


def compare_classifiers(y_true, pred_a, pred_b, *, multi_label: bool | None = None, metric: str = "macro_f1",
                        n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Paired comparison of two classifiers' predictions on the same items (A - B).

    Returns the difference in ``metric`` with its paired-bootstrap CI and p-value, and a
    sign-flip permutation test on the per-item score (accuracy, or example-based F1).

    Examples
    --------
    >>> gold = ["a", "b"] * 20
    >>> res = compare_classifiers(gold, gold, ["a"] * 40, n_boot=200)
    >>> res["diff"]["value"] > 0, res["p_value"] < 0.05
    (True, True)
    """
    y_true, pred_a, pred_b = list(y_true), list(pred_a), list(pred_b)
    if multi_label is None:
        multi_label = _is_multi(y_true) or _is_multi(pred_a) or _is_multi(pred_b)
    labels = sorted({x for v in y_true + pred_a + pred_b for x in _as_list(v)})
    Yt, Ya, _ = _indicators(y_true, pred_a, labels, multi_label)
    _, Yb, _ = _indicators(y_true, pred_b, labels, multi_label)
    n = len(Yt)

    def fn(Yp):
        def metric_at(idx):
            w = np.bincount(idx, minlength=n)[None, :].astype(np.float64)
            return float(_count_metrics(w, Yt, Yp, multi_label, False)[metric][0])
        return metric_at

    res = paired_bootstrap(fn(Ya), fn(Yb), n, n_boot=n_boot, seed=seed)

    def per_item(Yp):
        if multi_label:
            inter = (Yt & Yp).sum(axis=1)
            denom = Yt.sum(axis=1) + Yp.sum(axis=1)
            return np.where(denom == 0, 1.0, _div(2.0 * inter, denom))
        return (Yt & Yp).any(axis=1).astype(float)

    return {"metric": metric, "n": n, "diff": _ci_dict(res.diff), "p_value": res.p_value,
            "permutation_p_value": permutation_test(per_item(Ya), per_item(Yb), seed=seed),
            "permutation_on": "example_f1" if multi_label else "accuracy"}
