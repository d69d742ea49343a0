"""Write README.md (also the PyPI description): the pitch and quick start, the headline results, doc links.

The text comes from ``docs/readme/00_intro.md`` (the docs site's home page includes the same file) and
the results table from ``experiments/make_results.py:headline_table`` (the same result files the
Benchmarks page is built from), so README.md never carries a number the docs do not. ``tests/test_readme.py``
fails when README.md differs from what this script writes.

Usage: ``python docs/build_readme.py`` (rewrite README.md) or ``python docs/build_readme.py --check``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: docs site pages linked from the README: (title, the Markdown file that holds its text, what it covers).
#: The links go to the text itself so that they read well on a code host too.
PAGES = [
    ("Data", "docs/readme/preprocess.md", "readers, cleaning, news leads, sentences, dedup, splits, recipes"),
    ("Classify", "docs/readme/tagger.md", "the default tagger, the zero-shot tagger and taxonomies; "
     "[trained classifiers](docs/readme/classifiers.md)"),
    ("Summarize", "docs/readme/summarize.md", "extractive and abstractive summarisers"),
    ("Evaluate and experiments", "docs/readme/evaluation.md",
     "metrics, bootstrap intervals, paired tests, YAML configs, resumable runs"),
    ("Scale-out", "docs/scale.md", "large corpora"),
    ("Robustness", "docs/robustness.md", "malformed and unusual input"),
    ("Benchmarks", "experiments/results/", "every result with its baseline and the command that reproduces it"),
    ("Design notes", "docs/readme/90_design.md", "layout, contracts, dependencies, development"),
    ("Contributing", "docs/CONTRACTS.md", "internal contracts and tests"),
]


def _make_results():
    spec = importlib.util.spec_from_file_location("newsml_make_results", ROOT / "experiments" / "make_results.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def render() -> str:
    """The README text."""
    intro = (ROOT / "docs" / "readme" / "00_intro.md").read_text().strip()
    links = "\n".join(f"- [{title}]({page}): {what}" for title, page, what in PAGES)
    parts = [
        intro,
        "## Results at a glance\n\n"
        "95% bootstrap confidence intervals; each baseline ran in the same benchmark. Full tables, "
        "speed and memory: the Benchmarks page of the docs, generated from "
        "[`experiments/results/`](experiments/results/).\n\n"
        + _make_results().headline_table(),
        "## Documentation\n\n"
        "The full documentation is a site built from `docs/` with MkDocs (`pip install -e \".[docs]\"`, "
        "then `mkdocs serve`; `make test` builds it in strict mode). Its pages:\n\n" + links,
    ]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    readme = ROOT / "README.md"
    if "--check" in argv:
        if readme.read_text() != text:
            print("README.md is out of date: run python docs/build_readme.py", file=sys.stderr)
            return 1
        return 0
    readme.write_text(text)
    print(f"README.md: {len(text.splitlines())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
