"""An article's body sentences, ready for summarising: lead and page furniture removed, paragraphs kept.

:func:`split_document` is what every summariser uses on raw text (``newsml.summarize`` keeps no splitter
of its own): the news lead (source, dateline, byline) and CNN / Daily Mail page furniture are removed
(:func:`newsml.data.lead.strip_lead`), the body is split into sentences paragraph by paragraph
(:func:`newsml.data.sentences.split_sentences` by default) and furniture sentences are dropped.
``limit`` stops as soon as enough sentences are found, which is what makes the lead baseline fast: the
default splitter runs lazily (:func:`newsml.data.sentences.iter_sentences`), and other splitters see long
paragraphs a chunk at a time, cut only at near-certain sentence ends (a lower-case word, a full stop, a
space and a capitalised word), so the sentences found are the ones a full split gives.

Examples
--------
>>> split_document("PARIS - A deal was signed.\\n\\nIt takes effect in May. It is final.")
(['A deal was signed.', 'It takes effect in May.', 'It is final.'], [True, True, False])
>>> split_document("(CNN)Rain fell in Accra on Monday. Roads flooded. Schools shut.", limit=2)[0]
['Rain fell in Accra on Monday.', 'Roads flooded.']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from newsml.data.lead import clean_first_sentence, is_page_furniture, strip_lead
from newsml.data.sentences import fast_split_sentences, iter_sentences, split_sentences
from newsml.errors import ConfigError

__all__ = ["split_document", "get_splitter", "SPLITTERS"]

#: the sentence splitters a summariser may name (``splitter=...``)
SPLITTERS: dict[str, Callable[[str], list[str]]] = {"newsml": split_sentences, "fast": fast_split_sentences}
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_SAFE_CUT = re.compile(r"(?<=[a-z]{3}[.!?]) (?=[A-Z][a-z])")
_FIRST_CHUNK = 800


def get_splitter(name: str | None) -> Callable[[str], list[str]]:
    """The sentence splitter called ``name`` (``None`` or ``"newsml"``: :func:`split_sentences`).

    Examples
    --------
    >>> get_splitter("fast")("One. Two.")
    ['One.', 'Two.']
    """
    if name is None:
        return split_sentences
    try:
        return SPLITTERS[name]
    except KeyError:
        raise ConfigError(f"splitter={name!r}; allowed: {', '.join(SPLITTERS)}") from None


def _chunks(paragraph: str, size: int) -> Iterator[str]:
    """``paragraph`` in pieces of about ``size`` characters (growing), cut at near-certain sentence ends."""
    start = 0
    while len(paragraph) - start > 2 * size:
        m = _SAFE_CUT.search(paragraph, start + size)
        if m is None:
            break
        yield paragraph[start:m.start()]
        start = m.end()
        size *= 2
    yield paragraph[start:]


def _is_sentence(sentence: str) -> bool:
    from newsml.scripts import WORD_RE

    # words of any script (a 2-character Chinese clause counts); stop at the second
    found = WORD_RE.finditer(sentence)
    return next(found, None) is not None and next(found, None) is not None and not is_page_furniture(sentence)


def split_document(text: str, splitter: Callable[[str], list[str]] | str | None = None,
                   limit: int | None = None) -> tuple[list[str], list[bool]]:
    """Body sentences of a raw article and, for each, whether it opens a paragraph.

    Parameters
    ----------
    text : str
        The raw article.
    splitter : callable or str, optional
        A sentence splitter or its name in :data:`SPLITTERS` (default :func:`split_sentences`).
    limit : int, optional
        Stop after this many sentences (the rest of the text is not split).

    Page furniture and one-word sentences are dropped, unless nothing else is left (a text of one-word
    lines still gets its sentences: a summary is never empty for a non-empty text).

    Returns
    -------
    (list of str, list of bool)
        Sentences in order, and paragraph-opening flags.
    """
    split = splitter if callable(splitter) else get_splitter(splitter)
    body = strip_lead(text)
    sentences: list[str] = []
    firsts: list[bool] = []
    kept_junk: list[tuple[str, bool]] = []
    for para in _PARAGRAPH.split(body):
        if not para.strip():
            continue
        first = True
        if limit is None:
            found = split(para)
        elif split is split_sentences:
            found = iter_sentences(para)  # lazily: only what is needed is split
        else:
            found = (s for piece in _chunks(para, _FIRST_CHUNK) for s in split(piece))
        for s in found:
            s = s.strip()
            if not sentences:
                s = clean_first_sentence(s).strip()
            if not s:
                continue
            if not _is_sentence(s):
                kept_junk.append((s, first))
                continue
            sentences.append(s)
            firsts.append(first)
            first = False
            if limit is not None and len(sentences) >= limit:
                return sentences, firsts
    if not sentences and kept_junk:  # a text of one-word lines still gets a summary: never "" for text
        sentences = [s for s, _ in kept_junk]
        firsts = [f for _, f in kept_junk]
    return sentences, firsts
