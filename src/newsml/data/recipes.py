"""Named recipes for the benchmark data in ``../shared/data``.

A recipe knows where its JSONL lives, which column is the text and which source-specific repairs to
apply before the common pipeline (normalisation, lead parsing, sentences, dedup, splits):

============  =========================================  ==================================================
recipe        file                                       specifics
============  =========================================  ==================================================
bbc           bbc_news_summary/bbc_news_summary.jsonl    title line removed from the body; summaries have
                                                         their missing inter-sentence spaces restored
ag_news       ag_news/ag_news_test.jsonl                 text = description (title kept apart); `` #39;``,
                                                         ``&lt;b&gt;``, ``\\`` escapes repaired
reuters21578  reuters21578/reuters21578_modapte.jsonl    capitalised first line -> title; ``Reuter`` sign-off
                                                         removed; ModApte train/test from ``split``
xsum          xsum_test1000/xsum_test1000.jsonl          the empty article is dropped (listed)
cameo         conflibert_events/cameo_class.jsonl        CAMEO pentacode sentences (train/test)
case2021      case2021_task2/case2021_task2_test.jsonl   30 event types, test only
satp          conflibert_events/satp_relevant.jsonl      multi-label; ``dev`` -> ``validation``
india_police  india_police_events/...docs.jsonl          "This story is from <date>" -> ``date``; mojibake
                                                         repaired; lower-case ``city:`` datelines
ngec_plover   ngec_synthetic_plover/...plover.jsonl      SYNTHETIC stories; PLOVER event labels
cnn_dailymail cnn_dailymail/cnndm_*.jsonl (three files)   highlight summaries; train (tokenised, 15,000) and
                                                         validation (1,000 original + 4,368 tokenised);
                                                         CNN / Daily Mail page furniture removed
============  =========================================  ==================================================

Examples
--------
>>> sorted(list_recipes())[:3]
['ag_news', 'bbc', 'cameo']
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsml.data.document import Document, ReadReport
from newsml.data.normalize import fix_mojibake
from newsml.errors import MissingInputError

__all__ = ["Recipe", "RECIPES", "list_recipes", "get_recipe", "recipe_files", "shared_data_dir"]


@dataclass(frozen=True)
class Recipe:
    """How to read one shared data set."""

    name: str
    path: str
    description: str
    text_field: str | None = None
    transform: Callable[[Document, ReadReport], Document | None] | None = None
    options: dict = field(default_factory=dict)
    #: more files read after ``path`` (same folder layout)
    extra_paths: tuple[str, ...] = ()


def shared_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The shared benchmark data folder.

    Order: the ``data_dir`` argument, the ``NEWSML_DATA_DIR`` environment variable, then ``../shared/data``
    next to the repository (found from this file, then from the working directory).

    Examples
    --------
    >>> shared_data_dir("/tmp").name
    'tmp'
    """
    if data_dir:
        return Path(data_dir)
    env = os.environ.get("NEWSML_DATA_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for base in (here.parents[3], Path.cwd()):
        cand = (base / ".." / "shared" / "data").resolve()
        if cand.is_dir():
            return cand
    return (here.parents[3] / ".." / "shared" / "data").resolve()


def _bbc(doc: Document, report: ReadReport) -> Document:
    if doc.title and doc.text.lstrip().startswith(doc.title):
        doc.text = doc.text.lstrip()[len(doc.title):].lstrip("\n")
    if doc.meta.get("split") == "all":
        doc.meta.pop("split")
    return doc


_AG_FIXES = [(re.compile(r" ?#39;"), "'"), (re.compile(r" ?#36;"), "$"), (re.compile(r" ?quot;"), '"'),
             (re.compile(r" ?#151;"), " — "), (re.compile(r"\\+"), " ")]
_TAG = re.compile(r"<[^<>]{1,60}>")


def _ag_news(doc: Document, report: ReadReport) -> Document:
    doc.meta.pop("text", None)  # the title + ". " + description join; the title is kept apart
    before = doc.text
    text = before
    for pattern, repl in _AG_FIXES:
        text = pattern.sub(repl, text)
    text = _TAG.sub(" ", html.unescape(text))
    if text != before:
        doc.text = text
        report.repair(doc.meta.get("origin", "?"), None, "HTML escapes and backslashes repaired", doc.id)
    if doc.title:
        title = doc.title
        for pattern, repl in _AG_FIXES:
            title = pattern.sub(repl, title)
        doc.title = _TAG.sub(" ", html.unescape(title)).strip()
    return doc


_SIGNOFF = re.compile(r"\s*\bREUTER\b\s*$", re.IGNORECASE)


def _reuters(doc: Document, report: ReadReport) -> Document:
    text = _SIGNOFF.sub("", doc.text)
    first, nl, rest = text.partition("\n")
    if nl and rest.strip() and not re.search(r"[a-z]", first) and len(first) <= 200:
        doc.title = doc.title or first.strip()
        text = rest
    doc.text = text
    return doc


_TOI_DATE = re.compile(r"^\s*This story is from ([A-Z][a-z]+ \d{1,2}, \d{4})\s*\n+")


def _india_police(doc: Document, report: ReadReport) -> Document:
    m = _TOI_DATE.match(doc.text)
    if m:
        try:
            doc.date = datetime.strptime(m.group(1), "%B %d, %Y").date().isoformat()
        except ValueError:
            doc.date = m.group(1)
        doc.text = doc.text[m.end():]
    fixed, n = fix_mojibake(doc.text)
    if n:
        doc.text = fixed
        report.repair(doc.meta.get("origin", "?"), None, f"mojibake repaired ({n} runs)", doc.id)
    return doc


def _cnn_dailymail(doc: Document, report: ReadReport) -> Document:
    from newsml.data.lead import strip_boilerplate

    text = strip_boilerplate(doc.text)
    if text != doc.text.strip():
        doc.text = text
        report.repair(doc.meta.get("origin", "?"), None, "CNN / Daily Mail page furniture removed", doc.id)
    return doc


def _synthetic(doc: Document, report: ReadReport) -> Document:
    doc.meta["synthetic"] = True
    return doc


RECIPES: dict[str, Recipe] = {r.name: r for r in [
    Recipe("bbc", "bbc_news_summary/bbc_news_summary.jsonl",
           "BBC News Summary: 2,225 articles, 5 topics, one extractive summary each", transform=_bbc,
           options={"repair_summary": True}),
    Recipe("ag_news", "ag_news/ag_news_test.jsonl", "AG News test split: 7,600 snippets, 4 topics",
           text_field="description", transform=_ag_news),
    Recipe("reuters21578", "reuters21578/reuters21578_modapte.jsonl",
           "Reuters-21578 ModApte: 12,902 newswire stories, multi-label TOPICS, train/test", transform=_reuters),
    Recipe("xsum", "xsum_test1000/xsum_test1000.jsonl", "XSum: first 1,000 test articles, one-sentence summaries"),
    Recipe("cameo", "conflibert_events/cameo_class.jsonl", "CAMEO pentacode sentences (ConfliBERT), 5 classes"),
    Recipe("case2021", "case2021_task2/case2021_task2_test.jsonl",
           "CASE 2021 task 2: 1,019 snippets, 30 fine-grained event types"),
    Recipe("satp", "conflibert_events/satp_relevant.jsonl", "SATP attack narratives, 4 attack types (multi-label)"),
    Recipe("india_police", "india_police_events/india_police_events_docs.jsonl",
           "IndiaPoliceEvents: 1,257 Times of India stories, police-action labels (multi-label)",
           transform=_india_police, options={"lowercase_datelines": True}),
    Recipe("ngec_plover", "ngec_synthetic_plover/ngec_synthetic_plover.jsonl",
           "NGEC SYNTHETIC PLOVER stories (machine-written), 16 event types", transform=_synthetic),
    Recipe("cnn_dailymail", "cnn_dailymail/cnndm_train_tokenized_15000.jsonl",
           "CNN / Daily Mail 3.0.0 with highlights: 15,000 train (tokenised, lower-case), 1,000 + 4,368 "
           "validation (original / tokenised)", transform=_cnn_dailymail,
           extra_paths=("cnn_dailymail/cnndm_validation_1000.jsonl",
                        "cnn_dailymail/cnndm_validation_tokenized_4368.jsonl")),
]}


def list_recipes() -> list[str]:
    """Names of the built-in recipes."""
    return list(RECIPES)


def get_recipe(name: str, data_dir: str | os.PathLike | None = None) -> tuple[Recipe, Path]:
    """The recipe called ``name`` and the path of its file.

    Raises
    ------
    InputError
        When the data folder or the recipe's file is missing (one line saying where it was looked for).
    """
    recipe = RECIPES[name]
    root = shared_data_dir(data_dir)
    path = root / recipe.path
    if not path.is_file():
        raise MissingInputError(f"recipe {name!r}: {path} not found; put the shared data in ../shared/data, or pass "
                         "--data-dir DIR (or set NEWSML_DATA_DIR)")
    return recipe, path


def recipe_files(name: str, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Every file the recipe ``name`` reads (``path`` first, then ``extra_paths``).

    Examples
    --------
    >>> RECIPES["cnn_dailymail"].extra_paths[0]
    'cnn_dailymail/cnndm_validation_1000.jsonl'
    """
    recipe, path = get_recipe(name, data_dir)
    extra = [path.parents[len(Path(recipe.path).parts) - 1] / p for p in recipe.extra_paths]
    missing = [p for p in extra if not p.is_file()]
    if missing:
        raise MissingInputError(f"recipe {name!r}: {missing[0]} not found; put the shared data in ../shared/data")
    return [path, *extra]
