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

import os
from collections.abc import Iterator
from pathlib import Path

from newsml.data.document import Document, ReadReport
from newsml.data.readers.encoding import _BinaryFile, decode_bytes
from newsml.data.readers.records import (
    DATE_FIELDS,
    ID_FIELDS,
    LABEL_FIELDS,
    SIDECAR_SUFFIX,
    SUMMARY_FIELDS,
    SUPPORTED_SUFFIXES,
    TEXT_FIELDS,
    TEXT_SUFFIXES,
    _Ctx,
    record_to_document,
)
from newsml.data.readers.tabular import (
    _read_csv,
    _read_dataset_dir,
    _read_hub,
    _read_json,
    _read_jsonl,
    _read_parquet,
)
from newsml.data.readers.text import _read_html, _read_stdin, _read_text_file
from newsml.errors import InputError, MissingInputError

__all__ = ["read_documents", "TEXT_FIELDS", "SUPPORTED_SUFFIXES", "decode_bytes", "record_to_document",
           "is_saved_dataset", "DATE_FIELDS", "ID_FIELDS", "LABEL_FIELDS", "SIDECAR_SUFFIX", "SUMMARY_FIELDS",
           "TEXT_SUFFIXES"]

_IGNORED_NAMES = {"SOURCE.md", "README.md", "LICENSE", "LICENSE.txt", ".DS_Store"}


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
