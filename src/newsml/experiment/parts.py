"""Run folders and their parts: where a run goes, and each component's part computed or reused.

A part (``parts/<kind>-<id>/``) is reused when its ``done.json`` holds the same hash: the component
config, its full parameters, the newsml version, the dataset and scoring settings and the data
fingerprints. A finished part with that hash in an earlier run of the same name is copied over.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsml.experiment import rundir as rd
from newsml.experiment.components import (
    _full_params,
    _newsml_version,
    _run_classifier,
    _run_summarizer,
    set_seeds,
)
from newsml.experiment.config import ComponentConfig, ExperimentConfig
from newsml.experiment.data import Data as _Data


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


def part_hash(kind: str, comp: ComponentConfig, cfg: ExperimentConfig, resolved: dict[str, Any],
              data: _Data) -> str:
    """The identity of one part: what must match for a finished part to be reused."""
    scoring = {k: resolved["evaluation"][k] for k in ("n_boot", "level", "embeddings", "encoder")}
    return rd.stable_hash({"component": comp.model_dump(mode="json"), "kind": kind, "seed": cfg.seed,
                           "params": _full_params(kind, comp, cfg.seed, data.multi_label),
                           "newsml_version": _newsml_version(),
                           "dataset": resolved["dataset"], "evaluation": scoring,
                           "data": data.info["fingerprint"], "train": data.info["train_fingerprint"]})


def run_part(path: Path, root: Path, kind: str, i: int, comp: ComponentConfig, cfg: ExperimentConfig,
             resolved: dict[str, Any], data: _Data, *, copy_earlier: bool, force: bool,
             log: Callable[[str], None]) -> tuple[dict, list, bool]:
    """``(result, predictions, reused)`` of one component: read back from a finished part or computed.

    With ``copy_earlier``, a finished part with the same hash in an earlier run under ``root`` is
    copied first. A computed part writes ``result.json``, ``predictions.jsonl`` and ``done.json`` (last).
    """
    part = path / "parts" / f"{kind}-{_safe(comp.key)}"
    h = part_hash(kind, comp, cfg, resolved, data)
    done = part / "done.json"
    if not force and not _part_done(part, h) and copy_earlier:
        _copy_part_from_earlier_run(root, path, part, h)
    if not force and _part_done(part, h):
        log(f"[{kind} {comp.key}] finished earlier, reusing {part}")
        return rd.read_json(part / "result.json"), rd.read_jsonl(part / "predictions.jsonl"), True
    log(f"[{kind} {comp.key}] running on {len(data.eval_rows)} documents ...")
    set_seeds(cfg.seed)
    runner = _run_classifier if kind == "classifier" else _run_summarizer
    result, preds = runner(cfg, i, comp, data)
    done.unlink(missing_ok=True)
    rd.write_json_atomic(part / "result.json", result)
    rd.write_jsonl_atomic(part / "predictions.jsonl", preds)
    rd.write_json_atomic(done, {"hash": h, "finished": rd.utc_now()})
    return result, preds, False


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
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
