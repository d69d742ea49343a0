"""The docs site's sources: every section file is on a page, includes resolve, generated parts are filled.

``make test`` also builds the whole site with ``mkdocs build --strict``; these checks are the fast part.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def hooks():
    spec = importlib.util.spec_from_file_location("newsml_docs_hooks", DOCS / "hooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def nav_pages() -> list[str]:
    cfg = yaml.safe_load((REPO / "mkdocs.yml").read_text().replace("!!python", "#"))
    return [next(iter(item.values())) for item in cfg["nav"]]


def test_every_nav_page_exists_and_every_section_file_is_on_a_page():
    pages = nav_pages()
    assert {"index.md", "data.md", "classify.md", "summarize.md", "evaluate.md", "experiments.md", "scale.md",
            "robustness.md", "benchmarks.md", "design.md", "contributing.md"} <= set(pages)
    for page in pages:
        assert (DOCS / page).is_file(), page
    included = "\n".join((DOCS / page).read_text() for page in pages)
    for section in sorted((DOCS / "readme").glob("*.md")):
        assert f"docs/readme/{section.name}" in included, f"{section.name} is on no docs page"
    assert "docs/CONTRACTS.md" in included


def test_includes_and_generated_parts_are_expanded():
    h = hooks()
    md = h.on_page_markdown('# E\n\n--8<-- "docs/readme/evaluation.md:evaluate"\n\n<!-- generated:result preprocess -->\n',
                            None, None, None)
    assert "### What is measured, and how" in md and "### Run the main job" not in md
    assert "--8<--" not in md and "<!-- generated" not in md
    assert "*Generated from `experiments/results/preprocess.md`.*" in md and "#### Sentence splitting" in md
    home = h.on_page_markdown((DOCS / "index.md").read_text(), None, None, None)
    assert "Turn piles of news articles" in home and "| task | data | metric | newsml | baseline |" in home
    bench = h.on_page_markdown((DOCS / "benchmarks.md").read_text(), None, None, None)
    assert re.search(r"<a id=\"results-summarize\"></a>", bench) and "experiments/results/summarize.json" in bench


def test_broken_includes_fail_loudly():
    h = hooks()
    with pytest.raises(FileNotFoundError, match="no_such.md"):
        h.on_page_markdown('--8<-- "docs/readme/no_such.md"\n', None, None, None)
    with pytest.raises(ValueError, match="no section 'nope'"):
        h.on_page_markdown('--8<-- "docs/readme/evaluation.md:nope"\n', None, None, None)
    with pytest.raises(FileNotFoundError, match="no_such_result"):
        h.on_page_markdown("<!-- generated:result no_such_result -->\n", None, None, None)
