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
