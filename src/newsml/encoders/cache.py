"""Where encoders and their derived files are cached: on disk (the ONNX exports) and in this process.

Examples
--------
>>> import os
>>> from newsml.encoders.cache import cache_dir
>>> os.environ["NEWSML_CACHE"] = "/tmp/newsml-cache-example"
>>> str(cache_dir())
'/tmp/newsml-cache-example'
>>> del os.environ["NEWSML_CACHE"]
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Any

#: bump when the export format or checks change (old exports are then redone in a new folder)
ONNX_EXPORT_VERSION = 1

#: loaded sentence-transformers models, by (resolved name or path, device)
MODELS: dict[tuple[str, str], Any] = {}
#: loaded ONNX encoders, by (resolved name or path, quantize)
ONNX_ENCODERS: dict[tuple[str, bool], Any] = {}
#: resolved name -> why its ONNX export failed (not retried in this process)
ONNX_FAILED: dict[str, str] = {}
#: (resolved name, reason) pairs already warned about
WARNED: set[tuple[str, str]] = set()
#: guards the dictionaries above
LOCK = threading.Lock()


def cache_dir() -> Path:
    """Folder for newsml's derived files: ``$NEWSML_CACHE``, else ``$XDG_CACHE_HOME/newsml``, else ``~/.cache/newsml``.

    Examples
    --------
    >>> cache_dir().name  # doctest: +SKIP
    PosixPath('/home/me/.cache/newsml')
    """
    env = os.environ.get("NEWSML_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "newsml"


def export_dir(source: str, label: str) -> Path:
    """The cache folder for the ONNX export of the resolved model ``source`` (it need not exist yet).

    The folder name hashes ``source`` (a local folder: its resolved path and the sizes and modification
    times of its weight files) and :data:`ONNX_EXPORT_VERSION`, so a retrained local model is exported
    again; ``label`` gives the folder a readable prefix.
    """
    parts = [f"v{ONNX_EXPORT_VERSION}", source]
    p = Path(source)
    if p.is_dir():
        parts[1] = str(p.resolve())
        for f in sorted(p.iterdir()):
            if f.suffix in (".safetensors", ".bin", ".pt", ".json") and f.is_file():
                st = f.stat()
                parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    digest = hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)[:40] or "model"
    return cache_dir() / "onnx" / f"{slug}-{digest}"
