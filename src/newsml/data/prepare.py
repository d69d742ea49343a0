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

import difflib
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
from newsml.outdir import OutputFolder

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


def _check_options(*, dedup: str, limit, max_chars, near_threshold, batch_size, group_by, on_error) -> None:
    """One line naming the bad value, before anything is read or written."""
    if dedup not in ("report", "drop", "none"):
        raise ConfigError(f"--dedup: must be 'report', 'drop' or 'none', got {dedup!r}")
    if on_error not in ("skip", "fail"):
        raise ConfigError(f"--on-error: must be 'skip' or 'fail', got {on_error!r}")
    for flag, value in (("--limit", limit), ("max_chars", max_chars), ("batch_size", batch_size)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ConfigError(f"{flag}: must be a whole number of at least 1, got {value!r}")
    if not (isinstance(near_threshold, (int, float)) and 0 < near_threshold <= 1):
        raise ConfigError(f"near_threshold: must be in (0, 1], got {near_threshold!r}")
    if group_by is not None and (not isinstance(group_by, str) or not group_by.strip()):
        raise ConfigError(f"--group-by: must name a field (or 'story'), got {group_by!r}")


def _check_inputs(source, paths) -> None:
    """Every input path exists (checked before the output folder is touched)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise InputError(f"{source!r}: no input given")
    for p in paths:
        if isinstance(p, str) and (p == "-" or p.startswith("hub:")):
            continue
        if not Path(p).exists():
            from newsml.data.recipes import RECIPES

            close = difflib.get_close_matches(str(p), list(RECIPES), n=1)
            hint = f" (did you mean the recipe {close[0]!r}?)" if close else ""
            raise InputError(f"{os.fsencode(p).decode('utf-8', 'replace')}: no such file, folder or recipe{hint}")


class _Collected:
    """The small per-document record kept while streaming (everything else is in the Arrow file)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.strata: list[str] = []
        self.group_keys: list[str | None] = []
        self.dates: list[str | None] = []
        self.in_splits: list[str | None] = []
        self.digests: list[bytes] = []
        self.seen_ids: dict[str, int] = {}
        self.n_read = 0
        self.group_fields_seen: set[str] = set()

    def unique_id(self, doc: Document, report: ReadReport) -> None:
        """Rename a repeated id to ``id#k``, with ``k`` chosen so the new id is not taken either."""
        if doc.id not in self.seen_ids:
            self.seen_ids[doc.id] = 1
            return
        k = self.seen_ids[doc.id]
        new_id = f"{doc.id}#{k + 1}"
        while new_id in self.seen_ids:
            k += 1
            new_id = f"{doc.id}#{k + 1}"
        self.seen_ids[doc.id] = k + 1
        self.seen_ids[new_id] = 1
        report.repair(doc.meta.get("origin", "?"), None, f"duplicate id {doc.id!r} renamed {new_id!r}", doc.id)
        doc.id = new_id


_DOC_FIELDS = ("source", "dateline", "title", "date", "byline")


def _group_value(doc: Document, group_by: str):
    return getattr(doc, group_by, None) if group_by in _DOC_FIELDS else doc.meta.get(group_by)


def _documents(paths, recipe, ropts, report, col: _Collected, *, text_field, on_error, limit, max_chars,
               progress) -> Iterator[Document]:
    """Read, repair and clean documents one at a time; a document that fails is recorded and skipped."""
    docs = read_documents(paths, text_field=text_field, on_error=on_error, report=report)
    for doc in _progress(docs, progress, "prepare"):
        if limit is not None and col.n_read >= limit:
            break
        col.n_read += 1
        origin = doc.meta.get("origin", "?")
        try:
            if recipe and recipe.transform:
                doc = recipe.transform(doc, report)
                if doc is None:
                    continue
            doc = process_document(doc, report, max_chars=max_chars,
                                   lowercase_datelines=ropts.get("lowercase_datelines", False),
                                   repair_summary=ropts.get("repair_summary", False))
        except Exception as exc:  # noqa: BLE001 - one document must not stop the batch
            if on_error == "fail":
                raise InputError(f"{origin}: cannot process document {doc.id!r}: {type(exc).__name__}: {exc}") from exc
            report.drop(origin, None, f"processing failed ({type(exc).__name__}: {exc})", doc.id)
            continue
        if doc is not None:
            yield doc


def _collect(docs: Iterator[Document], writer, col: _Collected, report: ReadReport, finder, group_by) -> None:
    """Write each document to Arrow and keep its small record (id, stratum, group, date, split, digest)."""
    for doc in docs:
        col.unique_id(doc, report)
        rec = doc.to_record()
        writer.write(rec)
        col.ids.append(rec["id"])
        col.strata.append(rec["labels"][0] if rec["labels"] else "")
        col.dates.append(doc.date)
        s = doc.meta.get("split")
        col.in_splits.append(canonical_split_name(s) if s is not None else None)
        if group_by and group_by != "story":
            val = _group_value(doc, group_by)
            if val not in (None, ""):
                col.group_fields_seen.add(group_by)
            col.group_keys.append(None if val in (None, "") else f"{group_by}={val}")
        col.digests.append(hashlib.sha256(json.dumps(rec, sort_keys=True, ensure_ascii=False)
                                          .encode("utf-8")).digest())
        if finder is not None:
            finder.add(rec["id"], rec["text"])


def _decide_splits(col: _Collected, ratios, group_by, group_of, seed: int, by_date: bool):
    """Assign every document a split: its input split where kept, else a grouped/stratified/dated draw."""
    n = len(col.ids)
    ids = col.ids
    if group_by == "story":
        gkeys = [f"story={ids[group_of[i]]}" if group_of is not None else ids[i] for i in range(n)]
    elif group_by:
        gkeys = [col.group_keys[i] or f"id={ids[i]}" for i in range(n)]
    else:
        gkeys = [f"id={x}" for x in ids]
    assigned: list[str | None] = [None] * n
    if ratios is None:
        for i in range(n):
            if col.in_splits[i] and col.in_splits[i] not in _NO_SPLIT:
                assigned[i] = col.in_splits[i]
    todo = [i for i in range(n) if assigned[i] is None]
    n_input = n - len(todo)
    split_source = "input" if not todo else ("assigned" if n_input == 0 else "mixed")
    if todo:
        r = ratios or parse_split_spec(None)
        sub = assign_splits([gkeys[i] for i in todo], [col.strata[i] for i in todo], r, seed=seed,
                            dates=[col.dates[i] for i in todo] if by_date else None)
        for i, s in zip(todo, sub):
            assigned[i] = s
    return assigned, todo, split_source


def _split_indices(assigned, keep, ratios) -> dict[str, list[int]]:
    order = list(dict.fromkeys(list((ratios or {}).keys()) + ["train", "validation", "test"]))
    names = [s for s in order if any(a == s for a in assigned)] + sorted({a for a in assigned if a not in order})
    indices = {s: [i for i, a in enumerate(assigned) if keep[i] and a == s] for s in names}
    return {s: idx for s, idx in indices.items() if idx}


def _save_splits(arrow_path: Path, indices, out_dir: Path) -> None:
    import datasets
    from datasets import Dataset, DatasetDict

    full = Dataset.from_file(str(arrow_path))
    dsd = DatasetDict({s: full.select(idx) for s, idx in indices.items()})
    was_disabled = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        dsd.save_to_disk(str(out_dir))
    finally:
        if not was_disabled:
            datasets.enable_progress_bars()


def _fingerprint(indices, digests) -> str:
    h = hashlib.sha256()
    for s in sorted(indices):
        h.update(s.encode() + b"\x00")
        for i in indices[s]:
            h.update(digests[i])
    return "sha256:" + h.hexdigest()


def _duplicates_entry(groups, dedup, near_threshold, dropped_dups) -> dict[str, Any]:
    return {
        "action": dedup,
        "exact_groups": sum(1 for g in groups if g["kind"] == "exact"),
        "near_groups": sum(1 for g in groups if g["kind"] == "near"),
        "documents_in_groups": sum(len(g["ids"]) for g in groups),
        "near_threshold": near_threshold,
        "groups": [{"kind": g["kind"], "ids": g["ids"]} for g in groups[:1000]],
        "groups_omitted": max(0, len(groups) - 1000),
        "dropped_ids": dropped_dups,
    }


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
