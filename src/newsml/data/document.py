"""The :class:`Document` record and the read report that keeps track of every skipped or repaired input.

Examples
--------
>>> doc = Document(id="a1", text="Rain fell.", labels=["weather"])
>>> doc.to_record()["labels"]
['weather']
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Document", "ReadReport", "RECORD_COLUMNS"]

#: Columns of the prepared dataset, in order.
RECORD_COLUMNS = ("id", "text", "title", "source", "dateline", "sentences", "labels", "summary", "meta")


@dataclass
class Document:
    """One news article.

    Attributes
    ----------
    id : str
        Stable identifier (from the input, else the file name or ``<file stem>-<line>``).
    text : str
        Body text (cleaned and with the news lead removed once prepared).
    title, source, dateline, byline, date, summary : str or None
        Optional fields; ``source``/``dateline``/``byline`` come from the lead when not given.
    sentences : list of str
        Sentences of ``text`` (filled by :func:`newsml.data.prepare`).
    labels : list of str
        Gold labels (may be empty).
    meta : dict
        Everything else: extra input fields, ``origin`` (``file:line``), ``split`` from the input...

    Examples
    --------
    >>> Document(id="x", text="Hello.").title is None
    True
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    dateline: str | None = None
    byline: str | None = None
    date: str | None = None
    sentences: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    summary: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """Row of the prepared dataset: ``byline`` and ``date`` go into ``meta`` (a JSON string)."""
        meta = dict(self.meta)
        if self.byline:
            meta["byline"] = self.byline
        if self.date:
            meta["date"] = self.date
        return {
            "id": str(self.id), "text": self.text, "title": self.title, "source": self.source,
            "dateline": self.dateline, "sentences": list(self.sentences),
            "labels": [str(x) for x in self.labels], "summary": self.summary,
            "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_record` (``byline``/``date`` come back out of ``meta``).

        Examples
        --------
        >>> d = Document(id="x", text="Hi.", byline="Jane Doe")
        >>> Document.from_record(d.to_record()).byline
        'Jane Doe'
        """
        meta = record.get("meta") or {}
        if isinstance(meta, str):
            meta = json.loads(meta) if meta else {}
        meta = dict(meta)
        byline, date = meta.pop("byline", None), meta.pop("date", None)
        return cls(id=str(record["id"]), text=record.get("text") or "", title=record.get("title"),
                   source=record.get("source"), dateline=record.get("dateline"), byline=byline, date=date,
                   sentences=list(record.get("sentences") or []), labels=list(record.get("labels") or []),
                   summary=record.get("summary"), meta=meta)

    def asdict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReadReport:
    """Everything that was skipped, repaired or truncated, with ``file:line`` and a reason.

    Passed to :func:`newsml.data.read_documents` (``report=``) and summarised in ``manifest.json``.

    Examples
    --------
    >>> r = ReadReport()
    >>> r.drop("a.jsonl", 3, "malformed JSON: Expecting value")
    >>> r.counts()["dropped"]
    1
    """

    dropped: list[dict[str, Any]] = field(default_factory=list)
    repaired: list[dict[str, Any]] = field(default_factory=list)
    truncated: list[dict[str, Any]] = field(default_factory=list)
    files: int = 0
    max_entries: int = 1000

    @staticmethod
    def _entry(file, line, reason, doc_id=None) -> dict[str, Any]:
        where = f"{file}:{line}" if line is not None else str(file)
        entry = {"where": where, "reason": reason}
        if doc_id is not None:
            entry["id"] = str(doc_id)
        return entry

    def _add(self, bucket: list, entry: dict) -> None:
        bucket.append(entry)

    def drop(self, file, line, reason: str, doc_id=None) -> None:
        """Record a skipped input (file, record or document)."""
        self._add(self.dropped, self._entry(file, line, reason, doc_id))

    def repair(self, file, line, reason: str, doc_id=None) -> None:
        """Record a repaired input (re-decoded, mojibake fixed, summary spacing...)."""
        self._add(self.repaired, self._entry(file, line, reason, doc_id))

    def truncate(self, file, line, reason: str, doc_id=None) -> None:
        """Record a document cut to ``max_chars``."""
        self._add(self.truncated, self._entry(file, line, reason, doc_id))

    def counts(self) -> dict[str, int]:
        return {"dropped": len(self.dropped), "repaired": len(self.repaired),
                "truncated": len(self.truncated)}

    def to_dict(self) -> dict[str, Any]:
        """Counts, reasons tallied, every dropped/truncated entry and up to ``max_entries`` repaired ones."""
        out: dict[str, Any] = {"counts": self.counts()}
        for name in ("dropped", "repaired", "truncated"):
            items = getattr(self, name)
            reasons: dict[str, int] = {}
            for e in items:
                key = re.sub(r"(?<![\w-])\d+\b", "N",  # 'line 5' -> 'line N', not 'UTF-8' -> 'UTF-N'
                             re.sub(r"\s*\([^)]*(\)|$)", "", e["reason"].split(":")[0])).strip()
                reasons[key] = reasons.get(key, 0) + 1
            cap = self.max_entries if name == "repaired" else len(items)  # skipped/cut ones: every one listed
            out[name] = {"reasons": dict(sorted(reasons.items())), "entries": items[:cap],
                         "omitted": max(0, len(items) - cap)}
        return out
