"""The data step of a run: load the configured dataset, pick the splits, fingerprint them.

:func:`prepare_data` turns ``cfg.dataset`` into the rows each component sees. Split names are checked:
a ``train_split``/``validation_split``/``eval_split`` that the data does not have is an error (with a
"did you mean"), and without ``eval_split`` the run never falls back to evaluating on the training split.

Examples
--------
>>> from newsml.experiment.config import load_config
>>> cfg = load_config({"name": "demo", "dataset": {"source": "seeds/", "options": {"split": "test=1"}},
...                    "summarizers": [{"name": "lead"}]})
>>> data = prepare_data(cfg)  # doctest: +SKIP
>>> data.eval_split, data.info["n_eval"]  # doctest: +SKIP
('test', 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from newsml.errors import ConfigError, InputError
from newsml.experiment import rundir as rd
from newsml.experiment.config import ExperimentConfig

__all__ = ["Data", "prepare_data", "load_splits"]


def _rows(ds) -> list[dict[str, Any]]:
    cols = [c for c in ("id", "text", "title", "sentences", "labels", "summary") if c in ds.column_names]
    out = []
    for i, r in enumerate(ds.select_columns(cols).to_list() if cols else []):
        r.setdefault("id", str(i))
        r["id"] = str(r["id"])
        r["labels"] = [str(x) for x in (r.get("labels") or [])]
        r["summary"] = r.get("summary") or ""
        r["text"] = r.get("text") or ""
        out.append(r)
    return out


def load_splits(cfg: ExperimentConfig) -> dict[str, list[dict[str, Any]]]:
    """Load the configured dataset as ``{split: [row, ...]}`` (rows: id, text, labels, summary)."""
    try:
        from newsml.data import load_dataset
    except ImportError as exc:  # pragma: no cover - the preprocessing package provides it
        raise ConfigError(f"dataset.source: newsml.data.load_dataset is unavailable ({exc})") from None
    d = cfg.dataset
    opts = dict(d.options)
    opts.setdefault("seed", cfg.seed)
    opts.setdefault("progress", False)
    if d.data_dir:
        opts["data_dir"] = d.data_dir
    try:
        dd = load_dataset(d.source, **opts)
    except TypeError as exc:
        raise ConfigError(f"dataset.options: {exc}") from None
    if hasattr(dd, "keys"):
        return {name: _rows(dd[name]) for name in dd.keys()}
    return {"all": _rows(dd)}


def _pick_eval(cfg: ExperimentConfig, splits: dict[str, list]) -> str:
    want = cfg.dataset.eval_split
    if want:
        if want not in splits:
            raise ConfigError(f"dataset.eval_split: no split {want!r}{_did_you_mean(want, splits)}; "
                              f"allowed: {', '.join(splits)}")
        return want
    for name in ("test", "validation"):
        if name in splits and splits[name]:
            return name
    if len(splits) == 1:
        return next(iter(splits))
    # never fall back to evaluating on the training split: a typo in a split name would go unnoticed
    others = [s for s in splits if s != cfg.dataset.train_split]
    if len(others) == 1:
        return others[0]
    raise ConfigError(f"dataset.eval_split: the data has no test or validation split (splits: {', '.join(splits)}); "
                      "name the split to evaluate on")


def _did_you_mean(name: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_split_names(cfg: ExperimentConfig, splits: dict[str, list]) -> None:
    """A train/validation split named in the config must exist (the defaults may be absent)."""
    d = cfg.dataset
    for key, value, default in (("train_split", d.train_split, "train"),
                                ("validation_split", d.validation_split, "validation")):
        if value != default and value not in splits:
            raise ConfigError(f"dataset.{key}: no split {value!r}{_did_you_mean(value, splits)}; "
                              f"allowed: {', '.join(splits)}")


def _subsample(rows: list, n: int | None, seed: int) -> list:
    if n is None or n >= len(rows):
        return rows
    idx = np.sort(np.random.default_rng(seed).choice(len(rows), n, replace=False))
    return [rows[i] for i in idx]


@dataclass
class Data:
    """The documents of a run: the evaluation, training and validation rows, and what ``data.json`` records."""

    eval_split: str
    eval_rows: list[dict[str, Any]]
    train_rows: list[dict[str, Any]]
    val_rows: list[dict[str, Any]]
    multi_label: bool
    info: dict[str, Any]


def prepare_data(cfg: ExperimentConfig) -> Data:
    splits = load_splits(cfg)
    d = cfg.dataset
    _check_split_names(cfg, splits)
    name = _pick_eval(cfg, splits)
    rows = splits[name]
    if d.limit:
        rows = rows[: d.limit]
    rows = _subsample(rows, d.sample, cfg.seed)
    if not rows:
        raise InputError(f"dataset {d.source!r}: the evaluation split {name!r} is empty")
    train = splits.get(d.train_split, []) if d.train_split != name else []
    train = _subsample(train, d.train_limit, cfg.seed)
    val = splits.get(d.validation_split, []) if d.validation_split != name else []
    labelled = [r for r in rows + train if r["labels"]]
    if d.multi_label == "auto":
        multi = any(len(r["labels"]) != 1 for r in labelled) if labelled else False
    else:
        multi = bool(d.multi_label)
    info = {
        "source": d.source, "eval_split": name, "splits": {k: len(v) for k, v in splits.items()},
        "n_eval": len(rows), "n_train": len(train), "n_validation": len(val), "multi_label": multi,
        "fingerprint": rd.data_fingerprint(rows), "train_fingerprint": rd.data_fingerprint(train),
        "labels": sorted({x for r in rows for x in r["labels"]}),
        "n_with_summary": sum(bool(r["summary"]) for r in rows),
    }
    return Data(name, rows, train, val, multi, info)
