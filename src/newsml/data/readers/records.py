"""Flat records (JSON objects, CSV rows, dataset rows) -> :class:`~newsml.data.document.Document`.

Holds the known field names, the reader context (:class:`_Ctx`, which reports or raises on a bad record)
and :func:`_records`, which every tabular reader feeds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsml.data.document import Document
from newsml.errors import InputError

TEXT_FIELDS = ("text", "body", "article", "content", "document", "story", "doc_text")
ID_FIELDS = ("id", "doc_id", "guid", "uid")
LABEL_FIELDS = ("labels", "label", "topics", "categories")
SUMMARY_FIELDS = ("summary", "highlights", "abstract")
DATE_FIELDS = ("date", "published", "pubdate", "publish_date")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet", ".html", ".htm"}
SIDECAR_SUFFIX = ".annotations.yaml"


def _take(record: dict, names: Iterable[str]) -> Any:
    """Remove and return the value of the first of ``names`` that ``record`` holds (not None), else None."""
    for name in names:
        if record.get(name) is not None:
            return record.pop(name)
    return None


def _as_labels(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v) != ""]
    if hasattr(value, "tolist"):
        return _as_labels(value.tolist())
    s = str(value).strip()
    if not s:
        return []
    if s.startswith("["):
        try:
            return _as_labels(json.loads(s))
        except json.JSONDecodeError:
            pass
    for sep in ("|", ";"):
        if sep in s:
            return [p.strip() for p in s.split(sep) if p.strip()]
    return [s]


def _resolve_text_field(columns: Iterable[str], text_field: str | None, where: str) -> str:
    cols = list(columns)
    if text_field:
        if text_field not in cols:
            raise InputError(f"{where}: no text column {text_field!r}; available columns: {', '.join(map(str, cols))}. "
                             "Pass --text-field with one of them.")
        return text_field
    for name in TEXT_FIELDS:
        if name in cols:
            return name
    raise InputError(f"{where}: no text column found (looked for {', '.join(TEXT_FIELDS)}); available columns: "
                     f"{', '.join(map(str, cols)) or '(none)'}. Pass --text-field NAME.")


def record_to_document(record: dict[str, Any], text_key: str, default_id: str, origin: str) -> Document:
    """Map a flat record (JSON object, CSV row, dataset row) onto a :class:`Document`.

    Known fields: ``id``/``doc_id``, the text column, ``title``, ``labels``/``label``/``topics``,
    ``summary``/``highlights``, ``source``, ``dateline``, ``byline``/``author``, ``date``, ``split``;
    every other field is kept in ``meta``.
    """
    rec = dict(record)
    text = rec.pop(text_key, None)
    if not isinstance(text, str):
        raise ValueError(f"text field {text_key!r} is {type(text).__name__}, not a string")
    doc_id, labels = _take(rec, ID_FIELDS), _take(rec, LABEL_FIELDS)
    summary, date = _take(rec, SUMMARY_FIELDS), _take(rec, DATE_FIELDS)
    title = rec.pop("title", None)
    source = rec.pop("source", None)
    dateline = rec.pop("dateline", None)
    byline = rec.pop("byline", None) or rec.pop("author", None)
    meta = {k: v for k, v in rec.items() if v is not None}
    meta["origin"] = origin
    if "split" in meta and meta["split"] is not None:
        meta["split"] = str(meta["split"])
    if summary is not None and not isinstance(summary, str):
        summary = "\n".join(map(str, summary)) if isinstance(summary, (list, tuple)) else str(summary)
    return Document(id=str(doc_id) if doc_id not in (None, "") else default_id, text=text,
                    title=str(title) if title not in (None, "") else None,
                    source=str(source) if source else None, dateline=str(dateline) if dateline else None,
                    byline=str(byline) if byline else None, date=str(date) if date else None,
                    labels=_as_labels(labels), summary=summary, meta=meta)


class _Ctx:
    def __init__(self, text_field, on_error, report, root):
        self.text_field, self.on_error, self.report, self.root = text_field, on_error, report, root

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root)) if self.root else path.name
        except ValueError:
            return str(path)

    def bad(self, path, line, reason, doc_id=None):
        where = f"{path}:{line}" if line is not None else str(path)
        if self.on_error == "fail":
            raise InputError(f"{where}: {reason} (use --on-error skip to skip such records and list them in "
                             "manifest.json)")
        self.report.drop(path, line, reason, doc_id)


def _records(ctx: _Ctx, path: Path, rows: Iterator[tuple[int, Any]], stem: str) -> Iterator[Document]:
    text_key = None
    for line, row in rows:
        if isinstance(row, Exception):
            ctx.bad(path, line, f"malformed record: {row}")
            continue
        if not isinstance(row, dict):
            ctx.bad(path, line, f"malformed record: expected an object, got {type(row).__name__}")
            continue
        if text_key is None:
            try:
                text_key = _resolve_text_field(row.keys(), ctx.text_field, f"{path}:{line}")
            except InputError as exc:
                if ctx.text_field or ctx.root is None:
                    raise  # the --text-field or the file the user named: theirs to fix, so an error
                ctx.bad(path, None, str(exc).partition(": ")[2] or str(exc))  # one file of a folder: a skip
                return
        try:
            yield record_to_document(row, text_key, f"{stem}-{line}", f"{ctx.rel(path)}:{line}")
        except (ValueError, TypeError) as exc:
            ctx.bad(path, line, f"malformed record: {exc}", row.get("id"))
