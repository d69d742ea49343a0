"""The output folder of ``newsml annotate``: atomic Parquet parts, resume state, manifest, ``_SUCCESS``.

Layout::

    DIR/part-00000.parquet   rows, written whole to a temporary sibling then renamed (never half a part)
    DIR/part-00001.parquet   each part carries the job's config fingerprint in its Parquet metadata
    DIR/manifest.json        counts, failures, components and versions, fingerprint, timings
    DIR/_SUCCESS             written last, atomically: a folder without it is unfinished

Resuming reads the ``id`` column and the fingerprint of every existing part: ids already written by the
same fingerprint are skipped, a part written by another configuration is an error.

Examples
--------
>>> import tempfile, pyarrow as pa
>>> d = tempfile.mkdtemp()
>>> w = PartWriter(d, "fp1", rows_per_part=2)
>>> w.add(pa.table({"id": ["a", "b", "c"], "error": [None, None, "x"]}))
>>> w.close()
>>> state = scan_parts(d, "fp1")
>>> sorted(state.done.elements()), state.next_index
(['a', 'b', 'c'], 2)
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsml.errors import InputError
from newsml.outdir import atomic_write

__all__ = ["read_output", "part_paths", "PartWriter", "scan_parts", "PartsState", "FINGERPRINT_KEY", "SUCCESS", "MANIFEST",
           "write_json_atomic", "tally_outputs", "check_out_dir"]

FINGERPRINT_KEY = b"newsml.corpus.fingerprint"
SUCCESS = "_SUCCESS"
MANIFEST = "manifest.json"
_PART_RE = re.compile(r"^part-(\d{5,})\.parquet$")
_TMP_PREFIX = ".part-"
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_json_atomic(path: str | Path, obj: Any) -> None:
    """Write JSON through a temporary sibling and :func:`os.replace`."""
    path = Path(path)

    def write(tmp: str) -> None:
        Path(tmp).write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")

    atomic_write(path, write)


def part_paths(out_dir: str | Path) -> list[Path]:
    """Existing ``part-NNNNN.parquet`` files, in part order."""
    out = Path(out_dir)
    if not out.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in out.iterdir() if (m := _PART_RE.match(p.name))]
    return [p for _, p in sorted(found)]


class PartWriter:
    """Collect output tables and write them as numbered, atomic Parquet parts.

    Parameters
    ----------
    out_dir : str or Path
        Output folder (created).
    fingerprint : str
        Stored in each part's Parquet metadata under :data:`FINGERPRINT_KEY`.
    rows_per_part : int
        Rows buffered before a part is written (memory is bounded by this and the batch size).
    start_index : int
        Number of the first part written (after the parts of an earlier attempt).
    """

    def __init__(self, out_dir: str | Path, fingerprint: str, rows_per_part: int = 10_000,
                 start_index: int = 0) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.rows_per_part = max(1, int(rows_per_part))
        self.index = int(start_index)
        self.rows_written = 0
        self.parts_written = 0
        self._buffer: list = []
        self._buffered = 0

    def add(self, table) -> None:
        """Buffer ``table``; write parts whenever ``rows_per_part`` rows are waiting."""
        self._buffer.append(table)
        self._buffered += table.num_rows
        while self._buffered >= self.rows_per_part:
            self._write(self.rows_per_part)

    def flush(self) -> None:
        """Write whatever is buffered as one (possibly short) part."""
        while self._buffered:
            self._write(min(self._buffered, self.rows_per_part))

    def close(self) -> None:
        self.flush()

    def _write(self, n: int) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.concat_tables(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
        head, rest = table.slice(0, n), table.slice(n)
        self._buffer = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows
        meta = dict(head.schema.metadata or {})
        meta[FINGERPRINT_KEY] = self.fingerprint.encode()
        head = head.replace_schema_metadata(meta)
        path = self.out_dir / f"part-{self.index:05d}.parquet"
        atomic_write(path, lambda tmp: pq.write_table(head, tmp, compression="zstd"))
        self.index += 1
        self.rows_written += head.num_rows
        self.parts_written += 1


@dataclass
class PartsState:
    """What earlier attempts left: ids written (with multiplicity) and the next part number."""

    done: Counter = field(default_factory=Counter)
    next_index: int = 0
    parts: int = 0


def scan_parts(out_dir: str | Path, fingerprint: str) -> PartsState:
    """Read the ids and fingerprint of every existing part (see module docs).

    Raises
    ------
    InputError
        A part was written by a different configuration, or cannot be read.
    """
    import pyarrow.parquet as pq

    state = PartsState()
    for path in part_paths(out_dir):
        try:
            pf = pq.ParquetFile(path)
            meta = pf.schema_arrow.metadata or {}
            ids = pf.read(columns=["id"]).column("id").to_pylist()
        except Exception as exc:  # noqa: BLE001 - a damaged part is named, never silently skipped
            raise InputError(f"{path}: cannot read this part ({type(exc).__name__}: {exc}); delete it and "
                             "rerun with --resume to recompute its rows") from exc
        found = meta.get(FINGERPRINT_KEY, b"").decode() or "(none)"
        if found != fingerprint:
            raise InputError(f"{path}: written by a different annotate configuration (fingerprint {found}, this "
                             f"job {fingerprint}); resume with the same components and options, or use a new --out")
        state.done.update(ids)
        state.next_index = int(_PART_RE.match(path.name).group(1)) + 1
        state.parts += 1
    return state


def read_output(out_dir: str | Path, columns: list[str] | None = None):
    """All parts of an annotate output folder as one ``pyarrow.Table`` (``manifest.json`` is skipped).

    For corpora larger than memory, read the parts one at a time (:func:`part_paths`) or with
    ``pyarrow.dataset.dataset(part_paths(DIR))``, DuckDB (``read_parquet('DIR/part-*.parquet')``) or
    ``ray.data.read_parquet(DIR)``.

    Examples
    --------
    >>> read_output("annotated/", columns=["id", "labels"]).num_rows  # doctest: +SKIP
    1000
    """
    import pyarrow.parquet as pq

    paths = part_paths(out_dir)
    if not paths:
        raise InputError(f"{out_dir}: no part-NNNNN.parquet files (not an annotate output, or nothing written yet)")
    return pq.ParquetDataset([str(p) for p in paths]).read(columns=columns)


def tally_outputs(out_dir: str | Path, max_examples: int = 100) -> dict[str, Any]:
    """Counts over every part: rows, ok, failed, duplicate ids, failure reasons and examples."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rows = failed = 0
    # ids stay Arrow strings (about 12 bytes per id, not a Python object each): the count stays small at
    # tens of millions of rows
    id_chunks: list = []
    reasons: Counter = Counter()
    examples: list[dict[str, str]] = []
    for path in part_paths(out_dir):
        t = pq.read_table(path, columns=["id", "error"])
        id_chunks.extend(t.column("id").chunks)
        rows += t.num_rows
        errors = t.column("error")
        if errors.null_count == len(errors):
            continue
        for doc_id, err in zip(t.column("id").to_pylist(), errors.to_pylist()):
            if err is None:
                continue
            failed += 1
            reasons[re.sub(r"\d+", "N", err.split(" (")[0])[:120]] += 1
            if len(examples) < max_examples:
                examples.append({"id": doc_id, "error": err})
    dup = 0
    if id_chunks:
        all_ids = pa.chunked_array(id_chunks, type=id_chunks[0].type)
        dup = len(all_ids) - len(pc.unique(all_ids))
        del all_ids, id_chunks
    return {"rows": rows, "ok": rows - failed, "failed": failed, "duplicate_ids": dup,
            "failure_reasons": dict(reasons.most_common()), "failure_examples": examples,
            "parts": len(part_paths(out_dir))}


def check_out_dir(out_dir: str | Path, resume: bool) -> None:
    """Refuse to write into a folder holding other things, or earlier output without ``resume``."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder")
    if not out.is_dir():
        return
    ours = {MANIFEST, SUCCESS}
    names = [p.name for p in out.iterdir()]
    foreign = [n for n in names if not (_PART_RE.match(n) or n in ours or n.startswith((_TMP_PREFIX, ".manifest", "._SUCCESS")))]
    if foreign:
        raise InputError(f"--out {out}: the folder holds files annotate did not write ({', '.join(sorted(foreign)[:3])}"
                         "...); choose an empty or new folder")
    if names and not resume:
        raise InputError(f"--out {out}: holds output of an earlier run; pass --resume to continue it, or choose a "
                         "new folder")


def remove_stale_temporaries(out_dir: str | Path) -> int:
    """Delete temporary part files an interrupted attempt left (only names this module creates)."""
    n = 0
    for p in Path(out_dir).glob(f"{_TMP_PREFIX}*.tmp"):
        p.unlink(missing_ok=True)
        n += 1
    return n
