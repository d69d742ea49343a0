"""``prepare``: raw inputs -> cleaned, parsed, deduplicated, split ``datasets.DatasetDict`` + manifest.

Pipeline, one document at a time (memory is bounded by the Arrow writer batch, not by the corpus):

1. read (:func:`~newsml.data.readers.read_documents` or a recipe), recipe-specific repairs;
2. cut documents longer than ``max_chars`` (default 200,000 characters, listed as truncated);
3. :func:`~newsml.data.normalize.normalize_text` on text, title and summary;
4. :func:`~newsml.data.lead.parse_lead` (source/dateline/byline kept as fields, removed from the text);
5. :func:`~newsml.data.sentences.split_sentences`;
6. written to an Arrow file; a small per-document record (id, first label, group key, date, MinHash
   signature, digest) is kept for the second step;
7. duplicates (exact + MinHash LSH) and splits are decided, the splits are saved with
   ``DatasetDict.save_to_disk`` and ``manifest.json`` is written next to them.

Dataset schema: ``id`` (str), ``text`` (str), ``title`` (str|null), ``source`` (str|null), ``dateline``
(str|null), ``sentences`` (list[str]), ``labels`` (list[str]), ``summary`` (str|null) and ``meta`` (a JSON
object as a string: ``origin`` = ``file[:line]``, ``byline``, ``date``, input ``split`` and any other input
fields).

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("WASHINGTON (AP) — The Senate voted. The bill passed.")
>>> dsd, manifest = prepare(d, d / "out", split="train=1")
>>> dsd["train"][0]["source"], manifest["totals"]["written"]
('AP', 1)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsml.data.dedup import DuplicateFinder
from newsml.data.document import Document, ReadReport
from newsml.data.lead import parse_lead
from newsml.data.normalize import normalize_text, repair_run_on_sentences
from newsml.data.readers import read_documents
from newsml.data.sentences import split_sentences
from newsml.data.splits import assign_splits, canonical_split_name, parse_split_spec
from newsml.errors import ConfigError, InputError

__all__ = ["prepare", "load_dataset", "process_document", "DEFAULT_MAX_CHARS"]

DEFAULT_MAX_CHARS = 200_000
_NO_SPLIT = {"", "all", "none", "null", "unsplit"}


def _features():
    from datasets import Features, List, Value

    return Features({"id": Value("string"), "text": Value("string"), "title": Value("string"),
                     "source": Value("string"), "dateline": Value("string"),
                     "sentences": List(Value("string")), "labels": List(Value("string")),
                     "summary": Value("string"), "meta": Value("string")})


def _truncate(text: str, max_chars: int) -> str:
    cut = text[:max_chars]
    space = cut.rfind(" ", max(0, max_chars - 1000))
    return cut[:space] if space > 0 else cut


def process_document(doc: Document, report: ReadReport, *, max_chars: int | None = DEFAULT_MAX_CHARS,
                     parse_leads: bool = True, lowercase_datelines: bool = False,
                     repair_summary: bool = False) -> Document | None:
    """Clean one document in place: truncate, normalise, parse the lead, split sentences.

    Returns ``None`` (and records why in ``report``) when nothing is left to keep.

    Examples
    --------
    >>> doc = process_document(Document(id="1", text="(Reuters) - Oil rose. Gas fell."), ReadReport())
    >>> doc.source, doc.sentences
    ('Reuters', ['Oil rose.', 'Gas fell.'])
    """
    origin = doc.meta.get("origin", "?")
    if not doc.text or not doc.text.strip():
        report.drop(origin, None, "empty text", doc.id)
        return None
    if max_chars and len(doc.text) > max_chars:
        n = len(doc.text)
        doc.text = _truncate(doc.text, max_chars)
        doc.meta["truncated_from_chars"] = n
        report.truncate(origin, None, f"text of {n} characters cut to {len(doc.text)} (max_chars={max_chars})",
                        doc.id)
    doc.text = normalize_text(doc.text)
    if doc.title:
        doc.title = normalize_text(doc.title, unwrap=True).replace("\n", " ") or None
    if doc.summary:
        doc.summary = normalize_text(doc.summary)
        if repair_summary:
            fixed, n = repair_run_on_sentences(doc.summary)
            if n:
                doc.summary = fixed
                report.repair(origin, None, f"summary: {n} missing spaces between sentences restored", doc.id)
    if parse_leads:
        lead = parse_lead(doc.text, lowercase_datelines=lowercase_datelines)
        doc.source = doc.source or lead.source
        doc.dateline = doc.dateline or lead.dateline
        doc.byline = doc.byline or lead.byline
        doc.text = lead.body
    if not doc.text:
        report.drop(origin, None, "no text left after removing the news lead", doc.id)
        return None
    doc.sentences = split_sentences(doc.text)
    return doc


def _progress(iterable, enabled: bool | None, desc: str):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, unit="doc")


def _resolve_source(source, data_dir, text_field):
    from newsml.data.recipes import RECIPES, get_recipe, recipe_files

    if isinstance(source, str) and source in RECIPES:
        recipe, _ = get_recipe(source, data_dir)
        return recipe, recipe_files(source, data_dir), text_field or recipe.text_field
    return None, source, text_field


def prepare(source, out: str | os.PathLike | None = None, *, text_field: str | None = None,
            on_error: str = "skip", split: str | dict | None = None, group_by: str | None = None,
            by_date: bool = False, dedup: str = "report", seed: int = 13, data_dir: str | None = None,
            limit: int | None = None, max_chars: int | None = DEFAULT_MAX_CHARS,
            near_threshold: float = 0.8, batch_size: int = 1000, progress: bool | None = None,
            overwrite: bool = True):
    """Build a ``datasets.DatasetDict`` and a manifest from files, a folder, a recipe or ``hub:NAME``.

    Parameters
    ----------
    source : str, Path or list
        Files/folders (see :func:`~newsml.data.readers.read_documents`), a saved dataset, ``hub:NAME`` or a
        recipe name (:func:`~newsml.data.recipes.list_recipes`).
    out : path, optional
        Output folder: the ``save_to_disk`` dataset plus ``manifest.json``. Without it the dataset lives in
        a temporary folder.
    text_field, on_error : see :func:`~newsml.data.readers.read_documents`.
    split : str or dict, optional
        ``"train=0.8,validation=0.1,test=0.1"``. Default: keep the input's ``split`` field where present
        (``dev``/``valid`` -> ``validation``; ``all`` counts as absent) and split the rest 80/10/10.
        Given explicitly, every document is re-split. Splits are stratified by the first label.
    group_by : str, optional
        ``"story"`` keeps near-duplicate groups together; any other value names a field (``source``,
        ``dateline``, ``title`` or a ``meta`` key) whose documents stay in one split.
    by_date : bool
        Chronological split on ``date`` (oldest -> first split).
    dedup : {"report", "drop", "none"}
        Find duplicates and list them (``report``), also drop all but the first of each group (``drop``),
        or skip detection (``none``).
    seed : int
        Split seed; the result does not depend on input order.
    limit : int, optional
        Read at most this many documents (after skipped ones).
    max_chars : int or None
        Longer texts are cut at a word boundary and listed as truncated (``None`` keeps everything).
    near_threshold : float
        Jaccard threshold for near duplicates.
    batch_size : int
        Arrow writer batch (bounds memory).
    progress : bool, optional
        tqdm progress bar (default: only when stderr is a terminal).

    Returns
    -------
    (datasets.DatasetDict, dict)
        The splits and the manifest (also written to ``out/manifest.json``).

    Raises
    ------
    InputError, ConfigError
        Unreadable input, unknown options, nothing to write.
    """
    import datasets
    from datasets import Dataset, DatasetDict, load_from_disk
    from datasets.arrow_writer import ArrowWriter

    import newsml

    if dedup not in ("report", "drop", "none"):
        raise ConfigError(f"dedup must be 'report', 'drop' or 'none', got {dedup!r}")
    recipe, paths, text_field = _resolve_source(source, data_dir, text_field)
    ropts = dict(recipe.options) if recipe else {}
    ratios = parse_split_spec(split) if split is not None else None
    report = ReadReport()
    finder = DuplicateFinder(threshold=near_threshold, near=True) if dedup != "none" else None

    out_dir = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="newsml-prepare-"))
    if out is not None and out_dir.exists() and any(out_dir.iterdir()):
        if not overwrite:
            raise InputError(f"{out_dir}: output folder is not empty")
        if not (out_dir / "manifest.json").is_file() and not (out_dir / "dataset_dict.json").is_file():
            raise InputError(f"{out_dir}: not empty and not a previous newsml output; choose another --out")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".newsml-tmp-", dir=out_dir))

    ids: list[str] = []
    strata: list[str] = []
    group_keys: list[str | None] = []
    dates: list[str | None] = []
    in_splits: list[str | None] = []
    digests: list[bytes] = []
    seen_ids: dict[str, int] = {}
    n_read = 0
    try:
        arrow_path = work / "all.arrow"
        with ArrowWriter(features=_features(), path=str(arrow_path), writer_batch_size=batch_size) as writer:
            docs = read_documents(paths, text_field=text_field, on_error=on_error, report=report)
            for doc in _progress(docs, progress, "prepare"):
                if limit is not None and n_read >= limit:
                    break
                n_read += 1
                if recipe and recipe.transform:
                    doc = recipe.transform(doc, report)
                    if doc is None:
                        continue
                doc = process_document(doc, report, max_chars=max_chars,
                                       lowercase_datelines=ropts.get("lowercase_datelines", False),
                                       repair_summary=ropts.get("repair_summary", False))
                if doc is None:
                    continue
                if doc.id in seen_ids:
                    seen_ids[doc.id] += 1
                    new_id = f"{doc.id}#{seen_ids[doc.id]}"
                    report.repair(doc.meta.get("origin", "?"), None, f"duplicate id {doc.id!r} renamed {new_id!r}",
                                  doc.id)
                    doc.id = new_id
                else:
                    seen_ids[doc.id] = 1
                rec = doc.to_record()
                writer.write(rec)
                ids.append(rec["id"])
                strata.append(rec["labels"][0] if rec["labels"] else "")
                dates.append(doc.date)
                s = doc.meta.get("split")
                in_splits.append(canonical_split_name(s) if s is not None else None)
                if group_by and group_by != "story":
                    val = getattr(doc, group_by, None) if group_by in ("source", "dateline", "title", "date",
                                                                        "byline") else doc.meta.get(group_by)
                    group_keys.append(None if val in (None, "") else f"{group_by}={val}")
                digests.append(hashlib.sha256(json.dumps(rec, sort_keys=True, ensure_ascii=False)
                                              .encode("utf-8")).digest())
                if finder is not None:
                    finder.add(rec["id"], rec["text"])
            writer.finalize()
        n = len(ids)
        if n == 0:
            reasons = report.to_dict()["dropped"]["reasons"]
            raise InputError(f"{source}: no documents to write (skipped: {reasons or 'none found'}); "
                             "check the path and the file types")

        # duplicates
        groups = finder.groups() if finder is not None else []
        group_of = finder.group_ids() if finder is not None else None
        keep = [True] * n
        dropped_dups: list[str] = []
        if dedup == "drop":
            for g in groups:
                for i in g["indices"][1:]:
                    keep[i] = False
                    dropped_dups.append(ids[i])

        # splits
        if group_by == "story":
            gkeys = [f"story={ids[group_of[i]]}" if group_of is not None else ids[i] for i in range(n)]
        elif group_by:
            gkeys = [group_keys[i] or f"id={ids[i]}" for i in range(n)]
        else:
            gkeys = [f"id={x}" for x in ids]
        assigned: list[str | None] = [None] * n
        if ratios is None:
            for i in range(n):
                if in_splits[i] and in_splits[i] not in _NO_SPLIT:
                    assigned[i] = in_splits[i]
        todo = [i for i in range(n) if assigned[i] is None]
        n_input = n - len(todo)
        split_source = "input" if not todo else ("assigned" if n_input == 0 else "mixed")
        if todo:
            r = ratios or parse_split_spec(None)
            sub = assign_splits([gkeys[i] for i in todo], [strata[i] for i in todo], r, seed=seed,
                                dates=[dates[i] for i in todo] if by_date else None)
            for i, s in zip(todo, sub):
                assigned[i] = s

        order = list(dict.fromkeys(list((ratios or {}).keys()) + ["train", "validation", "test"]))
        names = [s for s in order if any(a == s for a in assigned)] + sorted(
            {a for a in assigned if a not in order})
        indices = {s: [i for i in range(n) if keep[i] and assigned[i] == s] for s in names}
        indices = {s: idx for s, idx in indices.items() if idx}

        full = Dataset.from_file(str(arrow_path))
        dsd = DatasetDict({s: full.select(idx) for s, idx in indices.items()})
        was_disabled = datasets.are_progress_bars_disabled()
        datasets.disable_progress_bars()
        try:
            dsd.save_to_disk(str(out_dir))
        finally:
            if not was_disabled:
                datasets.enable_progress_bars()
        del dsd, full

        h = hashlib.sha256()
        for s in sorted(indices):
            h.update(s.encode() + b"\x00")
            for i in indices[s]:
                h.update(digests[i])
        labels, n_summaries = _label_and_summary_counts(out_dir, indices)
        manifest: dict[str, Any] = {
            "newsml_version": newsml.__version__,
            "source": str(source) if not isinstance(source, (list, tuple)) else [str(p) for p in source],
            "recipe": recipe.name if recipe else None,
            "options": {"text_field": text_field, "on_error": on_error, "split": split, "group_by": group_by,
                        "by_date": by_date, "dedup": dedup, "seed": seed, "limit": limit,
                        "max_chars": max_chars, "near_threshold": near_threshold, **ropts},
            "schema": {"id": "string", "text": "string", "title": "string|null", "source": "string|null",
                       "dateline": "string|null", "sentences": "list[string]", "labels": "list[string]",
                       "summary": "string|null", "meta": "JSON object as string"},
            "counts": {s: len(v) for s, v in indices.items()},
            "totals": {"read": n_read, "processed": n, "written": sum(len(v) for v in indices.values()),
                       "with_summary": n_summaries, **report.counts(), "duplicates_dropped": len(dropped_dups)},
            "split_source": split_source,
            "undated_documents": sum(1 for i in todo if not dates[i]) if by_date else None,
            "labels": labels,
            "duplicates": {
                "action": dedup,
                "exact_groups": sum(1 for g in groups if g["kind"] == "exact"),
                "near_groups": sum(1 for g in groups if g["kind"] == "near"),
                "documents_in_groups": sum(len(g["ids"]) for g in groups),
                "near_threshold": near_threshold,
                "groups": [{"kind": g["kind"], "ids": g["ids"]} for g in groups[:1000]],
                "groups_omitted": max(0, len(groups) - 1000),
                "dropped_ids": dropped_dups,
            },
            "report": report.to_dict(),
            "fingerprint": "sha256:" + h.hexdigest(),
        }
        with open(out_dir / "manifest.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return load_from_disk(str(out_dir)), manifest


def _label_and_summary_counts(out_dir: Path, indices) -> tuple[dict[str, dict[str, int]], int]:
    from datasets import load_from_disk

    dsd = load_from_disk(str(out_dir))
    labels: dict[str, dict[str, int]] = {}
    n_summaries = 0
    for split in indices:
        c: dict[str, int] = {}
        for batch in dsd[split].select_columns(["labels", "summary"]).iter(batch_size=1000):
            n_summaries += sum(1 for s in batch["summary"] if s)
            for labs in batch["labels"]:
                for lab in labs or ["(none)"]:
                    c[lab] = c.get(lab, 0) + 1
        labels[split] = dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
    return labels, n_summaries


def load_dataset(source, data_dir: str | None = None, **options):
    """Prepare ``source`` (recipe name or path) and return only the ``DatasetDict``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Rain fell in Accra. Roads flooded.")
    >>> load_dataset(d, split="test=1")["test"][0]["sentences"]
    ['Rain fell in Accra.', 'Roads flooded.']
    """
    return prepare(source, options.pop("out", None), data_dir=data_dir, **options)[0]


def read_clean_documents(paths, *, text_field: str | None = None, on_error: str = "skip",
                         report: ReadReport | None = None, **options) -> Iterator[Document]:
    """Stream documents like :func:`~newsml.data.readers.read_documents`, cleaned and lead-parsed.

    Each yielded :class:`Document` has normalised ``text`` with the source/dateline/byline lead removed
    and ``sentences`` filled, exactly as :func:`prepare` stores them. Documents with nothing left to
    keep are skipped and counted in ``report``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("LONDON (Reuters) - Rain fell. Roads flooded.")
    >>> doc = next(read_clean_documents([d]))
    >>> doc.source, doc.dateline, doc.text
    ('Reuters', 'LONDON', 'Rain fell. Roads flooded.')
    """
    report = report if report is not None else ReadReport()
    for doc in read_documents(paths, text_field=text_field, on_error=on_error, report=report):
        clean = process_document(doc, report, **options)
        if clean is not None:
            yield clean
