"""Streaming readers: files and folders -> :class:`~newsml.data.document.Document` generator.

Supported inputs: ``.txt``/``.md`` (optional YAML front matter; a sidecar ``<stem>.annotations.yaml``
adds ``labels``/``summary``), ``.jsonl``/``.ndjson``, ``.json``, ``.csv``/``.tsv``, ``.parquet``,
``.html``/``.htm`` (boilerplate removed with trafilatura), a folder written by
``datasets.Dataset(Dict).save_to_disk`` and ``hub:NAME`` (``datasets.load_dataset``; needs network).

Readers never hold more than one record (or one Parquet batch) at a time. Anything skipped or
repaired is written to the :class:`~newsml.data.document.ReadReport` with ``file:line`` and a reason;
``on_error="fail"`` turns malformed records into :class:`~newsml.errors.InputError`.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("---\\ntitle: Rain\\nlabels: [weather]\\n---\\nRain fell in Accra.\\n")
>>> [(doc.id, doc.title, doc.labels) for doc in read_documents(d)]
[('a', 'Rain', ['weather'])]
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsml.data.document import Document, ReadReport
from newsml.errors import InputError, MissingInputError

__all__ = ["read_documents", "TEXT_FIELDS", "SUPPORTED_SUFFIXES", "decode_bytes"]

TEXT_FIELDS = ("text", "body", "article", "content", "document", "story", "doc_text")
ID_FIELDS = ("id", "doc_id", "guid", "uid")
LABEL_FIELDS = ("labels", "label", "topics", "categories")
SUMMARY_FIELDS = ("summary", "highlights", "abstract")
DATE_FIELDS = ("date", "published", "pubdate", "publish_date")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet", ".html", ".htm"}
SIDECAR_SUFFIX = ".annotations.yaml"
_IGNORED_NAMES = {"SOURCE.md", "README.md", "LICENSE", "LICENSE.txt", ".DS_Store"}
_HEAD = 1 << 16


class _BinaryFile(Exception):
    pass


def _bomless_utf16(head: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``head`` reads as UTF-16 text without a BOM, else None.

    Text in UTF-16 has its NUL bytes on one parity only (the high byte of ASCII code units: letters,
    spaces, punctuation); the decoded text must then be almost all printable characters.

    >>> _bomless_utf16("Rain fell in Accra.".encode("utf-16-le"))
    'utf-16-le'
    >>> _bomless_utf16(bytes(range(256))) is None
    True
    """
    n = len(head) - len(head) % 2
    if n < 4:
        return None
    even, odd = head[0:n:2].count(0), head[1:n:2].count(0)
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.05 * (n // 2) and other <= 0.01 * (n // 2):
            text = head[:n].decode(enc, errors="replace")
            good = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
            if good >= 0.95 * len(text) and "\ufffd" not in text[:-1]:
                return enc
    return None


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode bytes as UTF-8, else detect the encoding with charset-normalizer.

    Returns
    -------
    (text, repaired_from)
        ``repaired_from`` is ``None`` for clean UTF-8, else the encoding that was used.

    Raises
    ------
    _BinaryFile
        When the bytes look binary (NUL bytes without a UTF-16 BOM, or no encoding fits).

    Examples
    --------
    >>> decode_bytes("café".encode("latin-1"))[1] is not None
    True
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:8192]:
        enc = _bomless_utf16(data[:8192])
        if enc is None:
            raise _BinaryFile("binary content (NUL bytes)")
        return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise _BinaryFile("binary content (no text encoding fits)")
    return data.decode(best.encoding, errors="replace"), best.encoding


def _detect_stream_encoding(path: Path) -> tuple[str, str | None]:
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    if b"\x00" in head[:8192]:
        enc = _bomless_utf16(head[:8192])
        if enc is None:
            raise _BinaryFile("binary content (NUL bytes)")
        return enc, enc
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", None
    except UnicodeDecodeError:
        _, enc = decode_bytes(head)
        return enc or "utf-8", enc


# ----------------------------------------------------------------------------- records -> Document


def _first(record: dict, names: Iterable[str]) -> tuple[str | None, Any]:
    for name in names:
        if name in record and record[name] is not None:
            return name, record[name]
    return None, None


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
    id_key, doc_id = _first(rec, ID_FIELDS)
    if id_key:
        rec.pop(id_key)
    label_key, labels = _first(rec, LABEL_FIELDS)
    if label_key:
        rec.pop(label_key)
    summary_key, summary = _first(rec, SUMMARY_FIELDS)
    if summary_key:
        rec.pop(summary_key)
    date_key, date = _first(rec, DATE_FIELDS)
    if date_key:
        rec.pop(date_key)
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


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            import yaml

            try:
                data = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise ValueError(f"invalid YAML front matter: {exc}".replace("\n", " ")) from exc
            if not isinstance(data, dict):
                raise ValueError("YAML front matter is not a mapping")
            return data, "\n".join(lines[i + 1:])
    return {}, text


def _read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise InputError(f"{sidecar}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{sidecar}: invalid YAML ({exc}); fix the file or remove it".replace("\n", " ")) from exc
    if not isinstance(data, dict):
        raise InputError(f"{sidecar}: expected a mapping with 'labels' and/or 'summary'")
    return data


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 150 and line[-1] not in ".!?:;,\"')–—-" and not line.lower().startswith("by ")


def _read_text_file(ctx: _Ctx, path: Path) -> Iterator[Document]:
    text, repaired = decode_bytes(path.read_bytes())
    if repaired:
        ctx.report.repair(path, None, f"decoded as {repaired}")
    try:
        front, body = _split_front_matter(text, path)
    except ValueError as exc:
        ctx.bad(path, 1, str(exc))
        return
    if not body.strip():
        ctx.report.drop(path, None, "empty document")
        return
    try:
        side = _read_sidecar(path)
    except InputError as exc:
        ctx.bad(path.with_name(path.stem + SIDECAR_SUFFIX), None, f"invalid annotations: {exc}")
        return
    rel = Path(ctx.rel(path))
    default_id = str(rel.with_suffix("")) if ctx.root else path.stem
    record = {**front, **{k: v for k, v in side.items() if k in ("labels", "summary")}}
    extra = {k: v for k, v in side.items() if k not in ("labels", "summary")}
    if "title" not in record and path.suffix.lower() in (".md", ".markdown"):
        lines = body.lstrip().split("\n", 1)
        if lines[0].startswith("# "):
            record["title"] = lines[0][2:].strip()
            body = lines[1] if len(lines) > 1 else ""
    if "title" not in record:
        parts = body.strip().split("\n", 1)
        if len(parts) == 2 and parts[1].strip() and _looks_like_title(parts[0]):
            from newsml.data.lead import parse_lead

            lead = parse_lead(parts[0] + "\nX")
            if lead.source is None and lead.dateline is None and lead.byline is None:
                record["title"], body = parts[0].strip(), parts[1]
    record["text"] = body
    if side:
        record["annotations"] = path.with_name(path.stem + SIDECAR_SUFFIX).name
    if extra:
        record.update({k: v for k, v in extra.items() if k not in record})
    try:
        yield record_to_document(record, "text", default_id, ctx.rel(path))
    except (ValueError, TypeError) as exc:
        ctx.bad(path, None, f"malformed front matter: {exc}")


def _read_html(ctx: _Ctx, path: Path) -> Iterator[Document]:
    import trafilatura

    html, repaired = decode_bytes(path.read_bytes())
    if repaired:
        ctx.report.repair(path, None, f"decoded as {repaired}")
    result = trafilatura.bare_extraction(html, with_metadata=True, as_dict=True, include_comments=False,
                                         include_tables=False)
    text = (result or {}).get("text") or ""
    if not text.strip():
        ctx.report.drop(path, None, "no article text found in the HTML")
        return
    rel = Path(ctx.rel(path))
    default_id = str(rel.with_suffix("")) if ctx.root else path.stem
    record = {"text": text, "title": result.get("title"), "date": result.get("date"),
              "byline": result.get("author"), "sitename": result.get("sitename"), "url": result.get("url")}
    try:
        side = _read_sidecar(path)
    except InputError as exc:
        ctx.bad(path.with_name(path.stem + SIDECAR_SUFFIX), None, f"invalid annotations: {exc}")
        return
    record.update({k: v for k, v in side.items() if k in ("labels", "summary")})
    yield record_to_document({k: v for k, v in record.items() if v}, "text", default_id, ctx.rel(path))


def _read_stdin(ctx: _Ctx, stream=None) -> Iterator[Document]:
    """Standard input (``-``): JSON Lines when the first character is ``{``, else one text document."""
    data = (stream if stream is not None else sys.stdin.buffer).read()
    where = Path("<stdin>")
    ctx.report.files += 1
    try:
        text, repaired = decode_bytes(data)
    except _BinaryFile as exc:
        ctx.report.drop(where, None, str(exc))
        return
    if repaired:
        ctx.report.repair(where, None, f"decoded as {repaired}")
    if not text.strip():
        ctx.report.drop(where, None, "empty input")
        return
    if text.lstrip().startswith("{"):
        def rows():
            for i, raw in enumerate(text.splitlines(), 1):
                if raw.strip():
                    try:
                        yield i, json.loads(raw)
                    except json.JSONDecodeError as exc:
                        yield i, ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})")

        yield from _records(ctx, where, rows(), "stdin")
        return
    try:
        front, body = _split_front_matter(text, where)
    except ValueError as exc:
        ctx.bad(where, 1, str(exc))
        return
    yield record_to_document({**front, "text": body}, "text", "stdin", "<stdin>")


_READERS = {".jsonl": _read_jsonl, ".ndjson": _read_jsonl, ".json": _read_json, ".csv": _read_csv,
            ".tsv": _read_csv, ".parquet": _read_parquet, ".html": _read_html, ".htm": _read_html}


def is_saved_dataset(path: Path) -> bool:
    try:  # an unreadable folder is not a saved dataset; the walk then reports it as unreadable
        return path.is_dir() and ((path / "dataset_dict.json").is_file() or (path / "state.json").is_file())
    except OSError:
        return False


def _read_file(ctx: _Ctx, path: Path) -> Iterator[Document]:
    if not _valid_name(str(path)):
        ctx.report.drop(_printable_name(path), None, "file name is not valid UTF-8; rename it")
        return
    suffix = path.suffix.lower()
    if path.name.endswith(SIDECAR_SUFFIX):
        return
    if suffix not in SUPPORTED_SUFFIXES:
        ctx.report.drop(path, None, f"unsupported file type {suffix or '(none)'}")
        return
    ctx.report.files += 1
    try:
        if path.stat().st_size == 0:
            ctx.report.drop(path, None, "empty file")
            return
        reader = _READERS.get(suffix, _read_text_file)
        yield from reader(ctx, path)
    except _BinaryFile as exc:
        ctx.report.drop(path, None, str(exc))
    except OSError as exc:
        ctx.bad(path, None, f"cannot read file: {exc.strerror or exc}")
    except InputError:
        raise  # a wrong --text-field or on_error="fail": the user's call, not this file's fault
    except Exception as exc:  # noqa: BLE001 - a corrupt file (Parquet, HTML, ...) must not stop the others
        ctx.bad(path, None, f"cannot read {suffix} file ({type(exc).__name__}: {_one_line(exc)})")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _printable_name(path: Path) -> str:
    """``path`` with bytes that are not UTF-8 shown as U+FFFD (safe for JSON and the terminal)."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _walk(path: Path, report: ReadReport) -> Iterator[Path]:
    """Files (and saved-dataset folders) under ``path`` in sorted order; every skipped entry is reported.

    Follows symlinked folders once each (loops are reported, not followed); hidden entries, unreadable
    folders and names that are not valid UTF-8 are listed in ``report`` as skipped.
    """
    seen: set[tuple[int, int]] = set()

    stack = [path]  # an explicit stack, not recursion: folders nested deeper than ~1000 levels
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            report.drop(_printable_name(folder), None, f"cannot read folder: {exc.strerror or exc}")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            report.drop(_printable_name(folder), None, "symlink loop or second link to a folder already read")
            continue
        seen.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            report.drop(_printable_name(folder), None, f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs = []
        for e in entries:
            p = folder / e.name
            if not _valid_name(e.name):
                report.drop(_printable_name(p), None, "file name is not valid UTF-8; rename it")
                continue
            try:
                is_dir = e.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if e.name.startswith("."):
                if is_dir:  # hidden files (.DS_Store, .gitignore) are skipped like README.md, unlisted
                    report.drop(p, None, "hidden folder (names starting with '.' are not read)")
                continue
            if is_dir:
                if is_saved_dataset(p):
                    yield p
                else:
                    subdirs.append(p)
            elif e.name not in _IGNORED_NAMES:
                yield p
        stack.extend(reversed(subdirs))  # depth-first, in sorted order


def read_documents(paths, *, text_field: str | None = None, on_error: str = "skip",
                   report: ReadReport | None = None) -> Iterator[Document]:
    """Stream :class:`Document` objects from files, folders, saved datasets or ``hub:NAME``.

    Parameters
    ----------
    paths : str, Path or list of them
        Files, folders (read recursively in sorted order; ``SOURCE.md``/``README.md`` and hidden files are
        skipped) or ``hub:NAME[:CONFIG]``.
    text_field : str, optional
        Column holding the text for tabular inputs (default: the first of ``text, body, article, content,
        document, story``).
    on_error : {"skip", "fail"}
        Malformed records are skipped and listed in ``report`` (``skip``) or raise ``InputError`` (``fail``).
        Empty/binary files are always skipped and listed.
    report : ReadReport, optional
        Collects skipped and repaired inputs with ``file:line`` and a reason.

    Yields
    ------
    Document
        Raw documents (not yet normalised; see :func:`newsml.data.prepare`).

    Raises
    ------
    InputError
        Missing paths, a missing text column (naming the available columns), or malformed records with
        ``on_error="fail"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = f.write_text('{"id": "1", "text": "Rain.", "label": "weather"}\\n{bad\\n')
    >>> r = ReadReport()
    >>> [d.labels for d in read_documents(f, report=r)], r.counts()["dropped"]
    ([['weather']], 1)
    """
    if on_error not in ("skip", "fail"):
        raise InputError(f"on_error must be 'skip' or 'fail', got {on_error!r}")
    report = report if report is not None else ReadReport()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for p in paths:
        if isinstance(p, str) and p == "-":
            yield from _read_stdin(_Ctx(text_field, on_error, report, None))
            continue
        if isinstance(p, str) and p.startswith("hub:"):
            ctx = _Ctx(text_field, on_error, report, None)
            yield from _read_hub(ctx, p[4:])
            continue
        path = Path(p)
        if not path.exists():
            raise MissingInputError(f"{_printable_name(path)}: no such file or folder")
        if is_saved_dataset(path):
            yield from _read_dataset_dir(_Ctx(text_field, on_error, report, path.parent), path)
        elif path.is_dir():
            ctx = _Ctx(text_field, on_error, report, path)
            for f in _walk(path, report):
                if f.is_dir():
                    yield from _read_dataset_dir(ctx, f)
                else:
                    yield from _read_file(ctx, f)
        else:
            yield from _read_file(_Ctx(text_field, on_error, report, None), path)
