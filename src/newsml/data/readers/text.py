"""Text readers: ``.txt``/``.md`` (YAML front matter, sidecar annotations, title line), HTML and stdin."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from newsml.data.document import Document
from newsml.data.readers.encoding import _BinaryFile, decode_bytes
from newsml.data.readers.records import SIDECAR_SUFFIX, _Ctx, _records, record_to_document
from newsml.errors import InputError


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
