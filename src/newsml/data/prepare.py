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
>>> dsd, manifest = prepare(d, pathlib.Path(tempfile.mkdtemp()) / "out", split="train=1")
>>> dsd["train"][0]["source"], manifest["totals"]["written"]
('AP', 1)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from newsml.data.clean import DEFAULT_MAX_CHARS, process_document, read_clean_documents
from newsml.data.dedup import DuplicateFinder
from newsml.data.document import ReadReport
from newsml.data.prepare_steps import (
    _DOC_FIELDS,
    _check_inputs,
    _check_options,
    _collect,
    _Collected,
    _decide_splits,
    _documents,
    _duplicates_entry,
    _features,
    _fingerprint,
    _label_and_summary_counts,
    _resolve_source,
    _save_splits,
    _split_indices,
)
from newsml.data.splits import parse_split_spec
from newsml.errors import ConfigError, InputError
from newsml.outdir import OutputFolder

__all__ = ["prepare", "load_dataset", "process_document", "read_clean_documents", "DEFAULT_MAX_CHARS"]


def _build(out_dir: Path, source, paths, recipe, text_field, *, on_error, ratios, split, split_names, group_by,
           by_date, dedup, seed, limit, max_chars, near_threshold, batch_size, progress) -> dict[str, Any]:
    """Every step of :func:`prepare` into ``out_dir``; returns the manifest."""
    from datasets.arrow_writer import ArrowWriter

    from newsml._version import __version__

    ropts = dict(recipe.options) if recipe else {}
    report = ReadReport()
    finder = DuplicateFinder(threshold=near_threshold, near=True) if dedup != "none" else None
    col = _Collected()
    work = out_dir / ".work"
    work.mkdir()
    try:
        arrow_path = work / "all.arrow"
        with ArrowWriter(features=_features(), path=str(arrow_path), writer_batch_size=batch_size) as writer:
            docs = _documents(paths, recipe, ropts, report, col, text_field=text_field, on_error=on_error,
                              limit=limit, max_chars=max_chars, progress=progress)
            _collect(docs, writer, col, report, finder, group_by)
            writer.finalize()
        n = len(col.ids)
        if n == 0:
            reasons = report.to_dict()["dropped"]["reasons"]
            first = f"; first: {report.dropped[0]['where']}: {report.dropped[0]['reason']}" if report.dropped else ""
            raise InputError(f"{source}: no documents to write (skipped: {reasons or 'none found'}{first}); "
                             "check the path and the file types")
        if group_by and group_by != "story" and not col.group_fields_seen:
            raise ConfigError(f"--group-by: no document has a field {group_by!r}; use 'story', one of "
                              f"{', '.join(_DOC_FIELDS)} or a field of the input records")
        groups = finder.groups() if finder is not None else []
        group_of = finder.group_ids() if finder is not None else None
        keep = [True] * n
        dropped_dups: list[str] = []
        if dedup == "drop":
            for g in groups:
                for i in g["indices"][1:]:
                    keep[i] = False
                    dropped_dups.append(col.ids[i])
        del finder
        assigned, todo, split_source = _decide_splits(col, ratios, group_by, group_of, seed, by_date)
        indices = _split_indices(assigned, keep, ratios)
        _save_splits(arrow_path, indices, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    labels, n_summaries = _label_and_summary_counts(out_dir, indices)
    manifest: dict[str, Any] = {
        "newsml_version": __version__,
        "source": str(source) if not isinstance(source, (list, tuple)) else [str(p) for p in source],
        "recipe": recipe.name if recipe else None,
        "options": {"text_field": text_field, "on_error": on_error, "split": split, "split_names": split_names,
                    "group_by": group_by, "by_date": by_date, "dedup": dedup, "seed": seed, "limit": limit,
                    "max_chars": max_chars, "near_threshold": near_threshold, **ropts},
        "schema": {"id": "string", "text": "string", "title": "string|null", "source": "string|null",
                   "dateline": "string|null", "sentences": "list[string]", "labels": "list[string]",
                   "summary": "string|null", "meta": "JSON object as string"},
        "counts": {s: len(v) for s, v in indices.items()},
        "totals": {"read": col.n_read, "processed": n, "written": sum(len(v) for v in indices.values()),
                   "with_summary": n_summaries, **report.counts(), "files": report.files,
                   "duplicates_dropped": len(dropped_dups)},
        "split_source": split_source,
        "undated_documents": sum(1 for i in todo if not col.dates[i]) if by_date else None,
        "labels": labels,
        "duplicates": _duplicates_entry(groups, dedup, near_threshold, dropped_dups),
        "report": report.to_dict(),
        "fingerprint": _fingerprint(indices, col.digests),
    }
    with open(out_dir / "manifest.json", "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return manifest


def prepare(source, out: str | os.PathLike | None = None, *, text_field: str | None = None,
            on_error: str = "skip", split: str | dict | None = None, split_names: str | list | None = None,
            group_by: str | None = None, by_date: bool = False, dedup: str = "report", seed: int = 13,
            data_dir: str | None = None, limit: int | None = None, max_chars: int | None = DEFAULT_MAX_CHARS,
            near_threshold: float = 0.8, batch_size: int = 1000, progress: bool | None = None,
            overwrite: bool = True):
    """Build a ``datasets.DatasetDict`` and a manifest from files, a folder, a recipe, ``-`` or ``hub:NAME``.

    Parameters
    ----------
    source : str, Path or list
        Files/folders (see :func:`~newsml.data.readers.read_documents`), ``-`` (standard input), a saved
        dataset, ``hub:NAME`` or a recipe name (:func:`~newsml.data.recipes.list_recipes`).
    out : path, optional
        Output folder: the ``save_to_disk`` dataset plus ``manifest.json``. Without it the dataset lives in
        a temporary folder. It is written to a temporary sibling and swapped in only on success; an existing
        folder is replaced only when it is a newsml output (its ``.newsml-output`` marker), never when it is,
        contains or sits inside an input. A lock beside it stops a second writer ("in use by pid N").
    text_field, on_error : see :func:`~newsml.data.readers.read_documents`.
    split : str or dict, optional
        ``"train=0.8,validation=0.1,test=0.1"``: names ``train``/``validation``/``test`` (plus ``split_names``)
        and shares summing to 1. Default: keep the input's ``split`` field where present
        (``dev``/``valid`` -> ``validation``; ``all`` counts as absent) and split the rest 80/10/10.
        Given explicitly, every document is re-split. Splits are stratified by the first label.
    split_names : str or list, optional
        Extra split names allowed in ``split`` (``"tune,holdout"``).
    group_by : str, optional
        ``"story"`` keeps near-duplicate groups together; any other value names a field (``source``,
        ``dateline``, ``title`` or a ``meta`` key) whose documents stay in one split. No document having the
        field is an error.
    by_date : bool
        Chronological split on ``date`` (oldest -> first split).
    dedup : {"report", "drop", "none"}
        Find duplicates and list them (``report``), also drop all but the first of each group (``drop``),
        or skip detection (``none``).
    seed : int
        Split seed; the result does not depend on input order.
    limit : int, optional
        Read at most this many documents (after skipped ones); at least 1.
    max_chars : int or None
        Longer texts are cut at a word boundary and listed as truncated (``None`` keeps everything).
    near_threshold : float
        Jaccard threshold for near duplicates.
    batch_size : int
        Arrow writer batch (bounds memory).
    progress : bool, optional
        tqdm progress bar (default: only when stderr is a terminal).
    overwrite : bool
        Replace an earlier newsml output at ``out`` (default) or refuse.

    Returns
    -------
    (datasets.DatasetDict, dict)
        The splits and the manifest (also written to ``out/manifest.json``).

    Raises
    ------
    InputError, ConfigError
        Unreadable input, unknown options, a foreign or overlapping ``out``, nothing to write. Options and
        inputs are checked before ``out`` is touched.
    """
    from datasets import load_from_disk

    _check_options(dedup=dedup, limit=limit, max_chars=max_chars, near_threshold=near_threshold,
                   batch_size=batch_size, group_by=group_by, on_error=on_error)
    ratios = parse_split_spec(split, names=split_names) if split is not None else None
    recipe, paths, text_field = _resolve_source(source, data_dir, text_field)
    _check_inputs(source, paths)
    opts = dict(on_error=on_error, ratios=ratios, split=split, split_names=split_names, group_by=group_by,
                by_date=by_date, dedup=dedup, seed=seed, limit=limit, max_chars=max_chars,
                near_threshold=near_threshold, batch_size=batch_size, progress=progress)
    if out is None:
        out_dir = Path(tempfile.mkdtemp(prefix="newsml-prepare-"))
        try:
            manifest = _build(out_dir, source, paths, recipe, text_field, **opts)
        except BaseException:
            shutil.rmtree(out_dir, ignore_errors=True)
            raise
        return load_from_disk(str(out_dir)), manifest
    inputs = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    with OutputFolder(out, "dataset", inputs=inputs, overwrite=overwrite) as work:
        manifest = _build(work, source, paths, recipe, text_field, **opts)
    return load_from_disk(str(Path(out))), manifest


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
