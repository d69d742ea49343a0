"""Small helpers shared across areas (kept free of heavy imports).

Examples
--------
>>> jsonable_params({"C": 1.0, "fn": len})
{'C': 1.0, 'fn': '<built-in function len>'}
"""

from __future__ import annotations

import json
from typing import Any


def jsonable_params(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every value that JSON cannot encode replaced by its ``str``."""
    out = {}
    for k, v in params.items():
        try:
            json.dumps(v)
            out[k] = v
        except TypeError:
            out[k] = str(v)
    return out


def component_header(obj: Any) -> dict[str, Any]:
    """The part of a saved component's JSON config common to classifiers and summarisers."""
    from newsml._version import __version__

    return {"newsml_version": __version__, "name": getattr(obj, "name", ""),
            "class": f"{type(obj).__module__}:{type(obj).__qualname__}",
            "params": jsonable_params(obj.get_params(deep=False))}


def write_component(path, config_file: str, config: dict[str, Any], weights_file: str,
                    arrays: dict[str, Any]) -> None:
    """Write a component's JSON config and (when there are any) its arrays as safetensors: no pickle."""
    from pathlib import Path

    path = Path(path)
    (path / config_file).write_text(json.dumps(config, indent=2, ensure_ascii=False))
    if arrays:
        import numpy as np
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(path / weights_file))
