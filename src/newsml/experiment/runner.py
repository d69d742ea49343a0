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

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsml.experiment import rundir as rd
from newsml.experiment.components import _newsml_version, set_seeds
from newsml.experiment.config import ExperimentConfig, config_to_dict, load_config
from newsml.experiment.data import Data as _Data
from newsml.experiment.data import prepare_data
from newsml.experiment.parts import _find_resumable, _new_dir, run_part, runs_root
from newsml.outdir import OutputFolder

__all__ = ["RunResult", "run_experiment", "runs_root", "set_seeds"]


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
        result, preds, was_reused = run_part(path, root, kind, i, comp, cfg, resolved, data,
                                             copy_earlier=out is None, force=force, log=log)
        (reused if was_reused else computed).append(f"{kind}:{comp.key}")
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
