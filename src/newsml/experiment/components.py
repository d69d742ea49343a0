"""Build, fit, run and score one experiment component (a classifier or a summariser).

:func:`_run_classifier` and :func:`_run_summarizer` return the part's ``result.json`` content (the report,
timings, every constructor parameter and the newsml version) and its prediction rows.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

import numpy as np

from newsml.errors import ConfigError, NotFittedError
from newsml.experiment.config import ComponentConfig, ExperimentConfig
from newsml.experiment.data import Data as _Data
from newsml.experiment.measure import peak_memory_mib
from newsml.utils import jsonable_params


def set_seeds(seed: int) -> None:
    """Seed Python, numpy and (when already imported) torch."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def _build(registry, comp: ComponentConfig, seed: int, extra: dict[str, Any]):
    import inspect

    cls = registry.get_class(comp.name)
    params = dict(comp.params)
    try:
        sig = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        sig = {}
    for key, value in {**extra, "random_state": seed, "seed": seed, "progress": False}.items():
        if key in sig and key not in params:
            params[key] = value
    return registry.build(comp.name, **params), params


def _newsml_version() -> str:
    from newsml._version import __version__

    return __version__


def _full_params(kind: str, comp: ComponentConfig, seed: int, multi_label: bool) -> dict[str, Any]:
    """Every constructor parameter of the component as it will be built (defaults included)."""
    from newsml.registry import classifiers, summarizers

    if kind == "classifier":
        obj, _ = _build(classifiers, comp, seed, {"multi_label": multi_label})
    else:
        obj, _ = _build(summarizers, comp, seed, {})
    return _params_of(obj, comp.params)


def _params_of(obj: Any, given: dict[str, Any]) -> dict[str, Any]:
    """``obj.get_params()``; for a plug-in without it, its ``__init__`` defaults updated with ``given``."""
    if hasattr(obj, "get_params"):
        return jsonable_params(obj.get_params(deep=False))
    import inspect

    try:
        sig = inspect.signature(type(obj)).parameters
    except (TypeError, ValueError):
        sig = {}
    defaults = {k: p.default for k, p in sig.items() if p.default is not inspect.Parameter.empty}
    return jsonable_params({**defaults, **given})


def _gold(rows: list[dict[str, Any]], multi: bool) -> list:
    return [list(r["labels"]) if multi else (r["labels"][0] if r["labels"] else "") for r in rows]


def _texts(rows: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in rows]


# --------------------------------------------------------------------------------- components
def _run_classifier(cfg: ExperimentConfig, i: int, comp: ComponentConfig, data: _Data) -> tuple[dict, list]:
    from newsml.evaluate import classification_report
    from newsml.registry import classifiers

    where = f"classifiers[{i}]"
    if not any(r["labels"] for r in data.eval_rows):
        raise ConfigError(f"{where}: the evaluation documents have no gold labels to score a classifier against")
    clf, params = _build(classifiers, comp, cfg.seed, {"multi_label": data.multi_label})
    canonical = classifiers.canonical(comp.name)
    needs_fit = bool(getattr(type(clf), "requires_fit", True))
    train = [r for r in data.train_rows if r["labels"] or data.multi_label]
    # auto: fit trainable classifiers when there is training data; taxonomy-based ones predict as is
    do_fit = comp.fit == "always" or (comp.fit == "auto" and needs_fit and bool(train))
    fit_s = 0.0
    if do_fit:
        if not train:
            raise ConfigError(f"{where}.fit: {comp.name!r} needs training data but split "
                              f"{cfg.dataset.train_split!r} has no labelled documents; set dataset.train_split "
                              "or fit: never")
        val = [r for r in data.val_rows if r["labels"] or data.multi_label]
        t0 = time.perf_counter()
        kwargs = {"validation": (_texts(val), _gold(val, data.multi_label))} if val else {}
        clf.fit(_texts(train), _gold(train, data.multi_label), **kwargs)
        fit_s = time.perf_counter() - t0
    texts = _texts(data.eval_rows)
    t0 = time.perf_counter()
    try:
        P = np.asarray(clf.predict_proba(texts))
        pred = clf.decide(P) if hasattr(clf, "decide") else clf.predict(texts)
    except NotFittedError as exc:
        raise ConfigError(f"{where}.fit: {exc} (set fit: always and give a train split)") from None
    pred_s = time.perf_counter() - t0
    k = cfg.evaluation.memory_sample
    mem = round(peak_memory_mib(lambda: clf.predict_proba(texts[:k])), 1) if k else None
    classes = [str(c) for c in getattr(clf, "classes_", [])]
    gold = _gold(data.eval_rows, data.multi_label)
    multi = data.multi_label
    if not multi:
        pred = [p[0] if isinstance(p, list) and p else ("" if isinstance(p, list) else p) for p in pred]
    report = classification_report(gold, pred, proba=P if P.shape == (len(texts), len(classes)) else None,
                                   proba_classes=classes or None, multi_label=multi,
                                   n_boot=cfg.evaluation.n_boot, level=cfg.evaluation.level, seed=cfg.seed)
    preds = []
    for r, g, p, row in zip(data.eval_rows, gold, pred, P if P.ndim == 2 else [None] * len(texts)):
        top = {}
        if row is not None and classes:
            order = np.argsort(-row)[:5]
            top = {classes[j]: round(float(row[j]), 4) for j in order}
        preds.append({"system": comp.key, "kind": "classifier", "id": r["id"], "gold": g, "pred": p,
                      "top_scores": top})
    result = {
        "kind": "classifier", "id": comp.key, "name": canonical, "params": _params_of(clf, params),
        "config_params": jsonable_params(params), "newsml_version": _newsml_version(), "fitted": do_fit,
        "classes": classes, "n_train": len(train) if do_fit else 0,
        "timing": {"fit_seconds": fit_s, "predict_seconds": pred_s,
                   "docs_per_second": len(texts) / pred_s if pred_s > 0 else None,
                   "peak_memory_mib": mem, "memory_sample": k or None},
        "report": report,
    }
    return result, preds


def _run_summarizer(cfg: ExperimentConfig, i: int, comp, data: _Data) -> tuple[dict, list]:
    from newsml.evaluate import summarization_report
    from newsml.registry import summarizers

    where = f"summarizers[{i}]"
    summ, params = _build(summarizers, comp, cfg.seed, {})
    canonical = summarizers.canonical(comp.name)
    needs_fit = bool(getattr(type(summ), "requires_fit", False))
    train = [r for r in data.train_rows if r["summary"]]
    # auto: train trainable summarisers when there is training data, else use them as shipped
    do_fit = comp.fit == "always" or (comp.fit == "auto" and needs_fit and bool(train))
    fit_s = 0.0
    if do_fit:
        if not train:
            raise ConfigError(f"{where}.fit: {comp.name!r} needs training data but split "
                              f"{cfg.dataset.train_split!r} has no documents with a summary")
        t0 = time.perf_counter()
        summ.fit(_texts(train), [r["summary"] for r in train])
        fit_s = time.perf_counter() - t0
    texts = _texts(data.eval_rows)
    options = dict(comp.options)
    # prepared rows carry their sentences: summarisers use them as is (the fast path)
    inputs: list[Any] = texts
    try:
        from newsml.summarize.base import BaseSummarizer

        if isinstance(summ, BaseSummarizer):
            inputs = [{k: r[k] for k in ("text", "title", "sentences") if r.get(k)} for r in data.eval_rows]
    except ImportError:  # pragma: no cover
        pass
    t0 = time.perf_counter()
    try:
        out = summ.summarize(inputs, **options)
    except NotFittedError as exc:
        raise ConfigError(f"{where}.fit: {exc} (give a train split with summaries, or fit: always)") from None
    pred_s = time.perf_counter() - t0
    k = cfg.evaluation.memory_sample
    mem = round(peak_memory_mib(lambda: summ.summarize(inputs[:k], **options)), 1) if k else None
    summaries = [getattr(s, "text", s) for s in out]
    refs = [r["summary"] for r in data.eval_rows]
    has_refs = any(refs)
    # a shipped model scored on its own training documents measures its training set: say so
    seen = summ.pretrained_training_ids() if not do_fit and hasattr(summ, "pretrained_training_ids") else set()
    n_seen = sum(1 for r in data.eval_rows if r["id"] in seen)
    if n_seen:
        print(f"warning: {where} ({canonical}): {n_seen} of {len(data.eval_rows)} evaluation documents are "
              "training documents of its shipped model; its scores on them measure its training set",
              file=sys.stderr)
    report = summarization_report(summaries, refs if has_refs else None, texts,
                                  embeddings=cfg.evaluation.embeddings, encoder=cfg.evaluation.encoder,
                                  n_boot=cfg.evaluation.n_boot, level=cfg.evaluation.level, seed=cfg.seed)
    preds = []
    for k, (r, s, o) in enumerate(zip(data.eval_rows, summaries, out)):
        scores = {m: report["per_doc"][m][k] for m in ("rouge1", "rouge2", "rougeL", "rougeLsum")
                  if m in report["per_doc"]}
        preds.append({"system": comp.key, "kind": "summarizer", "id": r["id"], "summary": s,
                      "sentences": list(getattr(o, "sentences", []) or []), "reference": r["summary"],
                      "scores": scores})
    result = {
        "kind": "summarizer", "id": comp.key, "name": canonical, "params": _params_of(summ, params),
        "config_params": jsonable_params(params), "newsml_version": _newsml_version(), "fitted": do_fit,
        "options": comp.options, "n_train": len(train) if do_fit else 0,
        "eval_docs_in_pretrained_training": n_seen,
        "timing": {"fit_seconds": fit_s, "predict_seconds": pred_s,
                   "docs_per_second": len(texts) / pred_s if pred_s > 0 else None,
                   "peak_memory_mib": mem, "memory_sample": k or None},
        "report": report,
    }
    return result, preds
