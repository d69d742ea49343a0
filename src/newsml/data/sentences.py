"""Sentence segmentation that survives news text.

:func:`split_sentences` runs `pysbd <https://github.com/nipunsadvilkar/pySBD>`_ (rule-based, handles
``U.S.``, ``$1.5bn``, ``3.5%``, ``5 p.m.`` well) paragraph by paragraph and then repairs what it gets
wrong on news copy:

* sentences glued together without a space (``died.The rebels``, the BBC summaries) are split;
* titles it does not know (``Insp.``, ``Amb.``, ``Ft.``, ``Supt.``...) never end a sentence, and
  ``approx.``/``vs.``/``Jan. 5``/``No. 10`` are joined with what follows;
* a quote followed by another quote (``"It is over." "No," she said.``), an ellipsis followed by a
  capitalised word and an initialism followed by a pronoun (``Washington, D.C. He moved``) are split;
* stray punctuation-only pieces (``..``) are attached to the previous sentence;
* hard-wrapped lines are re-joined first (same rule as :func:`newsml.data.normalize.normalize_text`),
  and every remaining line break is a sentence boundary (headings, datelines, list items).

Accuracy on our hand-checked sample (``tests/preprocess/fixtures/sentences_gold.jsonl``) is reported
by ``experiments/bench_preprocess.py`` next to plain pysbd.

Examples
--------
>>> split_sentences("Insp. Kumar filed the report. The case was closed.")
['Insp. Kumar filed the report.', 'The case was closed.']
>>> split_sentences('The army said 12 soldiers died.The rebels claimed more.')
['The army said 12 soldiers died.', 'The rebels claimed more.']
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsml.data.normalize import _RUN_ON, _run_on_repl, _unwrap

__all__ = ["split_sentences", "pysbd_sentences"]

# Titles: never the last word of a sentence.
_TITLES = {
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt",
    "cpl", "pvt", "adm", "cmdr", "cdr", "brig", "sen", "sens", "rep", "reps", "gov", "govs", "pres", "amb",
    "insp", "supt", "det", "const", "hon", "rev", "fr", "ft", "mt", "atty", "sec", "secy", "asst", "dep",
    "lieut", "sqn", "ldr", "wg", "cdt", "supdt", "dy", "addl", "jt", "hav", "nk", "spc", "pfc", "ens",
}
# Abbreviations that are followed by more of the same sentence.
_CONTINUE = {"approx", "vs", "cf", "incl", "viz", "ca", "esp", "resp", "eg", "ie", "e.g", "i.e", "ibid"}
# Abbreviations that are followed by a number in the same sentence.
_BEFORE_NUMBER = {"no", "nos", "p", "pp", "para", "paras", "art", "arts", "fig", "vol", "ch", "sec", "ss",
                  "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                  "tel", "ext", "rs", "nr", "approx"}
_STARTERS = {"he", "she", "it", "they", "we", "i", "the", "a", "an", "but", "and", "his", "her", "its",
             "their", "this", "that", "these", "those", "there", "in", "on", "at", "after", "police",
             "officials", "one", "two", "some", "many", "most", "mr", "mrs", "ms", "dr", "when", "while",
             "however", "meanwhile", "both", "our", "you", "no", "since", "last", "earlier", "later"}

_LAST_WORD = re.compile(r"(?:^|[\s(\"'“‘\[])([A-Za-z][A-Za-z.]*)\.$")
_PUNCT_ONLY = re.compile(r"^[\W_]{1,3}$")
_QUOTE_QUOTE = re.compile(r"(?<=[.!?][\"”'’])\s+(?=[\"“][A-Z])")
_ELLIPSIS = re.compile(r"(?:(?<=\.\.\.)|(?<=…))\s*(?=[\"“]?[A-Z][a-z])")
_INITIALISM = re.compile(r"(?<=\b[A-Z]\.[A-Z]\.)\s+(?=([A-Z][a-z]*)\b)")
# sentence ends of other scripts, which pysbd's English rules do not know: Chinese/Japanese full-width
# stops (no space follows), the Devanagari danda and the Arabic question mark / Urdu full stop
_OTHER_SCRIPT_END = re.compile(r"(?<=[。！？])(?![”」』）。！？])\s*|(?<=[。！？][”」』）])\s*|(?<=[।॥؟۔])\s+")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _paragraph_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return [line for line in _unwrap(text).split("\n") if line.strip()]


def pysbd_sentences(text: str) -> list[str]:
    """Plain pysbd, line by line (the baseline :func:`split_sentences` is compared with).

    Examples
    --------
    >>> pysbd_sentences("Insp. Kumar filed the report.")
    ['Insp.', 'Kumar filed the report.']
    """
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if para:
            out.extend(s.strip() for s in _segmenter().segment(para) if s.strip())
    return out


_SAFE_CUT = re.compile(r"(?<=[a-z]{3}[.!?]) (?=[A-Z][a-z])")
_CHUNK = 2000


def _chunks(line: str) -> list[str]:
    """Cut very long paragraphs at near-certain sentence ends (pysbd slows down badly on them)."""
    if len(line) <= 2 * _CHUNK:
        return [line]
    out, start = [], 0
    while len(line) - start > 2 * _CHUNK:
        m = _SAFE_CUT.search(line, start + _CHUNK)
        if m is None or m.start() - start > 4 * _CHUNK:
            space = line.find(" ", start + 2 * _CHUNK)
            if space < 0:
                break
            out.append(line[start:space])
            start = space + 1
        else:
            out.append(line[start:m.start()])
            start = m.end()
    out.append(line[start:])
    return out


def _should_merge(prev: str, nxt: str) -> bool:
    if _PUNCT_ONLY.match(nxt):
        return True
    m = _LAST_WORD.search(prev)
    if not m:
        return False
    word = m.group(1).lower()
    if word in _TITLES or word in _CONTINUE:
        return True
    if word in _BEFORE_NUMBER and nxt[:1].isdigit():
        return True
    return False


def _split_more(sent: str) -> list[str]:
    parts = [sent]
    for pattern in (_QUOTE_QUOTE, _ELLIPSIS):
        parts = [p for part in parts for p in pattern.split(part) if p and p.strip()]
    out: list[str] = []
    for part in parts:
        pieces, last = [], 0
        for m in _INITIALISM.finditer(part):
            if m.group(1).lower() in _STARTERS:
                pieces.append(part[last:m.start()])
                last = m.end()
        pieces.append(part[last:])
        out.extend(p.strip() for p in pieces if p.strip())
    return out


# Boundaries that need no rule engine (pysbd agrees on them): a word ending in two lower-case letters
# (not an abbreviation) or a plain number/amount, then . ! or ?, an optional closing quote, a space, and
# a capitalised word (optionally after an opening quote), outside any open quotation or bracket.
_EASY_CUT = re.compile(r"(?<=[a-z0-9%][.!?])([\"”]?) +(?=[\"“]?[A-Z][a-z])")
_EASY_WORD = re.compile(r"[\"“(\[]*([A-Za-z][A-Za-z'’-]*[a-z]{2}|[$£€]?\d[\d,]*(?:\.\d+)?(?:%|bn|m|pc|s)?)$")
# Anything that may still be a sentence end inside a piece (pysbd decides those).
# Glued ends (``circumstances"."We``, ``'BBB-'.S&P``, ``".said``, ``43%.- Shares``) count too: pysbd
# splits those.
_INNER_END = re.compile(r"[.!?…](?:[\"'”’)\]]*\s+\S|[\"'”’)\]]*[\"“‘\[]?[A-Z]|[\"'”’)\]]+\S|[-–—\[])|(?<=[\"”’)\]])[.!?][a-z]")


@lru_cache(maxsize=1)
def _pysbd_abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(a.lower() for a in English.Abbreviation.ABBREVIATIONS)


@lru_cache(maxsize=1)
def _no_cut_words() -> frozenset[str]:
    return _pysbd_abbreviations() | _TITLES | _CONTINUE | _BEFORE_NUMBER | {"inc", "ltd", "corp", "co", "jr", "sr", "st"}


def _balanced(text: str) -> bool:
    return (text.count('"') % 2 == 0 and text.count("“") == text.count("”")
            and text.count("(") == text.count(")") and text.count("[") == text.count("]"))


def _easy_pieces(line: str) -> list[str]:
    """Cut ``line`` at boundaries no rule could dispute, so that pysbd only sees the rest.

    >>> _easy_pieces('Sales rose 2%. Mr. Diop left Google. "We won," he said. Gen. Ba agreed.')
    ['Sales rose 2%.', 'Mr. Diop left Google.', '"We won," he said.', 'Gen. Ba agreed.']
    """
    stop = _no_cut_words()
    out, start = [], 0
    for m in _EASY_CUT.finditer(line):
        end = m.start(1) + len(m.group(1))
        head = line[start:m.start(1)]
        token = head[head.rfind(" ") + 1:-1]
        w = _EASY_WORD.fullmatch(token)
        if w is None or w.group(1).lower() in stop or not _balanced(line[start:end]):
            continue
        out.append(line[start:end])
        start = m.end()
    out.append(line[start:])
    return out


def split_sentences(text: str) -> list[str]:
    """Split news text into sentences (stripped, empty ones dropped).

    Parameters
    ----------
    text : str
        Article text; line breaks are paragraph/heading boundaries, hard-wrapped lines are re-joined.

    Returns
    -------
    list of str
        Sentences in order. Missing spaces between glued sentences are restored, otherwise each sentence
        is a substring of the whitespace-normalised input.

    Examples
    --------
    >>> split_sentences("Lt. Col. Ahmed Khan led the unit. It withdrew at dawn.")
    ['Lt. Col. Ahmed Khan led the unit.', 'It withdrew at dawn.']
    >>> split_sentences('"It is over." "No, it is not," she replied.')
    ['"It is over."', '"No, it is not," she replied.']
    """
    if not text or not text.strip():
        return []
    seg = _segmenter()
    out: list[str] = []
    lines = [c for line in _paragraph_lines(text) for c in _chunks(line)]
    for line in lines:
        line = _RUN_ON.sub(_run_on_repl, line)
        # Processor.process() is what Segmenter.segment() runs, minus its per-sentence span search
        raw = []
        for piece in _easy_pieces(line):
            if _INNER_END.search(piece) is None:  # one sentence: nothing for pysbd to decide
                if piece.strip():
                    raw.append(piece.strip())
            else:
                raw.extend(s.strip() for s in seg.processor(piece).process() if s and s.strip())
        merged: list[str] = []
        for s in raw:
            if merged and _should_merge(merged[-1], s):
                sep = "" if _PUNCT_ONLY.match(s) else " "
                merged[-1] = merged[-1] + sep + s
            else:
                merged.append(s)
        for s in merged:
            out.extend(p.strip() for part in _split_more(s) for p in _OTHER_SCRIPT_END.split(part) if p.strip())
    return out
