"""Tabular readers: JSON Lines, JSON, CSV/TSV, Parquet, saved ``datasets`` folders and ``hub:NAME``."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from newsml.data.document import Document
from newsml.data.readers.encoding import _detect_stream_encoding, decode_bytes
from newsml.data.readers.records import _Ctx, _records
from newsml.errors import InputError


def _read_jsonl(ctx: _Ctx, path: Path) -> Iterator[Document]:
    encoding, repaired = _detect_stream_encoding(path)
    if repaired:
        ctx.report.repair(path, None, f"decoded as {repaired}")

    def rows():
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            for i, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    yield i, json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield i, ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})")

    yield from _records(ctx, path, rows(), path.stem)


def _read_json(ctx: _Ctx, path: Path) -> Iterator[Document]:
    text, repaired = decode_bytes(path.read_bytes())
    if repaired:
        ctx.report.repair(path, None, f"decoded as {repaired}")
    if not text.strip():
        ctx.report.drop(path, None, "empty file")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        ctx.bad(path, exc.lineno, f"invalid JSON ({exc.msg})")
        return
    if isinstance(data, dict):
        for key in ("data", "records", "documents", "articles", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        ctx.bad(path, None, f"expected a JSON list of objects, got {type(data).__name__}")
        return
    yield from _records(ctx, path, ((i, r) for i, r in enumerate(data, 1)), path.stem)


def _read_csv(ctx: _Ctx, path: Path) -> Iterator[Document]:
    encoding, repaired = _detect_stream_encoding(path)
    if repaired:
        ctx.report.repair(path, None, f"decoded as {repaired}")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

    def rows():
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            sample = fh.read(8192)
            fh.seek(0)
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            if path.suffix.lower() != ".tsv":
                try:
                    delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
                except csv.Error:
                    pass
            reader = csv.DictReader(fh, delimiter=delimiter)
            while True:
                start = reader.line_num + 1 if reader.line_num else 2  # physical line where the record starts
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield start, ValueError(f"CSV error: {exc}")
                    continue
                if None in row:
                    yield start, ValueError(f"{len(row[None])} more fields than the header has")
                    continue
                yield start, row

    yield from _records(ctx, path, rows(), path.stem)


def _read_parquet(ctx: _Ctx, path: Path) -> Iterator[Document]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)

    def rows():
        i = 0
        for batch in pf.iter_batches(batch_size=1000):
            for row in batch.to_pylist():
                i += 1
                yield i, row

    yield from _records(ctx, path, rows(), path.stem)


def _read_dataset_dir(ctx: _Ctx, path: Path) -> Iterator[Document]:
    import datasets

    obj = datasets.load_from_disk(str(path))
    parts = obj.items() if isinstance(obj, datasets.DatasetDict) else [(None, obj)]
    for split, ds in parts:
        def rows(ds=ds, split=split):
            for i, row in enumerate(ds, 1):
                if split is not None and "split" not in row:
                    row = {**row, "split": split}
                yield i, row

        yield from _records(ctx, path / (split or ""), rows(), split or path.name)


def _read_hub(ctx: _Ctx, name: str) -> Iterator[Document]:  # pragma: no cover - needs network
    import datasets

    repo, _, config = name.partition(":")
    try:
        obj = datasets.load_dataset(repo, config or None)
    except Exception as exc:  # noqa: BLE001 - any hub failure becomes one clear line
        raise InputError(f"hub:{name}: could not load the dataset ({type(exc).__name__}: {exc}). Check the name "
                         "and your network (HF_HUB_OFFLINE must not be set).") from exc
    for split, ds in obj.items():
        def rows(ds=ds, split=split):
            for i, row in enumerate(ds, 1):
                yield i, {**row, "split": row.get("split", split)}

        yield from _records(ctx, Path(f"hub:{name}/{split}"), rows(), f"{repo.split('/')[-1]}-{split}")
