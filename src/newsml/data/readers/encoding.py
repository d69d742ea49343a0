"""Byte decoding for the readers: UTF-8, BOMs, BOM-less UTF-16 and charset detection; binary files refused."""

from __future__ import annotations

import codecs
from pathlib import Path

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
