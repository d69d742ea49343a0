"""mkdocs hooks: fill the generated parts of the docs site at build time.

``<!-- generated:benchmarks -->`` becomes every benchmark result (``experiments/make_results.py:build``)
and ``<!-- generated:headline -->`` the short results table that README.md also carries, both read from
``experiments/results/`` at build time so the site never shows numbers other than the result files'.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def _make_results():
    spec = importlib.util.spec_from_file_location("newsml_make_results", ROOT / "experiments" / "make_results.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 - mkdocs hook signature
    mr = _make_results()
    if "<!-- generated:headline -->" in markdown:
        markdown = markdown.replace("<!-- generated:headline -->", mr.headline_table())
    if "<!-- generated:benchmarks -->" in markdown:
        body = mr.build(heading=None)
        markdown = markdown.replace("<!-- generated:benchmarks -->", _promote(body))
    return markdown


def _promote(md: str) -> str:
    """Raise every heading below level 2 by one level (the results' "###" sections sit under the title)."""
    out, fence = [], False
    for line in md.splitlines():
        if line.strip().startswith("```"):
            fence = not fence
        if not fence and re.match(r"^#{3,6} ", line):
            line = line[1:]
        out.append(line)
    return "\n".join(out)
