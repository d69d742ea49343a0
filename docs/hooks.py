"""mkdocs hooks: fill the generated parts of the docs site at build time.

``<!-- generated:benchmarks -->`` becomes every benchmark result (``experiments/make_results.py:build``),
``<!-- generated:headline -->`` the short results table that README.md also carries, and
``<!-- generated:result NAME -->`` the tables of ``experiments/results/NAME.md`` (its title dropped, its
sections placed under the current ``###`` heading). All are read from ``experiments/results/`` at build
time, so a page never shows numbers other than the result files'.
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


RESULT_MARKER = re.compile(r"<!-- generated:result ([A-Za-z0-9_.-]+) -->")


def _result_section(match: re.Match) -> str:
    name = match.group(1)
    path = ROOT / "experiments" / "results" / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"{match.group(0)}: no {path.relative_to(ROOT)}")
    lines = path.read_text().strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    body = _make_results().demote("\n".join(lines).strip(), levels=2)
    return f"*Generated from `experiments/results/{name}.md`.*\n\n{body}"


INCLUDE = re.compile(r'^--8<-- "([^"]+)"[ \t]*$', re.M)
SECTION_MARK = re.compile(r"^<!-- --8<-- \[(start|end):([A-Za-z0-9_-]+)\] -->[ \t]*\n?", re.M)


def _include(match: re.Match) -> str:
    """The text of one ``--8<-- "path[:section]"`` line (pymdownx.snippets syntax), markers removed."""
    target = match.group(1)
    path, _, section = target.partition(":")
    file = ROOT / path
    if not file.is_file():
        raise FileNotFoundError(f'--8<-- "{target}": no file {path}')
    text = file.read_text()
    if section:
        found = re.search(rf"^<!-- --8<-- \[start:{re.escape(section)}\] -->[ \t]*\n(.*?)"
                          rf"^<!-- --8<-- \[end:{re.escape(section)}\] -->", text, re.S | re.M)
        if not found:
            raise ValueError(f'--8<-- "{target}": no section {section!r} in {path}')
        text = found.group(1)
    return SECTION_MARK.sub("", text).strip("\n")


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 - mkdocs hook signature
    mr = _make_results()
    # the included docs/readme/*.md files are expanded here (not by the snippets extension, which runs
    # later) so that the generated parts inside them are filled in too
    markdown = INCLUDE.sub(_include, markdown)
    markdown = RESULT_MARKER.sub(_result_section, markdown)
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
