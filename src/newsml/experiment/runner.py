"""Run an experiment config: data -> classifiers and/or summarisers -> evaluation -> run directory.

A run directory holds::

    config.yaml        the resolved config (every default filled in)
    environment.json   Python, packages, CPU, git commit
    data.json          data fingerprint (SHA-256 of ids, texts, labels, summaries), split sizes
    run.json           run identity: config hash + data fingerprint (used to resume)
    parts/<kind>-<id>/ one folder per component: result.json, predictions.jsonl, done.json (last)
    metrics.json       every report, with CIs, plus paired comparisons between the systems
    predictions.jsonl  one line per (system, document)
    report.md          tables and PNG plots (confusion matrix, per-label F1, ROUGE with CI bars)
    COMPLETE           written last: a run without it crashed or is still running

Rerunning the same config resumes: components whose ``done.json`` matches (same component
settings, same data) are loaded instead of recomputed, unless ``force=True``.

Examples
--------
>>> from newsml.experiment import run_experiment
>>> result = run_experiment("configs/seed.yaml", out="runs/demo")  # doctest: +SKIP
>>> result.path.name, result.complete  # doctest: +SKIP
('demo', True)
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from newsml.errors import ConfigError, NotFittedError
from newsml.experiment import rundir as rd
from newsml.experiment.config import ComponentConfig, ExperimentConfig, config_to_dict, load_config
from newsml.experiment.data import Data as _Data
from newsml.experiment.data import prepare_data
from newsml.experiment.measure import peak_memory_mib
from newsml.outdir import OutputFolder
from newsml.utils import jsonable_params


@dataclass
class RunResult:
    """What :func:`run_experiment` returns."""

    path: Path
    metrics: dict[str, Any]
    complete: bool
    reused: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------- helpers
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


# -------------------------------------------------------------------------------- run folders
def _find_resumable(root: Path, run_hash: str) -> Path | None:
    if not root.is_dir():
        return None
    for d in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        info = d / rd.RUN_INFO
        if info.exists():
            try:
                if rd.read_json(info).get("run_hash") == run_hash:
                    return d
            except (OSError, ValueError):
                continue
    return None


def _new_dir(root: Path) -> Path:
    base = root / rd.timestamp()
    path, k = base, 1
    while path.exists():
        path = Path(f"{base}-{k}")
        k += 1
    return path


def runs_root() -> Path:
    return Path(os.environ.get("NEWSML_RUNS_DIR", "runs"))


def run_experiment(config: str | Path | dict[str, Any] | ExperimentConfig, overrides: list[str] | None = None, *,
                   out: str | Path | None = None, force: bool = False,
                   log: Callable[[str], None] = _log) -> RunResult:
    """Run ``config`` (path, dict or validated config) and write its run directory.

    Parameters
    ----------
    config:
        YAML path, dict or :class:`ExperimentConfig`.
    overrides:
        ``key=value`` strings (dotted keys), applied before validation.
    out:
        Run directory (default: ``runs/<name>/<UTC timestamp>``, or the latest run of this name
        with the same config and data, to resume it).
    force:
        Recompute every part (with the default directory: in a new timestamped directory).
    log:
        Progress sink (default: standard error).

    Returns
    -------
    RunResult
        ``path``, ``metrics`` (the content of metrics.json), ``complete``, and which parts were
        ``reused`` or ``computed``.

    Examples
    --------
    >>> res = run_experiment({"name": "demo", "dataset": {"source": "seeds/"},
    ...                       "summarizers": [{"name": "lead"}]}, out="/tmp/newsml-demo")  # doctest: +SKIP
    >>> sorted(p.name for p in res.path.glob("*.png"))  # doctest: +SKIP
    ['rouge.png']
    """
    cfg = config if isinstance(config, ExperimentConfig) else load_config(config, overrides)
    set_seeds(cfg.seed)
    resolved = config_to_dict(cfg)
    inputs = [cfg.dataset.source] if Path(cfg.dataset.source).exists() else []
    if out is not None:
        OutputFolder(out, "run", inputs=inputs, atomic=False, flag="run folder").check()  # fail before the work
    data = prepare_data(cfg)
    run_hash = rd.stable_hash({"config": resolved, "data": data.info["fingerprint"],
                               "train": data.info["train_fingerprint"], "newsml_version": _newsml_version()})
    root = runs_root() / cfg.name
    if out is not None:
        path = Path(out)
    else:
        found = None if force else _find_resumable(root, run_hash)
        path = found or _new_dir(root)
    with OutputFolder(path, "run", inputs=inputs, atomic=False, flag="run folder"):
        return _run_in(path, cfg, resolved, data, run_hash, root, out, force, log)


def _run_in(path: Path, cfg: ExperimentConfig, resolved: dict[str, Any], data: _Data, run_hash: str, root: Path,
            out, force: bool, log: Callable[[str], None]) -> RunResult:
    """The run itself, in ``path`` (checked and locked by the caller)."""
    if force:
        for p in (path / "parts", path / rd.COMPLETE):
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    if rd.is_complete(path) and not force:
        try:
            if rd.read_json(path / rd.RUN_INFO).get("run_hash") == run_hash:
                log(f"run already complete: {path} (use --force to recompute)")
                return RunResult(path, rd.read_json(path / "metrics.json"), True, reused=["all"])
        except (OSError, ValueError):
            pass
    (path / rd.COMPLETE).unlink(missing_ok=True)
    import yaml

    rd.write_text_atomic(path / "config.yaml", yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True))
    rd.write_json_atomic(path / "environment.json", rd.environment())
    rd.write_json_atomic(path / "data.json", data.info)
    rd.write_json_atomic(path / rd.RUN_INFO, {"name": cfg.name, "run_hash": run_hash, "started": rd.utc_now(),
                                              "seed": cfg.seed, "newsml_version": _newsml_version()})

    results: dict[str, dict[str, dict]] = {"classifiers": {}, "summarizers": {}}
    all_preds: list[dict] = []
    reused, computed = [], []
    jobs = [("classifier", i, c) for i, c in enumerate(cfg.classifiers)] + \
           [("summarizer", i, c) for i, c in enumerate(cfg.summarizers)]
    for kind, i, comp in jobs:
        part = path / "parts" / f"{kind}-{_safe(comp.key)}"
        scoring = {k: resolved["evaluation"][k] for k in ("n_boot", "level", "embeddings", "encoder")}
        part_hash = rd.stable_hash({"component": comp.model_dump(mode="json"), "kind": kind, "seed": cfg.seed,
                                    "params": _full_params(kind, comp, cfg.seed, data.multi_label),
                                    "newsml_version": _newsml_version(),
                                    "dataset": resolved["dataset"], "evaluation": scoring,
                                    "data": data.info["fingerprint"], "train": data.info["train_fingerprint"]})
        done = part / "done.json"
        if not force and not _part_done(part, part_hash) and out is None:
            _copy_part_from_earlier_run(root, path, part, part_hash)
        if not force and _part_done(part, part_hash):
            result = rd.read_json(part / "result.json")
            preds = rd.read_jsonl(part / "predictions.jsonl")
            reused.append(f"{kind}:{comp.key}")
            log(f"[{kind} {comp.key}] finished earlier, reusing {part}")
        else:
            log(f"[{kind} {comp.key}] running on {len(data.eval_rows)} documents ...")
            set_seeds(cfg.seed)
            runner = _run_classifier if kind == "classifier" else _run_summarizer
            result, preds = runner(cfg, i, comp, data)
            done.unlink(missing_ok=True)
            rd.write_json_atomic(part / "result.json", result)
            rd.write_jsonl_atomic(part / "predictions.jsonl", preds)
            rd.write_json_atomic(done, {"hash": part_hash, "finished": rd.utc_now()})
            computed.append(f"{kind}:{comp.key}")
        results[kind + "s"][comp.key] = result
        all_preds.extend(preds)

    from newsml.experiment.report import compare_within_run, write_run_report

    comparisons = compare_within_run(results, all_preds, cfg) if cfg.evaluation.compare else {}
    metrics = {"name": cfg.name, "description": cfg.description, "seed": cfg.seed, "run_hash": run_hash,
               "n_boot": cfg.evaluation.n_boot, "memory_sample": cfg.evaluation.memory_sample,
               "data": data.info, **results, "comparisons": comparisons}
    rd.write_jsonl_atomic(path / "predictions.jsonl", all_preds)
    rd.write_json_atomic(path / "metrics.json", metrics)
    write_run_report(path, metrics, plots=cfg.evaluation.plots)
    rd.mark_complete(path, {"run_hash": run_hash, "reused": reused, "computed": computed})
    return RunResult(path, metrics, True, reused, computed)


def _part_done(part: Path, part_hash: str) -> bool:
    done = part / "done.json"
    try:
        return done.exists() and rd.read_json(done).get("hash") == part_hash
    except (OSError, ValueError):
        return False


def _copy_part_from_earlier_run(root: Path, path: Path, part: Path, part_hash: str) -> None:
    """Reuse a finished part with the same hash from an earlier run of the same config name."""
    if not root.is_dir():
        return
    for d in sorted((p for p in root.iterdir() if p.is_dir() and p != path), reverse=True):
        other = d / part.relative_to(path)
        if _part_done(other, part_hash):
            tmp = part.with_name(part.name + ".copying")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(other, tmp)
            shutil.rmtree(part, ignore_errors=True)
            os.replace(tmp, part)
            return


def _safe(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
