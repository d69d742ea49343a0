"""Deterministic train/validation/test splits: stratified, grouped, or chronological.

Examples
--------
>>> parse_split_spec("train=0.8,validation=0.1,test=0.1")
{'train': 0.8, 'validation': 0.1, 'test': 0.1}
>>> assign_splits(["a", "b", "c", "d"], ["x", "x", "y", "y"], {"train": 0.5, "test": 0.5}, seed=0)
['train', 'test', 'test', 'train']
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from newsml.errors import ConfigError

__all__ = ["parse_split_spec", "assign_splits", "canonical_split_name", "DEFAULT_SPLIT"]

DEFAULT_SPLIT = {"train": 0.8, "validation": 0.1, "test": 0.1}
_ALIASES = {"dev": "validation", "valid": "validation", "val": "validation", "eval": "validation",
            "training": "train", "testing": "test"}


def canonical_split_name(name: str) -> str:
    """``dev``/``valid``/``val`` -> ``validation``, ``training`` -> ``train``; others unchanged (lower-cased)."""
    name = str(name).strip().lower()
    return _ALIASES.get(name, name)


def parse_split_spec(spec: str | dict | None, names: str | Sequence[str] | None = None) -> dict[str, float]:
    """Parse ``"train=0.8,validation=0.1,test=0.1"``: known split names, shares that sum to 1.

    Parameters
    ----------
    spec : str, dict or None
        ``NAME=SHARE`` pairs (``dev``/``valid`` count as ``validation``); None gives the 80/10/10 default.
    names : str or list of str, optional
        Extra split names to allow besides ``train``, ``validation`` and ``test`` (``"tune,holdout"``).

    Raises
    ------
    ConfigError
        For malformed specs, unknown split names (a typo such as ``tset``), negative shares or shares that do
        not sum to 1, naming the offending part.

    Examples
    --------
    >>> parse_split_spec("train=0.9,tset=0.1")
    Traceback (most recent call last):
    ...
    newsml.errors.ConfigError: --split: unknown split name 'tset' (did you mean 'test'?); allowed: train, validation, test (declare others with --split-names)
    >>> parse_split_spec("train=0.5,tune=0.5", names="tune")
    {'train': 0.5, 'tune': 0.5}
    """
    if spec is None:
        return dict(DEFAULT_SPLIT)
    allowed = ["train", "validation", "test"] + [canonical_split_name(n) for n in _as_names(names)
                                                   if canonical_split_name(n) not in ("train", "validation", "test")]
    if isinstance(spec, dict):
        parts = [(str(k), v) for k, v in spec.items()]
    else:
        parts = []
        for piece in str(spec).split(","):
            if not piece.strip():
                continue
            name, eq, value = piece.partition("=")
            if not eq:
                raise ConfigError(f"--split: {piece!r} is not NAME=FRACTION (e.g. 'train=0.8,test=0.2')")
            parts.append((name.strip(), value.strip() if isinstance(value, str) else value))
    if not parts:
        raise ConfigError(f"--split: {spec!r} names no split (e.g. 'train=0.8,test=0.2')")
    out: dict[str, float] = {}
    for name, value in parts:
        try:
            frac = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"--split: fraction for {name!r} is {value!r}, not a number") from None
        if not name or not frac >= 0 or frac == float("inf"):
            raise ConfigError(f"--split: {name!r}={value!r} must be a name with a non-negative fraction")
        key = canonical_split_name(name)
        if key not in allowed:
            import difflib

            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"--split: unknown split name {name!r}{hint}; allowed: {', '.join(allowed)} "
                              "(declare others with --split-names)")
        if key in out:
            raise ConfigError(f"--split: split {key!r} is named twice ({spec if isinstance(spec, str) else parts})")
        out[key] = frac
    total = sum(out.values())
    if abs(total - 1.0) > 1e-3:
        raise ConfigError(f"--split: the shares sum to {total:g}, not 1 ({spec if isinstance(spec, str) else out})")
    return {k: v / total for k, v in out.items()}


def _as_names(names: str | Sequence[str] | None) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str):
        return [n.strip() for n in names.split(",") if n.strip()]
    return [str(n).strip() for n in names if str(n).strip()]


def _stable_key(value: str, seed: int) -> str:
    return hashlib.sha1(f"{seed}\x00{value}".encode()).hexdigest()


def assign_splits(groups: Sequence[str], strata: Sequence[str], ratios: dict[str, float], *, seed: int = 13,
                  dates: Sequence[str | None] | None = None) -> list[str]:
    """Assign every document to a split.

    Parameters
    ----------
    groups : sequence of str
        Group key per document (its own id when ungrouped); a group never straddles two splits.
    strata : sequence of str
        Stratum per document (its first label, ``""`` when unlabelled). A group's stratum is that of its
        first member.
    ratios : dict
        Split name -> fraction.
    seed : int
        The order of groups inside a stratum is a hash of ``(seed, group key)``, so the result depends
        only on the keys, labels and seed, not on the input order.
    dates : sequence of str, optional
        Split chronologically instead: groups sorted by their earliest ISO date (undated first) fill the
        splits in the order given by ``ratios``.

    Returns
    -------
    list of str
        Split name per document.
    """
    names = list(ratios)
    frac = np.array([ratios[n] for n in names], dtype=float)
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    out = [names[0]] * len(groups)
    if dates is not None:
        def first_date(idx):
            ds = [dates[i] for i in idx if dates[i]]
            return min(ds) if ds else ""

        order = sorted(members, key=lambda g: (first_date(members[g]), _stable_key(g, seed)))
        bounds = np.cumsum(frac) * len(groups)
        done = 0
        for g in order:
            j = int(np.searchsorted(bounds, done + 0.5 * len(members[g]), side="right"))
            j = min(j, len(names) - 1)
            for i in members[g]:
                out[i] = names[j]
            done += len(members[g])
        return out
    by_stratum: dict[str, list[str]] = {}
    for g, idx in members.items():
        by_stratum.setdefault(strata[idx[0]], []).append(g)
    for stratum in sorted(by_stratum):
        gs = sorted(by_stratum[stratum], key=lambda g: _stable_key(g, seed))
        filled = np.zeros(len(names))
        total = 0
        for g in gs:
            size = len(members[g])
            deficit = frac * (total + size) - filled
            j = int(np.argmax(deficit))
            filled[j] += size
            total += size
            for i in members[g]:
                out[i] = names[j]
    return out
