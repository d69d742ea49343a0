"""Text normalisation for news articles.

One function, :func:`normalize_text`, makes text from many sources look alike without changing what it
says. It is idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)`` (checked by a
hypothesis property test).

Decisions (documented in the README):

* Unicode NFC; control and zero-width characters removed; ``\\r\\n``/``\\r`` become ``\\n``; tabs, NBSP and
  other spaces become a plain space; runs of spaces collapse; lines are stripped; three or more newlines
  become one blank line.
* Quotes are **straightened** to ASCII (``“ ” „`` -> ``"``, ``‘ ’ ‚ ′`` -> ``'``) so tokenisers, regexes
  and exact-match deduplication see one form. Dashes keep their meaning: en dash ``–`` and em dash ``—``
  stay distinct, but their look-alikes are folded into them (``―`` -> ``—``, ``‒`` -> ``–``, the minus
  sign and non-breaking hyphen -> ``-``; the soft hyphen is removed).
* Hard-wrapped lines (newswire, PDFs) are re-joined: a line break is *soft* when the line ends in a
  lowercase letter, a digit, ``,``/``;``/``-``/``(`` or the next line starts with a lowercase letter or a
  digit. Every other line break (after ``.``, a quote, a heading in capitals...) is kept.
* Line-break hyphens are removed only when it is safe: ``govern-\\nment`` becomes ``government`` when
  the joined word occurs elsewhere in the document or the second part is a common suffix (``ment``,
  ``tion``, ``ing``...); otherwise the hyphen is kept (``well-\\nknown`` -> ``well-known``).

Examples
--------
>>> normalize_text("“Hello”  world\\u200b.\\r\\nSecond   line")
'"Hello" world.\\nSecond line'
>>> normalize_text("The govern-\\nment said")
'The government said'
>>> normalize_text("a long wrapped\\nline of newswire text")
'a long wrapped line of newswire text'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "repair_run_on_sentences", "fix_mojibake"]

_TRANSLATE = {
    # quotes -> ASCII
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"', 0x2033: '"', 0x00AB: None, 0x00BB: None,
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x0060: None, 0x00B4: None,
    # dash look-alikes
    0x2015: "\u2014", 0x2012: "\u2013", 0x2212: "-", 0x2011: "-", 0x2010: "-", 0x00AD: "",
    # spaces
    0x00A0: " ", 0x2007: " ", 0x202F: " ", 0x2009: " ", 0x200A: " ", 0x2002: " ", 0x2003: " ",
    0x2004: " ", 0x2005: " ", 0x2006: " ", 0x2008: " ", 0x205F: " ", 0x3000: " ", 0x0009: " ",
    0x000B: "\n", 0x000C: "\n", 0x0085: "\n", 0x2028: "\n", 0x2029: "\n\n",
    # zero-width and BOM
    0x200B: "", 0x200C: "", 0x200D: "", 0x2060: "", 0xFEFF: "",
}
# keep guillemets and backticks/acute accents as they are (they carry meaning in names and languages)
_TRANSLATE = {k: v for k, v in _TRANSLATE.items() if v is not None}

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile(r" {2,}")
_MANY_NL = re.compile(r"\n{3,}")
_HYPHEN_BREAK = re.compile(r"([A-Za-z]+)-\n([a-z]+)")
_SUFFIXES = ("ment", "ments", "tion", "tions", "sion", "sions", "ing", "ings", "ed", "ly", "ness", "ity",
             "ities", "ous", "ance", "ence", "ances", "ences", "able", "ible", "al", "ally", "er", "ers",
             "est", "ism", "ist", "ists", "ive", "ives", "ize", "ized", "ise", "ised", "ship", "ful", "less",
             "ure", "ures", "ency", "ancy", "ial", "ical", "ia", "ian", "ians", "ent", "ents", "ant", "ants")
_SOFT_END = re.compile(r"[a-z0-9,;(\-\u00df-\u00ff]$")
_SOFT_START = re.compile(r"^[a-z0-9(\u00df-\u00ff]")


def _dehyphenate(text: str) -> str:
    if "-\n" not in text:
        return text
    words = set(re.findall(r"[A-Za-z]+", text.lower()))

    def repl(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        joined = (left + right).lower()
        if joined in words or right.lower() in _SUFFIXES:
            return left + right
        return left + "-" + right

    return _HYPHEN_BREAK.sub(repl, text)


def _unwrap(text: str) -> str:
    if "\n" not in text:
        return text
    out: list[str] = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        buf = lines[0]
        for nxt in lines[1:]:
            if buf and nxt and (_SOFT_END.search(buf) or _SOFT_START.match(nxt)):
                buf = buf + " " + nxt
            else:
                buf = buf + "\n" + nxt
        out.append(buf)
    return "\n\n".join(out)


def normalize_text(text: str, *, unwrap: bool = True) -> str:
    """Normalise Unicode, whitespace, quotes, dashes and line-break hyphens (idempotent).

    Parameters
    ----------
    text : str
        Raw text.
    unwrap : bool, default True
        Re-join hard-wrapped lines (see the module notes for the rule).

    Returns
    -------
    str
        The normalised text, stripped, paragraphs separated by at most one blank line.

    Examples
    --------
    >>> normalize_text("  Mali\\u2019s  army\\t\\u2015 defeated  ")
    "Mali's army — defeated"
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TRANSLATE)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NL.sub("\n\n", text)
    text = text.strip()
    if unwrap:
        text = _dehyphenate(text)
        text = _unwrap(text)
        text = _SPACES.sub(" ", text)
    return text


_RUN_ON = re.compile(r"(?:(?<=[a-z0-9%)\]])|(?<=[A-Z]{2}))([.!?]['\"]?)(?=[A-Z\"][a-z]|\"[A-Z]|[A-Z]{2,}\b|[AI] )")


def repair_run_on_sentences(text: str) -> tuple[str, int]:
    """Insert the missing space between sentences glued together (``"$10.9bn.For the year"``).

    Only a sentence end preceded by a lowercase letter, a digit, ``%``, a closing bracket or two capitals
    (``US.The``) and followed by a capitalised word or an opening quote is repaired, so ``U.S.``,
    ``example.com`` and ``3.5`` are left alone.

    Returns
    -------
    (str, int)
        The repaired text and the number of spaces inserted.

    Examples
    --------
    >>> repair_run_on_sentences("Sales rose to $10.9bn.For the year, profit fell.")
    ('Sales rose to $10.9bn. For the year, profit fell.', 1)
    """
    new, n = _RUN_ON.subn(_run_on_repl, text)
    return new, n


def _run_on_repl(m: re.Match) -> str:
    punct = m.group(1)
    if len(punct) == 2 and punct[1] == '"' and m.string.count('"', 0, m.start(1)) % 2 == 0:
        return punct[0] + ' "'  # an even number of quotes before: this one opens the next sentence
    return punct + " "


_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       r"\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
                       r"\u2122\ufffd]+")


def fix_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 text that was decoded as Windows-1252 (``â€™`` -> ``’``), piece by piece.

    Each suspicious run is re-encoded as cp1252 and decoded as UTF-8; runs that do not round-trip are
    left unchanged. A trailing replacement character (a lost ``0x9d`` byte) is read as that byte.

    Returns
    -------
    (str, int)
        The repaired text and the number of runs repaired.

    Examples
    --------
    >>> fix_mojibake("the \\u00e2\\u20ac\\u02dcbhoomi pujan\\u00e2\\u20ac\\u2122 plan")
    ('the \\u2018bhoomi pujan\\u2019 plan', 2)
    """
    count = 0

    def repl(m: re.Match) -> str:
        nonlocal count
        s = m.group(0)
        extra = b""
        if s.endswith("\ufffd"):  # cp1252 has no 0x9d: "â€\ufffd" was a right double quote
            s, extra = s[:-1], b"\x9d"
        try:
            fixed = (s.encode("cp1252") + extra).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group(0)
        count += 1
        return fixed

    return _MOJIBAKE.sub(repl, text), count
