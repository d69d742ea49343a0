"""Writing-system helpers: Unicode-aware words and the dominant script of a text.

newsml's built-in models and taxonomies are English. Text in another script still gets summaries
(word and sentence handling here is Unicode-aware: letters of every script, combining marks, and
scripts written without spaces, whose characters each count as a word), but a classifier trained
on English text says so rather than silently returning no label: :func:`dominant_script` tells the
classify CLI which script a document is in.

Examples
--------
>>> words("Москва заявила о санкциях")
['москва', 'заявила', 'о', 'санкциях']
>>> words("市场下跌")
['市', '场', '下', '跌']
>>> dominant_script("Переговоры сорваны. Talks failed")
'Cyrillic'
>>> dominant_script("12 345")
''
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

# Scripts written without spaces between words: every character is a token.
_NOSPACE = ("\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u309f\u30a0-\u30ff"
            "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f")


def _mark_class() -> str:
    """A character class of the combining marks of the Basic Multilingual Plane (vowel signs...)."""
    ranges: list[list[int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


_MARKS = _mark_class()
_LETTER = rf"[^\W_{_NOSPACE}]"
#: a word: one character of a space-less script, or a run of letters/digits (with combining marks,
#: which ``\w`` does not match: Hindi vowel signs) and an inner apostrophe part (``don't``)
WORD_RE = re.compile(rf"[{_NOSPACE}]|{_LETTER}(?:{_LETTER}|[{_MARKS}])*(?:['’](?:{_LETTER}|[{_MARKS}])+)?")
_NOSPACE_RE = re.compile(f"[{_NOSPACE}]")
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)?")


def words(text: str) -> list[str]:
    """Lower-cased word tokens in any script (see the module docstring).

    >>> words("Don't panic, said Ms. Ba")
    ["don't", 'panic', 'said', 'ms', 'ba']
    >>> words("सरकार ने घोषणा की")
    ['सरकार', 'ने', 'घोषणा', 'की']
    """
    if text.isascii():  # the same tokens: on ASCII, WORD_RE is letters/digits with one inner apostrophe part
        return _ASCII_WORD_RE.findall(text.lower())
    return [w.lower() for w in WORD_RE.findall(text)]


def count_words(text: str) -> int:
    """Words for length budgets: whitespace-separated tokens, each character of a space-less script one.

    >>> count_words("Talks failed on Monday."), count_words("谈判破裂了。")
    (4, 5)
    """
    if not _NOSPACE_RE.search(text):
        return len(text.split())
    rest = [t for t in _NOSPACE_RE.sub(" ", text).split() if re.search(r"[^\W_]", t)]
    return len(rest) + len(_NOSPACE_RE.findall(text))


def cut_words(text: str, n: int) -> str:
    """The first ``n`` words of ``text`` (as counted by :func:`count_words`), whitespace normalised.

    >>> cut_words("Talks failed on Monday.", 2), cut_words("谈判破裂了。", 2)
    ('Talks failed', '谈判')
    """
    if not _NOSPACE_RE.search(text):
        return " ".join(text.split()[:n])
    out: list[str] = []
    used = 0
    for tok in text.split():
        for piece in re.findall(f"[{_NOSPACE}]|[^{_NOSPACE}]+", tok):
            if used >= n:
                break
            if _NOSPACE_RE.fullmatch(piece) or re.search(r"[^\W_]", piece):
                used += 1
            out.append(piece)
        if used >= n:
            break
        out.append(" ")
    return "".join(out).strip()


# Chinese and Japanese (Han, kana, CJK and full-width punctuation): sentences follow each other with no space.
_CJK_RE = re.compile("[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                     "\uff00-\uffef\U00020000-\U0002fa1f]")


def join_sentences(sentences: list[str]) -> str:
    """The sentences as one text: a space between them, none where a Chinese/Japanese sentence meets another.

    >>> join_sentences(["谈判破裂了。", "双方将于周一再次会面。"])
    '谈判破裂了。双方将于周一再次会面。'
    >>> join_sentences(["交渉は決裂した。", "Talks failed.", "Both sides left."])
    '交渉は決裂した。 Talks failed. Both sides left.'
    """
    out = ""
    for sent in sentences:
        if out and sent and not (_CJK_RE.match(out[-1]) and _CJK_RE.match(sent[0])):
            out += " "
        out += sent
    return out


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    first = name.split(" ", 1)[0]
    if first == "CJK" or first in ("HIRAGANA", "KATAKANA"):
        return "Han" if first == "CJK" else "Japanese"
    if first == "HANGUL":
        return "Hangul"
    return first.capitalize()


def script_counts(text: str, limit: int = 5000) -> Counter:
    """Letters per script in the first ``limit`` characters (``Latin``, ``Cyrillic``, ``Arabic``, ``Han``...).

    >>> script_counts("Ab Γδ").most_common()
    [('Latin', 2), ('Greek', 2)]
    """
    counts: Counter = Counter()
    for ch in text[:limit]:
        if ch.isalpha():
            script = _script_of(ch)
            if script:
                counts[script] += 1
    return counts


def dominant_script(text: str) -> str:
    """The script of most letters of ``text`` (``""`` when it has no letters).

    >>> dominant_script("Η κυβέρνηση ανακοίνωσε"), dominant_script("सरकार ने घोषणा की")
    ('Greek', 'Devanagari')
    """
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else ""
