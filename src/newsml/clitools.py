"""Shared helpers of the ``classify`` and ``summarize`` commands: per-document accounting and safe output.

* :class:`BatchLog` counts every input: documents read, inputs skipped (with a reason each: empty,
  binary or unreadable files from the reader, a component that failed on one document) and
  documents whose text was cut to the cost caps. The command prints its :meth:`BatchLog.line` on
  stderr (``12 read, 2 skipped (empty file: 1, binary content: 1)``) and, with ``--format json``,
  one record per skipped input.
* :func:`emit_json` always writes valid UTF-8, even when a file name holds bytes that are not UTF-8
  (Python carries them as lone surrogates; they are written as ``\\xNN`` escapes).
* :func:`did_you_mean` suggests the closest registered name for a misspelt one.
* :func:`check_inputs`, :func:`one_by_one`, :func:`run_batches` and :func:`finish` are the steps both
  commands share: fail early on a missing input, retry a failed batch one document at a time, stream
  documents in batches while reporting the reader's skips, and end with the summary line.

Examples
--------
>>> log = BatchLog()
>>> log.read += 3
>>> log.skip("b.txt", "empty file")["skipped"]
True
>>> log.line()
'3 read, 1 skipped (empty file: 1)'
>>> utf8_safe("caf\\udce9.txt")
'caf\\\\xe9.txt'
>>> did_you_mean("tfdif", ["tfidf", "keyword"])
" (did you mean 'tfidf'?)"
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsml.errors import InputError, MissingInputError

BATCH = 32


def utf8_safe(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8 (recursively through dicts and lists).

    Lone surrogates from undecodable file-name bytes (``surrogateescape``) become ``\\xNN`` text;
    any other lone surrogate becomes a ``\\udNNN`` escape.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            pass
        try:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {utf8_safe(k): utf8_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [utf8_safe(v) for v in value]
    return value


def emit(line: str) -> None:
    """Write one line to stdout as UTF-8, whatever the terminal's encoding."""
    line = utf8_safe(line)
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    buffer = getattr(stream, "buffer", None)
    if encoding in ("utf8", "utf8sig") or buffer is None:
        stream.write(line + "\n")
        return
    stream.flush()
    buffer.write((line + "\n").encode("utf-8"))
    buffer.flush()


def emit_json(record: dict[str, Any]) -> None:
    """Print ``record`` as one line of JSON in valid UTF-8 (see :func:`utf8_safe`)."""
    emit(json.dumps(utf8_safe(record), ensure_ascii=False))


def did_you_mean(name: str, choices: list[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest of ``choices``, or ``""``."""
    key = str(name).strip().lower()
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(key, list(lowered), n=1, cutoff=0.6)
    if not close:  # "zeroshot" vs "zero-shot": compare without separators
        bare = {re.sub(r"[-_ ]", "", c): c for c in lowered}
        close = difflib.get_close_matches(re.sub(r"[-_ ]", "", key), list(bare), n=1, cutoff=0.6)
        close = [bare[c] for c in close]
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def _reason_key(reason: str) -> str:
    """A short reason for tallies: ``binary content (NUL bytes)`` -> ``binary content``."""
    key = re.sub(r"\s*\([^)]*\)", "", str(reason).split(":")[0]).strip()
    return key or str(reason)


@dataclass
class BatchLog:
    """Counts of one ``classify``/``summarize`` run: read, skipped (with reasons) and cut documents."""

    read: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    truncated: int = 0
    notes: Counter = field(default_factory=Counter)

    def skip(self, where: Any, reason: str, doc_id: Any = None) -> dict[str, Any]:
        """Record a skipped input; returns its JSON record (``{"id", "source", "skipped", "error"}``)."""
        record = {"id": None if doc_id is None else str(doc_id), "source": str(where), "skipped": True,
                  "error": str(reason)}
        self.skipped.append(record)
        return record

    def add_reader_report(self, report: Any, start: int = 0) -> list[dict[str, Any]]:
        """Turn the reader's dropped entries (from index ``start``) into skip records; returns the new ones."""
        out = []
        for entry in report.dropped[start:]:
            self.read += 1  # a dropped input was read (or tried) too
            out.append(self.skip(entry.get("where", "?"), entry.get("reason", "skipped"), entry.get("id")))
        return out

    def line(self) -> str:
        """``N read, M skipped (reason: count, ...)`` plus cut documents and notes, if any."""
        text = f"{self.read} read, {len(self.skipped)} skipped"
        if self.skipped:
            tally = Counter(_reason_key(r["error"]) for r in self.skipped)
            text += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"
        if self.truncated:
            text += f", {self.truncated} cut to the per-document cost cap (see 'truncated')"
        for note, n in sorted(self.notes.items()):
            text += f", {n} {note}"
        return text


def check_inputs(inputs: Iterable[Any]) -> None:
    """Raise :class:`~newsml.errors.MissingInputError` for the first input that does not exist (``hub:``, ``-`` excepted).

    Called before any model is loaded, so that a typo costs no loading time.
    """
    for path in inputs:
        if str(path) != "-" and not str(path).startswith("hub:") and not Path(path).exists():
            raise MissingInputError(f"{path}: no such file or folder")


def one_by_one(call: Callable[[list], Iterable], items: list, on_error: Callable[[Any, BaseException], Any]) -> list:
    """``call(items)`` as a list; if that fails, ``call([item])`` for each item so one bad item costs only itself.

    An item that still fails gets ``on_error(item, exc)`` in its place (order is kept).

    Examples
    --------
    >>> def halve(xs):
    ...     return [1 / x for x in xs]
    >>> one_by_one(halve, [1, 0, 4], lambda x, exc: type(exc).__name__)
    [1.0, 'ZeroDivisionError', 0.25]
    """
    try:
        return list(call(items))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception:  # noqa: BLE001 - retried one by one below
        pass
    out: list = []
    for item in items:
        try:
            out.extend(call([item]))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - recorded for this item only
            out.append(on_error(item, exc))
    return out


def run_batches(docs: Iterable[Any], handle: Callable[[list], None], log: BatchLog, report: Any, *,
                as_json: bool, batch_size: int = BATCH) -> None:
    """Feed ``docs`` to ``handle`` in batches of ``batch_size``, counting reads and reader skips in ``log``.

    ``report`` is the reader's :class:`~newsml.data.ReadReport`; each input it drops becomes a skip
    record in ``log`` (printed as JSON with ``as_json``) as soon as it appears. stdout is flushed after
    every batch.
    """
    seen_drops = 0

    def flush_drops() -> None:
        nonlocal seen_drops
        for rec in log.add_reader_report(report, seen_drops):
            if as_json:
                emit_json(rec)
        seen_drops = len(report.dropped)

    batch: list = []
    for doc in docs:
        log.read += 1
        flush_drops()
        batch.append(doc)
        if len(batch) >= batch_size:
            handle(batch)
            sys.stdout.flush()
            batch = []
    if batch:
        handle(batch)
        sys.stdout.flush()
    flush_drops()


def finish(command: str, log: BatchLog, inputs: Iterable[Any], done: str) -> int:
    """Print ``newsml COMMAND: <log line>`` on stderr; raise when nothing was read or nothing was ``done``."""
    print(f"newsml {command}: {log.line()}", file=sys.stderr)
    if log.read == 0:
        raise InputError(f"no documents found in {', '.join(map(str, inputs))}")
    if log.read == len(log.skipped):
        raise InputError(f"no document could be {done} ({len(log.skipped)} skipped, reasons above)")
    return 0
