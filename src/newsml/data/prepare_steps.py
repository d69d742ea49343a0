"""The named steps of :func:`~newsml.data.prepare.prepare`, in the order it runs them.

1. check: :func:`_check_options`, :func:`_resolve_source` (a recipe or paths), :func:`_check_inputs`;
2. read and clean: :func:`_documents` (reader, recipe repairs, :func:`~newsml.data.clean.process_document`);
3. collect: :func:`_collect` writes each document to Arrow and keeps a small record in :class:`_Collected`;
4. split: :func:`_decide_splits` then :func:`_split_indices`; :func:`_save_splits` writes them;
5. describe: :func:`_label_and_summary_counts`, :func:`_duplicates_entry`, :func:`_fingerprint` for the manifest.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsml.data.clean import process_document
from newsml.data.document import Document, ReadReport
from newsml.data.readers import read_documents
from newsml.data.splits import assign_splits, canonical_split_name, parse_split_spec
from newsml.errors import ConfigError, InputError

_NO_SPLIT = {"", "all", "none", "null", "unsplit"}


def _features():
    from datasets import Features, List, Value

    return Features({"id": Value("string"), "text": Value("string"), "title": Value("string"),
                     "source": Value("string"), "dateline": Value("string"),
                     "sentences": List(Value("string")), "labels": List(Value("string")),
                     "summary": Value("string"), "meta": Value("string")})


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
