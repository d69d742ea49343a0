"""Documents in, rows out: the streaming input side of ``newsml annotate``, shared by both engines.

Rows come from :func:`newsml.data.read_clean_documents` (the same cleaning and lead parsing as
``newsml prepare`` and ``newsml classify``), one at a time, so memory does not grow with the corpus.
A record the readers skip (malformed JSON, empty text, binary file...) becomes a row whose ``error``
says why, so the output has one row per input record and nothing is lost silently.

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
>>> _ = f.write_text('{"id": "1", "text": "Rain fell. Roads flooded."}\\n{bad\\n')
>>> rows = list(RowSource([f]))
>>> rows[0]["id"], rows[0]["error"], rows[0]["sentences"]
('1', None, ['Rain fell.', 'Roads flooded.'])
>>> rows[1]["id"].endswith("x.jsonl:2"), rows[1]["error"][:34]
(True, 'dropped: malformed record: invalid')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsml.errors import InputError

__all__ = ["RowSource", "batched", "rows_to_columns", "INPUT_COLUMNS", "check_inputs"]

INPUT_COLUMNS = ("id", "text", "title", "sentences", "error")


def check_inputs(inputs: Iterable[str | Path]) -> list[str]:
    """The input paths as strings; a missing one raises :class:`InputError` before any model loads."""
    out = []
    for p in inputs:
        s = str(p)
        if not s.startswith("hub:") and not Path(s).exists():
            raise InputError(f"{s}: no such file or folder")
        out.append(s)
    if not out:
        raise InputError("no inputs given: name at least one file or folder")
    return out


class RowSource:
    """Iterate rows (``id, text, title, sentences, error``) from files, folders or a ``prepare`` output.

    Parameters
    ----------
    inputs : list of str or Path
        Anything :func:`newsml.data.read_documents` reads.
    text_field : str, optional
        Text column of tabular inputs.

    Attributes
    ----------
    report : newsml.data.ReadReport
        Skipped, repaired and truncated inputs seen so far.

    Examples
    --------
    >>> src = RowSource(["seeds/"])  # doctest: +SKIP
    >>> next(iter(src))["id"]  # doctest: +SKIP
    'mali-ukraine'
    """

    def __init__(self, inputs: Iterable[str | Path], text_field: str | None = None) -> None:
        from newsml.data import ReadReport

        self.inputs = [str(p) for p in inputs]
        self.text_field = text_field
        self.report = ReadReport()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        from newsml.data import read_clean_documents

        n_drops = 0
        for doc in read_clean_documents(self.inputs, text_field=self.text_field, report=self.report):
            if len(self.report.dropped) > n_drops:
                yield from self._drop_rows(n_drops)
                n_drops = len(self.report.dropped)
            yield {"id": str(doc.id), "text": doc.text, "title": doc.title, "sentences": list(doc.sentences),
                   "error": None}
        if len(self.report.dropped) > n_drops:
            yield from self._drop_rows(n_drops)

    def _drop_rows(self, start: int) -> Iterator[dict[str, Any]]:
        for entry in self.report.dropped[start:]:
            yield {"id": str(entry.get("id") or entry["where"]), "text": None, "title": None, "sentences": [],
                   "error": f"dropped: {entry['reason']}"}


def batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Lists of at most ``size`` rows.

    >>> [len(b) for b in batched(({"i": i} for i in range(5)), 2)]
    [2, 2, 1]
    """
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rows_to_columns(rows: list[dict[str, Any]]) -> dict[str, list]:
    """Row dicts -> ``{column: values}`` over :data:`INPUT_COLUMNS`.

    >>> rows_to_columns([{"id": "a", "text": "x"}])["id"]
    ['a']
    """
    return {c: [r.get(c) for r in rows] for c in INPUT_COLUMNS}
