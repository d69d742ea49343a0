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
from collections.abc import Iterator
from functools import cache, lru_cache

from newsml.data.normalize import _RUN_ON, _run_on_repl, _unwrap

__all__ = ["split_sentences", "iter_sentences", "pysbd_sentences", "split_tokenized_sentences", "is_tokenized",
           "fast_split_sentences"]

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
_INITIALISM_HINT = re.compile(r"[A-Z]\.[A-Z]\.\s")  # what every _INITIALISM match needs
# sentence ends of other scripts, which pysbd's English rules do not know: Chinese/Japanese full-width
# stops (no space follows), the Devanagari danda and the Arabic question mark / Urdu full stop
_OTHER_SCRIPT_HINT = re.compile(r"[。！？।॥؟۔]")  # what every _OTHER_SCRIPT_END match needs
_OTHER_SCRIPT_END = re.compile(r"(?<=[。！？])(?![”」』）。！？])\s*|(?<=[。！？][”」』）])\s*|(?<=[।॥؟۔])\s+")


@lru_cache(maxsize=1024)
def _abbr_at_word_start(stripped: str):
    # pysbd's pattern, compiled once (re's own cache of 512 patterns overflows with pysbd's)
    return re.compile(rf"(?:^|\s|\r|\n){stripped}", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _abbr_with_stop(stripped: str):
    # the abbreviation at a word start followed by a full stop (unescaped, as pysbd uses it)
    return re.compile(r"(?:^|\s)" + stripped + r"\.", re.IGNORECASE)


# a word start (start of text or after whitespace), letters, then a full stop: the only places where an
# abbreviation of letters alone can match ``(?:^|\s)abbr\.`` (the test pysbd's loop below needs to pass)
_WORD_STOP = re.compile(r"(?:^|(?<=\s))([a-z]+)\.", re.IGNORECASE)
# characters that IGNORECASE folds onto ASCII letters (KELVIN SIGN, long s, dotted/dotless i): texts with one
# take the plain loop, so that the candidate set below stays a superset of what the loop would use
_CASE_FOLD_ODD = re.compile("[\u212a\u017f\u0130\u0131\u212b]")


@lru_cache(maxsize=4)
def _abbreviation_parts(abbreviations: tuple[str, ...]) -> tuple[dict[str, list[int]], list[int]]:
    """(positions of each abbreviation of letters only, positions of the others: always checked)."""
    plain: dict[str, list[int]] = {}
    others = []
    for i, a in enumerate(abbreviations):
        if re.fullmatch(r"[a-z]+", a.strip()):
            plain.setdefault(a.strip(), []).append(i)
        else:
            others.append(i)
    return plain, others


def _fast_abbreviation_search(self, text: str) -> str:
    """pysbd's ``search_for_abbreviations_in_string``, same output, a fraction of the work.

    pysbd runs a ``findall`` and one ``re.sub`` per *word* that merely starts with an abbreviation
    (``a``... ``is``, ``man``, ``may``), and loops over all 188 abbreviations for every piece of text. Every one
    of those substitutions only rewrites an abbreviation directly followed by a full stop, so an abbreviation
    that never appears at a word start followed by ``.`` cannot change the text and is skipped. Those that
    can are found with one regex over the text (the words directly followed by ``.``); abbreviations with a
    ``.`` inside (``u.s``, ``e.g``) are always checked. They are then processed in pysbd's own order with
    pysbd's own tests: the replacements only turn ``.`` into ``∯``, so an abbreviation that fails the tests
    on the original text fails them on the rewritten text too, and the output is the same.
    """
    abbreviations = self.lang.Abbreviation.ABBREVIATIONS
    lowered = text.lower()
    if "." not in text:
        return text  # every replacement below needs a full stop after the abbreviation
    if _CASE_FOLD_ODD.search(text) is None:
        plain, others = _abbreviation_parts(tuple(abbreviations))
        found = {w.lower() for w in _WORD_STOP.findall(text)}
        todo = sorted(others + [i for w in found if w in plain for i in plain[w]])  # pysbd's order
        candidates = [abbreviations[i] for i in todo]
    else:
        candidates = abbreviations
    for abbr in candidates:
        stripped = abbr.strip()
        if stripped not in lowered:
            continue
        if "." not in stripped and stripped + "." not in lowered:
            continue
        if _abbr_with_stop(stripped).search(text) is None:
            continue
        abbrev_match = _abbr_at_word_start(stripped).findall(text)
        if not abbrev_match:
            continue
        # pysbd's look-behind has literal braces, so this is empty unless the text has them
        char_array = re.findall(r"(?<={" + str(re.escape(stripped)) + "} ).{1}", text) if "{" in text else []
        for ind, match in enumerate(abbrev_match):
            text = self.scan_for_replacements(text, match, ind, char_array)
    return text


@lru_cache(maxsize=4)
def _boundary_regex(starters: tuple[str, ...]) -> re.Pattern:
    sent_starters = "|".join(rf"(?=\s{word}\s)" for word in starters)
    return re.compile(rf"(U∯S|U\.S|U∯K|E∯U|E\.U|U∯S∯A|U\.S\.A|I|i.v|I.V)∯({sent_starters})")


@cache
def _compiled(pattern):
    return re.compile(pattern)


def _fast_apply(self, *rules):
    """pysbd's ``Text.apply`` with each rule's pattern compiled once (``re.sub(pattern, ...)`` looks the
    pattern up in ``re``'s cache on every call, a third of pysbd's time on short pieces). Same output."""
    for rule in rules:
        self = _compiled(rule.pattern).sub(rule.replacement, self)
    return self


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd
    import pysbd.utils
    from pysbd.lang.english import English

    pysbd.utils.Text.apply = _fast_apply  # same output (see _fast_apply), for every user of pysbd

    class _Replacer(English.AbbreviationReplacer):
        search_for_abbreviations_in_string = _fast_abbreviation_search

        def replace_abbreviation_as_sentence_boundary(self):
            # pysbd's method, with its regex built once instead of on every call
            self.text = _boundary_regex(tuple(self.SENTENCE_STARTERS)).sub("\\1.", self.text)
            return self.text

    class _NewsEnglish(English):
        AbbreviationReplacer = _Replacer

    seg = pysbd.Segmenter(language="en", clean=False)
    seg.language_module = _NewsEnglish
    return seg


def _paragraph_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    if "\n\n\n" in text:  # (the regex scan costs as much as the rest of this function)
        text = re.sub(r"\n{3,}", "\n\n", text)
    text = text.strip()
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
# what every _RUN_ON match needs (an end mark with no space before what its look-ahead wants); one pattern
# per mark, because a pattern that starts with a literal is searched much faster than one with a class
_RUN_ON_HINTS = tuple(re.compile(re.escape(c) + r"['\"]?(?:[A-Z\"][a-z]|\"[A-Z]|[A-Z]{2}|[AI] )") for c in ".!?")


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


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_WORD_OPENERS = frozenset("(\"'“‘[")


def _last_word(prev: str) -> str | None:
    """``_LAST_WORD.search(prev).group(1)`` (None when it does not match), read from the end of ``prev``.

    The pattern ends in ``\\.$`` after letters and dots only, so the only possible match is the trailing run
    of letters and dots, preceded by the start of the text, white space or an opening quote/bracket.
    """
    if not prev.endswith(".") or prev.endswith("\n"):
        m = _LAST_WORD.search(prev)
        return m.group(1) if m else None
    i = len(prev)
    while i and prev[i - 1] in _WORD_CHARS:
        i -= 1
    if len(prev) - i < 2 or not prev[i].isascii() or not prev[i].isalpha():
        return None
    if i and not (prev[i - 1] in _WORD_OPENERS or prev[i - 1].isspace()):
        return None
    return prev[i:-1]


_LAZY_MIN = 8 * _CHUNK  # single lines longer than this are normalised and cut as they are read
_SPACE = re.compile(r"\s")


def _lazy_chunks(raw: str) -> Iterator[str]:
    """``_chunks(" ".join(raw.split()))``, normalising ``raw`` only as far as the chunks are read.

    ``raw`` is one line (no ``\\n``/``\\r``). Each decision of :func:`_chunks` looks at most ``4 * _CHUNK``
    characters (plus the 3 of :data:`_SAFE_CUT`) past the current chunk start, or up to the next space, so
    a buffer of the normalised text that reaches that far gives the same chunks: a reader that stops
    after the first sentences (``lead``) never normalises the rest of a huge document.
    """
    n_raw = len(raw)
    pos = 0  # raw[:pos] is in the buffer
    buf = ""  # the normalised text from offset `base` on
    base = 0

    def extend(upto: int) -> bool:  # grow buf to at least `upto` (absolute) characters; False at the end
        nonlocal buf, pos
        while base + len(buf) < upto and pos < n_raw:
            sp = _SPACE.search(raw, min(n_raw, pos + max(upto - base - len(buf), 4 * _CHUNK)))
            end = n_raw if sp is None else sp.start()  # cut raw at white space: no word is split
            piece = " ".join(raw[pos:end].split())
            if piece:
                buf = buf + " " + piece if buf else piece
            pos = end
        return base + len(buf) >= upto

    start = 0
    if not extend(2 * _CHUNK + 1):  # the whole line is short: one chunk (as _chunks)
        yield buf
        return
    while extend(start + 2 * _CHUNK + 1):  # len(line) - start > 2 * _CHUNK
        extend(start + 4 * _CHUNK + 3)
        if start - base > 8 * _CHUNK:  # drop what has been read
            buf, base = buf[start - base:], start
        m = _SAFE_CUT.search(buf, start + _CHUNK - base)
        if m is None or m.start() + base - start > 4 * _CHUNK:
            space = buf.find(" ", start + 2 * _CHUNK - base)
            while space < 0 and extend(base + len(buf) + 4 * _CHUNK):
                space = buf.find(" ", start + 2 * _CHUNK - base)
            if space < 0:
                break
            yield buf[start - base:space]
            start = space + base + 1
        else:
            yield buf[start - base:m.start()]
            start = m.end() + base
    extend(n_raw + base + len(buf) + 1)  # the rest of the line
    yield buf[start - base:]


def _should_merge(prev: str, nxt: str) -> bool:
    if _PUNCT_ONLY.match(nxt):
        return True
    word = _last_word(prev)
    if word is None:
        return False
    word = word.lower()
    if word in _TITLES or word in _CONTINUE:
        return True
    if word in _BEFORE_NUMBER and nxt[:1].isdigit():
        return True
    return False


def _split_more(sent: str) -> list[str]:
    parts = [sent]
    # each split needs characters most sentences lack: test for them first (same result, less work)
    if '"' in sent or "“" in sent:
        parts = [p for part in parts for p in _QUOTE_QUOTE.split(part) if p and p.strip()]
    if "..." in sent or "…" in sent:
        parts = [p for part in parts for p in _ELLIPSIS.split(part) if p and p.strip()]
    if _INITIALISM_HINT.search(sent) is None:
        return [p.strip() for p in parts if p.strip()]
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
_EASY_CUT = re.compile(r"(?<=[A-Za-z0-9%\"”)\]][.!?])([\"”]?) +(?=[\"“]?(?:[A-Z][a-z]|I[ '’]|A [a-z]|[A-Z]{2,}[ '’,]))")
# the first version of the easy boundaries; the ones above add words of two lower-case letters or of
# capitals (``it.``, ``KGO.``), closing quotes/brackets after the word and ``A`` + a lower-case word after
_STRICT_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789%")
_STRICT_AHEAD = re.compile(r"[\"“]?(?:[A-Z][a-z]|I[ '’]|[A-Z]{2,}[ '’,])")
_STRICT_WORD = re.compile(r"[\"“(\[]*([A-Za-z][A-Za-z'’-]*[a-z]{2}|[$£€]?\d[\d,]*(?:\.\d+)?(?:%|bn|m|pc|s)?)")
_EASY_WORD = re.compile(r"[\"“(\[]*([A-Za-z][A-Za-z'’-]*[a-z]{2}|[a-z]{2}|[A-Z]{2,}|[$£€]?\d[\d,]*(?:\.\d+)?(?:%|bn|m|pc|s)?)"
                        r"[\"”’')\]]*$")
# Anything that may still be a sentence end inside a piece (pysbd decides those).
# Glued ends (``circumstances"."We``, ``'BBB-'.S&P``, ``".said``, ``43%.- Shares``) count too: pysbd
# splits those.
_INNER_END = re.compile(r"[.!?…](?:[\"'”’)\]]*\s+\S|[\"'”’)\]]*[\"“‘\[]?[A-Z]|[\"'”’)\]]+\S|[-–—\[])|(?<=[\"”’)\]])[.!?][a-z]")


_END_CHAR = re.compile(r"[.!?…]")
# an initialism (``U.S.``, ``D.C.``, ``a.m.``) followed by a lower-case word, a number or a comma: pysbd
# never ends a sentence there
_INITIALISM_GOING_ON = re.compile(r"(?<![A-Za-z.])(?:[A-Za-z]\.){2,}(?= [a-z0-9]|[,;:])")
# a title before a capitalised word (``Capt. Patrick``): whatever pysbd does there, the pieces are joined
# again (:func:`_should_merge`)
_TITLE_BEFORE_NAME = re.compile(r"(?:^|(?<=[\s(\"'“‘\[]))([A-Za-z]+)\. (?=[A-Z])")


# initials before a capitalised word (``U.S. Congress``, ``George A. Romero``): pysbd masks their full stops
# (its multi-period and single-letter rules) and only ends a sentence after ``a.m.``/``p.m.`` or after
# ``U.S.``/``U.K.``/``E.U.``/``U.S.A.`` followed by one of its sentence starters (``U.S. The``)
_INITIALS_BEFORE_NAME = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,}) (?=([A-Z][A-Za-z]*))"
                                   r"|(?:(?<=\s)|^)([A-Z]\.) (?=([A-Z][A-Za-z]*))")
_PYSBD_RESTORED = {"U.S.", "U.K.", "E.U.", "U.S.A.", "I.V.", "i.v."}


@lru_cache(maxsize=1)
def _pysbd_sentence_starters() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.AbbreviationReplacer.SENTENCE_STARTERS)


def _initials_go_on(m: re.Match) -> bool:
    initials, nxt = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    if initials.replace(".", "").lower() in ("am", "pm"):
        return False
    if initials in _PYSBD_RESTORED or initials == "I.":
        return nxt not in _pysbd_sentence_starters()
    return True


_ENCLOSED = re.compile(r'"[^"]+"|“[^”]+”|\([^()]+\)|\[[^\]]+\]')
_QUOTE_THEN_CAPITAL = re.compile(r'["”\')\]]\s+\W*[A-Z0-9]')


def _only_harmless_ends(piece: str, pos: int) -> bool:
    """True when ``piece`` has no possible sentence end (an ``_INNER_END`` match) that pysbd could act on.

    Matches inside an initialism that the sentence goes on after, and full stops after a title that
    :func:`_should_merge` joins again, do not count (pysbd gives the piece back whole, or split only
    where the pieces are joined again).
    """
    m = _INNER_END.search(piece, pos)
    if m is None:
        return True
    spans = None
    while m is not None:
        if spans is None:
            spans = [x.span() for x in _INITIALISM_GOING_ON.finditer(piece)]
            spans += [x.span() for x in _TITLE_BEFORE_NAME.finditer(piece) if x.group(1).lower() in _TITLES]
            spans += [x.span(1) if x.group(1) else x.span(3) for x in _INITIALS_BEFORE_NAME.finditer(piece)
                      if _initials_go_on(x)]
            # inside a quotation or brackets pysbd masks every end mark (its BetweenPunctuation), as long
            # as the match stays inside (a closing quote followed by a capital may end a sentence)
            # (pysbd also ends a sentence after a closing quote followed by a capital, with no end mark)
            enclosed = ([(x.start() + 1, x.end() - 1) for x in _ENCLOSED.finditer(piece)]
                        if "\\" not in piece and _QUOTE_THEN_CAPITAL.search(piece) is None else [])
        i = m.start()
        if not any(a <= i < b for a, b in spans) and not any(a <= i and m.end() <= b for a, b in enclosed):
            return False
        m = _INNER_END.search(piece, i + 1)
    return True


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
    return list(_iter_easy_pieces(line))


def _reopened_quote(line: str, m: re.Match) -> bool:
    """A quotation that runs over a paragraph break, with the break lost.

    News style leaves a quote open at the end of a paragraph and reopens it at the start of the next
    (``...two games. "That is the problem``). Without the line break the count of ``"`` is odd, which would
    block every cut after it. A bare ``"`` after the space and right before a capital is an opening
    quote, so the sentence before it has ended.
    """
    return not m.group(1) and line[m.end():m.end() + 1] in '"“' and line[m.start(1) - 2:m.start(1) - 1] != '"'


def _iter_easy_pieces(line: str) -> Iterator[str]:
    stop = _no_cut_words()
    start = 0
    for m in _EASY_CUT.finditer(line):
        end = m.start(1) + len(m.group(1))
        head = line[start:m.start(1)]
        token = head[head.rfind(" ") + 1:-1]
        w = _EASY_WORD.fullmatch(token)
        if w is None or w.group(1).lower() in stop:
            continue
        if not _balanced(line[start:end]):
            # a quotation reopened after a lost paragraph break: only at the original easy boundaries (a
            # lower-case word of 3+ letters or a number before, a capitalised word after), where pysbd
            # reads the quotes the same way
            if not (_reopened_quote(line, m) and line[m.start(1) - 2] in _STRICT_BEFORE
                    and _STRICT_AHEAD.match(line, m.end()) and _STRICT_WORD.fullmatch(token)):
                continue
        yield line[start:end]
        start = m.end()
    yield line[start:]


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

    PTB-tokenised lower-case text (``he said . " it is over . "``, see :func:`is_tokenized`) is split
    with :func:`split_tokenized_sentences` instead: it has no capitals for the rules to use.

    Examples
    --------
    >>> split_sentences("Lt. Col. Ahmed Khan led the unit. It withdrew at dawn.")
    ['Lt. Col. Ahmed Khan led the unit.', 'It withdrew at dawn.']
    >>> split_sentences('"It is over." "No, it is not," she replied.')
    ['"It is over."', '"No, it is not," she replied.']
    """
    if not text or not text.strip():
        return []
    if is_tokenized(text):
        return split_tokenized_sentences(text)
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of :func:`split_sentences`, produced lazily: stop early and the rest is not split.

    Examples
    --------
    >>> it = iter_sentences("Gen. Musa spoke. Troops left. Rain fell.")
    >>> next(it)
    'Gen. Musa spoke.'
    """
    if not text or not text.strip():
        return
    if is_tokenized(text):
        yield from split_tokenized_sentences(text)
        return
    seg = _segmenter()
    if len(text) > _LAZY_MIN and "\n" not in text and "\r" not in text:
        chunks: Iterator[str] = _lazy_chunks(text)  # one long line: read only as far as needed
    else:
        chunks = (line for whole in _paragraph_lines(text) for line in _chunks(whole))
    for line in chunks:
        if any(h.search(line) for h in _RUN_ON_HINTS):
            line = _RUN_ON.sub(_run_on_repl, line)
        pending: str | None = None
        for raw in _raw_sentences(line, seg):
            if pending is not None and _should_merge(pending, raw):
                pending = pending + ("" if _PUNCT_ONLY.match(raw) else " ") + raw
                continue
            if pending is not None:
                yield from _finish(pending)
            pending = raw
        if pending is not None:
            yield from _finish(pending)


def _finish(sentence: str) -> Iterator[str]:
    other = _OTHER_SCRIPT_HINT.search(sentence) is not None
    for part in _split_more(sentence):
        if not other:
            yield part  # already stripped and non-empty
            continue
        for p in _OTHER_SCRIPT_END.split(part):
            if p.strip():
                yield p.strip()


def _raw_sentences(line: str, seg) -> Iterator[str]:
    for piece in _iter_easy_pieces(line):
        first = _END_CHAR.search(piece)  # every _INNER_END match starts at one of these
        if first is None or _only_harmless_ends(piece, first.start()):  # one sentence: nothing for pysbd
            if piece.strip():
                yield piece.strip()
        else:
            # Processor.process() is what Segmenter.segment() runs, minus its per-sentence span search
            yield from (s.strip() for s in seg.processor(piece).process() if s and s.strip())


_TOKENIZED_HINT = re.compile(r"\w \. \w|\w \. \Z|\w \.$")
_END_TOKENS = {".", "!", "?"}
_CLOSERS = {"'", "''", ")", "\u201d", "\u2019"}


def is_tokenized(text: str) -> bool:
    """True for PTB-tokenised, lower-cased text (no capital letter, full stops standing alone as tokens).

    Examples
    --------
    >>> is_tokenized("the senate voted on tuesday . it passed .")
    True
    >>> is_tokenized("The Senate voted on Tuesday. It passed.")
    False
    """
    head = text[:2000]
    return head == head.lower() and _TOKENIZED_HINT.search(head) is not None


def split_tokenized_sentences(text: str) -> list[str]:
    """Split PTB-tokenised text: a standalone ``.``, ``!`` or ``?`` token ends a sentence.

    A closing quote or bracket right after the end token stays with the sentence; a double-quote token
    does when the sentence has an unmatched one. Line breaks are boundaries too.

    Examples
    --------
    >>> split_tokenized_sentences('it is dubbed the " forgotten floor . " here , inmates wait . u.s. troops left .')
    ['it is dubbed the " forgotten floor . "', 'here , inmates wait .', 'u.s. troops left .']
    """
    out: list[str] = []
    for line in text.split("\n"):
        toks = line.split()
        cur: list[str] = []
        i = 0
        while i < len(toks):
            tok = toks[i]
            cur.append(tok)
            i += 1
            if tok in _END_TOKENS:
                while i < len(toks) and (toks[i] in _CLOSERS or toks[i] in _END_TOKENS
                                         or (toks[i] == '"' and cur.count('"') % 2 == 1)):
                    cur.append(toks[i])
                    i += 1
                out.append(" ".join(cur))
                cur = []
        if cur:
            out.append(" ".join(cur))
    return out


_FAST_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "sen", "rep",
                "gov", "pres", "amb", "insp", "supt", "rev", "st", "mt", "ft", "jr", "sr", "co", "corp", "inc", "ltd",
                "no", "vs", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m"}
# a sentence end, then a capital letter or a letter of a script without case (Arabic, Hindi...)
_FAST_BOUNDARY = re.compile(r"(?<=[.!?\u061f\u0964])([\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?(?:[A-Z0-9]|[^\W\d_a-z]))"
                            r"|(?<=[\u3002\uff01\uff1f])([\"'\u201d\u2019)\]\u300d\u300f]*)\s*(?=\S)")


def fast_split_sentences(text: str) -> list[str]:
    """A fast regex sentence splitter (about 50x faster than :func:`split_sentences`, less careful).

    Line breaks are sentence boundaries. Tokenised lower-case text goes to
    :func:`split_tokenized_sentences`.

    Examples
    --------
    >>> fast_split_sentences('Mr. Diop met U.S. envoys on Monday. Talks ended. "It failed," he said.')
    ['Mr. Diop met U.S. envoys on Monday.', 'Talks ended.', '"It failed," he said.']
    """
    if is_tokenized(text):
        return split_tokenized_sentences(text)
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _FAST_BOUNDARY.finditer(line):
            g = 1 if m.group(1) is not None else 2
            if m.group(2) is not None and m.end() == len(line):
                continue
            end = m.start(g) + len(m.group(g))
            head = line[start:m.start(g)]
            last = head.rsplit(None, 1)[-1].rstrip(".").lower() if head.strip() else ""
            if last in _FAST_ABBREV or (len(last) == 1 and last.isalpha()):
                continue
            out.append(line[start:end].strip())
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return out
